/// The OpenAPI 3.1 document of the Latchkey API, served by `GET /api/schema` and rendered as
/// HTML by `GET /api/docs` and `GET /api/redoc`.
///
/// Kept here as JSON text (no resource bundle to find at run time). `SchemaTests` checks it
/// against the router: every registered path and method is documented, and nothing else is.
/// Paths are written with the trailing slash the API advertises; the router matches either.
enum OpenAPIDocument {
    /// The document, as JSON.
    static let json = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "Latchkey API",
    "version": "1.0.0",
    "description": "API-key vault and resource API. Authenticate with `Authorization: Bearer ct_live_…`. Every error is JSON `{\"detail\": …}` (with `code` when there is one). Every path also answers `HEAD` where it answers `GET`, `OPTIONS` with 204 and `Allow`, and any other method with 405 and `Allow`. Backend services call the decision API (`/v1/`, `/access/v1/`) with `Authorization: Bearer ct_svc_…`."
  },
  "servers": [
    {
      "url": "/"
    }
  ],
  "tags": [
    {
      "name": "public",
      "description": "Health, this document and its HTML reference; no credentials needed."
    },
    {
      "name": "surveys",
      "description": "Surveys the key may see."
    },
    {
      "name": "datasets",
      "description": "Datasets; anonymous callers see active global datasets only."
    },
    {
      "name": "question-group-templates",
      "description": "Question-group templates; publishing is a web-UI operation."
    },
    {
      "name": "user",
      "description": "The directory of the key's organisation."
    },
    {
      "name": "decisions",
      "description": "The decision API for backend services: key verification and AuthZEN 1.0 evaluations. Requires a service credential (`ct_svc_…`); a user's key is refused."
    }
  ],
  "security": [
    {
      "bearerAuth": []
    }
  ],
  "paths": {
    "/api/health": {
      "get": {
        "tags": [
          "public"
        ],
        "summary": "Service health",
        "description": "Reports whether the database answers.",
        "operationId": "health",
        "security": [],
        "responses": {
          "200": {
            "description": "The service and its database are up.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Health"
                }
              }
            }
          },
          "405": {
            "$ref": "#/components/responses/MethodNotAllowed"
          },
          "503": {
            "description": "The database does not answer (`{\"status\":\"unavailable\"}`).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Health"
                }
              }
            }
          }
        }
      }
    },
    "/api/schema": {
      "get": {
        "tags": [
          "public"
        ],
        "summary": "This OpenAPI document",
        "description": "The OpenAPI 3.1 document describing every endpoint, as JSON.",
        "operationId": "schema",
        "parameters": [
          {
            "name": "format",
            "in": "query",
            "required": false,
            "description": "Only `openapi-json` (the default) is served; any other value is 400.",
            "schema": {
              "type": "string",
              "enum": [
                "openapi-json"
              ]
            }
          }
        ],
        "security": [],
        "responses": {
          "200": {
            "description": "The OpenAPI 3.1 document.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "405": {
            "$ref": "#/components/responses/MethodNotAllowed"
          }
        }
      }
    },
    "/api/docs": {
      "get": {
        "tags": [
          "public"
        ],
        "summary": "HTML API reference",
        "description": "This document rendered on the server as HTML, path by path. No scripts; a strict Content-Security-Policy.",
        "operationId": "docs",
        "security": [],
        "responses": {
          "200": {
            "description": "HTML page.",
            "content": {
              "text/html": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "405": {
            "$ref": "#/components/responses/MethodNotAllowed"
          }
        }
      }
    },
    "/api/redoc": {
      "get": {
        "tags": [
          "public"
        ],
        "summary": "HTML API reference by tag",
        "description": "This document rendered on the server as HTML, grouped by tag. No scripts; a strict Content-Security-Policy.",
        "operationId": "redoc",
        "security": [],
        "responses": {
          "200": {
            "description": "HTML page.",
            "content": {
              "text/html": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "405": {
            "$ref": "#/components/responses/MethodNotAllowed"
          }
        }
      }
    },
    "/api/docs.css": {
      "get": {
        "tags": [
          "public"
        ],
        "summary": "Stylesheet of the HTML reference",
        "description": "The stylesheet `/api/docs` and `/api/redoc` link to.",
        "operationId": "docsStylesheet",
        "security": [],
        "responses": {
          "200": {
            "description": "CSS.",
            "content": {
              "text/css": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "405": {
            "$ref": "#/components/responses/MethodNotAllowed"
          }
        }
      }
    },
    "/api/surveys/": {
      "get": {
        "tags": [
          "surveys"
        ],
        "summary": "List surveys",
        "description": "Surveys the caller owns, in organisations where the caller is admin or owner, in teams where the caller is admin, or with a survey membership; ordered by id. Anonymous → 401.",
        "operationId": "listSurveys",
        "parameters": [
          {
            "$ref": "#/components/parameters/limit"
          },
          {
            "$ref": "#/components/parameters/offset"
          }
        ],
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The visible surveys. A JSON array, or a page envelope when `limit` or `offset` is given.",
            "content": {
              "application/json": {
                "schema": {
                  "oneOf": [
                    {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Survey"
                      }
                    },
                    {
                      "$ref": "#/components/schemas/SurveyPage"
                    }
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "405": {
            "$ref": "#/components/responses/MethodNotAllowed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/surveys/{id}/": {
      "get": {
        "tags": [
          "surveys"
        ],
        "summary": "Retrieve a survey",
        "description": "Visible → 200; exists but not visible → 403; no such survey → 404.",
        "operationId": "retrieveSurvey",
        "parameters": [
          {
            "$ref": "#/components/parameters/surveyID"
          }
        ],
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The survey.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Survey"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "405": {
            "$ref": "#/components/responses/MethodNotAllowed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/surveys/{id}/metrics/responses/": {
      "get": {
        "tags": [
          "surveys"
        ],
        "summary": "Response counts of a survey",
        "description": "Counts of submitted responses (UTC day; last N days = submitted in the last N×24 hours), under the retrieve rule. No individual responses.",
        "operationId": "surveyResponseMetrics",
        "parameters": [
          {
            "$ref": "#/components/parameters/surveyID"
          }
        ],
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The counts.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SurveyResponseCounts"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "405": {
            "$ref": "#/components/responses/MethodNotAllowed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/datasets/": {
      "get": {
        "tags": [
          "datasets"
        ],
        "summary": "List datasets",
        "description": "Anonymous: active global datasets. Authenticated: active datasets that are global, of an organisation or team the caller belongs to, or created by the caller without organisation or team. Filters combine with AND; ordered by category, then name.",
        "operationId": "listDatasets",
        "parameters": [
          {
            "name": "tags",
            "in": "query",
            "required": false,
            "description": "Comma-separated tags the dataset must all have.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "search",
            "in": "query",
            "required": false,
            "description": "Text the name or description contains, case-insensitively.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "category",
            "in": "query",
            "required": false,
            "description": "Only datasets of this category.",
            "schema": {
              "$ref": "#/components/schemas/DatasetCategory"
            }
          },
          {
            "$ref": "#/components/parameters/limit"
          },
          {
            "$ref": "#/components/parameters/offset"
          }
        ],
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The visible datasets. A JSON array, or a page envelope when `limit` or `offset` is given.",
            "content": {
              "application/json": {
                "schema": {
                  "oneOf": [
                    {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Dataset"
                      }
                    },
                    {
                      "$ref": "#/components/schemas/DatasetPage"
                    }
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "405": {
            "$ref": "#/components/responses/MethodNotAllowed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/datasets/available-tags/": {
      "get": {
        "tags": [
          "datasets"
        ],
        "summary": "Tags of the visible datasets",
        "description": "Each tag with the number of visible datasets carrying it, most used first.",
        "operationId": "datasetTags",
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The tag counts.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DatasetTagCounts"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "405": {
            "$ref": "#/components/responses/MethodNotAllowed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/datasets/{key}/": {
      "get": {
        "tags": [
          "datasets"
        ],
        "summary": "Retrieve a dataset",
        "description": "Visible → 200; otherwise 404, anonymous callers included.",
        "operationId": "retrieveDataset",
        "parameters": [
          {
            "name": "key",
            "in": "path",
            "required": true,
            "description": "The dataset key.",
            "schema": {
              "type": "string",
              "pattern": "^[a-z0-9][a-z0-9_-]*$"
            }
          }
        ],
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The dataset.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Dataset"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "405": {
            "$ref": "#/components/responses/MethodNotAllowed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/question-group-templates/": {
      "get": {
        "tags": [
          "question-group-templates"
        ],
        "summary": "List templates",
        "description": "Active templates that are global, or of an organisation the caller belongs to. Anonymous → 401. Filters combine with AND.",
        "operationId": "listTemplates",
        "parameters": [
          {
            "name": "publication_level",
            "in": "query",
            "required": false,
            "description": "Only templates at this level.",
            "schema": {
              "type": "string",
              "enum": [
                "global",
                "organisation"
              ]
            }
          },
          {
            "name": "language",
            "in": "query",
            "required": false,
            "description": "Exact language code, e.g. `en`.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "tags",
            "in": "query",
            "required": false,
            "description": "Comma-separated tags the template must all have.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "search",
            "in": "query",
            "required": false,
            "description": "Text the name or description contains, case-insensitively.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "ordering",
            "in": "query",
            "required": false,
            "description": "Sort order; anything else is 400.",
            "schema": {
              "type": "string",
              "enum": [
                "name",
                "-name",
                "created_at",
                "-created_at",
                "import_count",
                "-import_count"
              ],
              "default": "-created_at"
            }
          },
          {
            "$ref": "#/components/parameters/limit"
          },
          {
            "$ref": "#/components/parameters/offset"
          }
        ],
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The visible templates. A JSON array, or a page envelope when `limit` or `offset` is given.",
            "content": {
              "application/json": {
                "schema": {
                  "oneOf": [
                    {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Template"
                      }
                    },
                    {
                      "$ref": "#/components/schemas/TemplatePage"
                    }
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "405": {
            "$ref": "#/components/responses/MethodNotAllowed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/question-group-templates/{id}/": {
      "get": {
        "tags": [
          "question-group-templates"
        ],
        "summary": "Retrieve a template",
        "description": "Visible → 200; otherwise 404.",
        "operationId": "retrieveTemplate",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "The template id.",
            "schema": {
              "type": "integer",
              "format": "int64",
              "minimum": 1
            }
          }
        ],
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The template.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Template"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "405": {
            "$ref": "#/components/responses/MethodNotAllowed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/user/": {
      "get": {
        "tags": [
          "user"
        ],
        "summary": "List the organisation's users",
        "description": "The users of the key's organisation, ordered by id. Needs a key issued in an organisation.",
        "operationId": "listUsers",
        "parameters": [
          {
            "name": "is_active",
            "in": "query",
            "required": false,
            "description": "Only active (`True`) or inactive (`False`) users.",
            "schema": {
              "type": "string",
              "enum": [
                "True",
                "False",
                "true",
                "false",
                "1",
                "0"
              ]
            }
          },
          {
            "$ref": "#/components/parameters/limit"
          },
          {
            "$ref": "#/components/parameters/offset"
          }
        ],
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The users. A JSON array, or a page envelope when `limit` or `offset` is given.",
            "content": {
              "application/json": {
                "schema": {
                  "oneOf": [
                    {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/DirectoryUser"
                      }
                    },
                    {
                      "$ref": "#/components/schemas/DirectoryUserPage"
                    }
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "405": {
            "$ref": "#/components/responses/MethodNotAllowed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/user/{id}/": {
      "get": {
        "tags": [
          "user"
        ],
        "summary": "Retrieve a user of the organisation",
        "description": "A user of the key's organisation → 200; anyone else → 404.",
        "operationId": "retrieveUser",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "The user id.",
            "schema": {
              "type": "integer",
              "format": "int64",
              "minimum": 1
            }
          }
        ],
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The user.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DirectoryUser"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "405": {
            "$ref": "#/components/responses/MethodNotAllowed"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/keys/verify": {
      "post": {
        "tags": [
          "decisions"
        ],
        "summary": "Verify an API key",
        "operationId": "verifyKey",
        "description": "Always 200 for a well-formed request; `code` says what the key is. `key`, `user` and `organisation` are shown whenever the key exists (also when revoked or expired), `null` for MALFORMED and NOT_FOUND.",
        "security": [
          {
            "serviceCredential": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/KeyVerifyRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The verification result.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/KeyVerification"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadBody"
          },
          "401": {
            "$ref": "#/components/responses/ServiceUnauthorized"
          },
          "405": {
            "$ref": "#/components/responses/MethodNotAllowed"
          },
          "413": {
            "$ref": "#/components/responses/BadBody"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/access/v1/evaluation": {
      "post": {
        "tags": [
          "decisions"
        ],
        "summary": "AuthZEN access evaluation",
        "operationId": "evaluation",
        "description": "One decision by the policy engine that serves the resource API. Subjects: `{\"type\":\"api_key\",\"id\":\"ct_live_…\"}` or `{\"type\":\"user\",\"id\":\"42\"}` (a user acts with every capability but `superuser`). Actions are `<resource>.<verb>`; list actions ignore `resource.id`, others need it. A missing object is `decision: false` with `DENY_NOT_FOUND`.",
        "security": [
          {
            "serviceCredential": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/EvaluationRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The decision.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Evaluation"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadBody"
          },
          "401": {
            "$ref": "#/components/responses/ServiceUnauthorized"
          },
          "405": {
            "$ref": "#/components/responses/MethodNotAllowed"
          },
          "413": {
            "$ref": "#/components/responses/BadBody"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/access/v1/evaluations": {
      "post": {
        "tags": [
          "decisions"
        ],
        "summary": "AuthZEN batch evaluation",
        "operationId": "evaluations",
        "description": "Up to 1,000 evaluations; top-level `subject`, `action`, `resource` and `context` are defaults each item may override. Results keep request order. `options.evaluations_semantic`: `execute_all` (default), `deny_on_first_deny`, `permit_on_first_permit`.",
        "security": [
          {
            "serviceCredential": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/EvaluationsRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The decisions, in order.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Evaluations"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadBody"
          },
          "401": {
            "$ref": "#/components/responses/ServiceUnauthorized"
          },
          "405": {
            "$ref": "#/components/responses/MethodNotAllowed"
          },
          "413": {
            "$ref": "#/components/responses/BadBody"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/.well-known/authzen-configuration": {
      "get": {
        "tags": [
          "public"
        ],
        "summary": "AuthZEN metadata",
        "operationId": "authzenConfiguration",
        "description": "The policy decision point and its endpoints. The base URL is `LATCHKEY_PUBLIC_URL` when set.",
        "security": [],
        "responses": {
          "200": {
            "description": "The metadata.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AuthZENConfiguration"
                }
              }
            }
          },
          "405": {
            "$ref": "#/components/responses/MethodNotAllowed"
          }
        }
      }
    }
  },
  "components": {
    "securitySchemes": {
      "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "ct_live_ API key",
        "description": "`Authorization: Bearer ct_live_…`. A bad, revoked or expired key is 401; a free-tier key is 403."
      },
      "serviceCredential": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "ct_svc_ service credential",
        "description": "`Authorization: Bearer ct_svc_…` from `latchkey services issue`. Anything else is 401."
      }
    },
    "parameters": {
      "limit": {
        "name": "limit",
        "in": "query",
        "required": false,
        "description": "Page size (1–1000). Given with or without `offset`, the list answers a page envelope.",
        "schema": {
          "type": "integer",
          "minimum": 1,
          "maximum": 1000,
          "default": 100
        }
      },
      "offset": {
        "name": "offset",
        "in": "query",
        "required": false,
        "description": "Items skipped. Given with or without `limit`, the list answers a page envelope.",
        "schema": {
          "type": "integer",
          "minimum": 0,
          "default": 0
        }
      },
      "surveyID": {
        "name": "id",
        "in": "path",
        "required": true,
        "description": "The survey id.",
        "schema": {
          "type": "integer",
          "format": "int64",
          "minimum": 1
        }
      }
    },
    "headers": {
      "WWW-Authenticate": {
        "description": "The challenge: `Bearer realm=\"api\"`.",
        "schema": {
          "type": "string"
        }
      },
      "Allow": {
        "description": "The methods the path answers, e.g. `GET, HEAD, OPTIONS`.",
        "schema": {
          "type": "string"
        }
      },
      "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "schema": {
          "type": "string"
        }
      }
    },
    "responses": {
      "BadRequest": {
        "description": "A query parameter has a bad value, or is given twice.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "Unauthorized": {
        "description": "Credentials are required, or the key is malformed, unknown, revoked or expired.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        },
        "headers": {
          "WWW-Authenticate": {
            "$ref": "#/components/headers/WWW-Authenticate"
          }
        }
      },
      "Forbidden": {
        "description": "The key lacks the capability, tier or role.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "NotFound": {
        "description": "No such object, or one the caller may not see.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "MethodNotAllowed": {
        "description": "The path does not answer this method.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        },
        "headers": {
          "Allow": {
            "$ref": "#/components/headers/Allow"
          }
        }
      },
      "Unavailable": {
        "description": "The database cannot be reached.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        },
        "headers": {
          "Retry-After": {
            "$ref": "#/components/headers/Retry-After"
          }
        }
      },
      "BadBody": {
        "description": "The body is not what the endpoint takes (the detail names the field), or is too large (413).",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "ServiceUnauthorized": {
        "description": "No valid service credential.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      }
    },
    "schemas": {
      "Error": {
        "type": "object",
        "required": [
          "detail"
        ],
        "properties": {
          "detail": {
            "type": "string",
            "description": "Human-readable message."
          },
          "code": {
            "type": "string",
            "description": "Machine-readable code, e.g. `INVALID_PARAMETER`."
          }
        }
      },
      "Health": {
        "type": "object",
        "required": [
          "status"
        ],
        "properties": {
          "status": {
            "type": "string",
            "enum": [
              "ok",
              "unavailable"
            ]
          }
        }
      },
      "Survey": {
        "type": "object",
        "required": [
          "id",
          "name",
          "slug",
          "description",
          "status",
          "start_at",
          "end_at",
          "organisation",
          "team"
        ],
        "properties": {
          "id": {
            "type": "integer",
            "format": "int64"
          },
          "name": {
            "type": "string"
          },
          "slug": {
            "type": "string"
          },
          "description": {
            "type": "string"
          },
          "status": {
            "type": "string",
            "enum": [
              "draft",
              "published",
              "closed"
            ]
          },
          "start_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "end_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "organisation": {
            "type": [
              "integer",
              "null"
            ],
            "format": "int64"
          },
          "team": {
            "type": [
              "integer",
              "null"
            ],
            "format": "int64"
          }
        }
      },
      "SurveyPage": {
        "type": "object",
        "required": [
          "count",
          "next",
          "previous",
          "results"
        ],
        "properties": {
          "count": {
            "type": "integer",
            "description": "Total number of items the caller may see."
          },
          "next": {
            "type": [
              "string",
              "null"
            ],
            "format": "uri",
            "description": "URL of the next page, or null."
          },
          "previous": {
            "type": [
              "string",
              "null"
            ],
            "format": "uri",
            "description": "URL of the previous page, or null."
          },
          "results": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Survey"
            }
          }
        }
      },
      "SurveyResponseCounts": {
        "type": "object",
        "required": [
          "total",
          "today",
          "last7",
          "last14"
        ],
        "properties": {
          "total": {
            "type": "integer"
          },
          "today": {
            "type": "integer",
            "description": "Since 00:00 UTC."
          },
          "last7": {
            "type": "integer",
            "description": "In the last 7 days."
          },
          "last14": {
            "type": "integer",
            "description": "In the last 14 days."
          }
        }
      },
      "DatasetCategory": {
        "type": "string",
        "enum": [
          "nhs_dd",
          "external_api",
          "user_created",
          "rcpch",
          "snomed"
        ]
      },
      "Dataset": {
        "type": "object",
        "required": [
          "key",
          "name",
          "description",
          "category",
          "is_global",
          "organisation",
          "organisation_name",
          "team",
          "team_name",
          "options",
          "tags",
          "version",
          "is_active",
          "is_editable",
          "can_publish",
          "created_at",
          "updated_at"
        ],
        "properties": {
          "key": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "description": {
            "type": "string"
          },
          "category": {
            "$ref": "#/components/schemas/DatasetCategory"
          },
          "is_global": {
            "type": "boolean"
          },
          "organisation": {
            "type": [
              "integer",
              "null"
            ],
            "format": "int64"
          },
          "organisation_name": {
            "type": [
              "string",
              "null"
            ]
          },
          "team": {
            "type": [
              "integer",
              "null"
            ],
            "format": "int64"
          },
          "team_name": {
            "type": [
              "string",
              "null"
            ]
          },
          "options": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "In stored order, exactly as stored."
          },
          "tags": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "version": {
            "type": "integer"
          },
          "is_active": {
            "type": "boolean"
          },
          "is_editable": {
            "type": "boolean",
            "description": "The caller may edit it."
          },
          "can_publish": {
            "type": "boolean",
            "description": "The caller may make it global."
          },
          "created_at": {
            "type": "string",
            "format": "date-time"
          },
          "updated_at": {
            "type": "string",
            "format": "date-time"
          }
        }
      },
      "DatasetPage": {
        "type": "object",
        "required": [
          "count",
          "next",
          "previous",
          "results"
        ],
        "properties": {
          "count": {
            "type": "integer",
            "description": "Total number of items the caller may see."
          },
          "next": {
            "type": [
              "string",
              "null"
            ],
            "format": "uri",
            "description": "URL of the next page, or null."
          },
          "previous": {
            "type": [
              "string",
              "null"
            ],
            "format": "uri",
            "description": "URL of the previous page, or null."
          },
          "results": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Dataset"
            }
          }
        }
      },
      "DatasetTagCounts": {
        "type": "object",
        "required": [
          "tags"
        ],
        "properties": {
          "tags": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "tag",
                "count"
              ],
              "properties": {
                "tag": {
                  "type": "string"
                },
                "count": {
                  "type": "integer"
                }
              }
            }
          }
        }
      },
      "Template": {
        "type": "object",
        "required": [
          "id",
          "name",
          "description",
          "markdown",
          "publication_level",
          "publisher_username",
          "organization_name",
          "attribution",
          "tags",
          "language",
          "import_count",
          "can_delete",
          "created_at",
          "updated_at"
        ],
        "properties": {
          "id": {
            "type": "integer",
            "format": "int64"
          },
          "name": {
            "type": "string"
          },
          "description": {
            "type": "string"
          },
          "markdown": {
            "type": "string"
          },
          "publication_level": {
            "type": "string",
            "enum": [
              "global",
              "organisation"
            ]
          },
          "publisher_username": {
            "type": "string"
          },
          "organization_name": {
            "type": [
              "string",
              "null"
            ]
          },
          "attribution": {
            "description": "Any JSON value, as stored."
          },
          "tags": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "language": {
            "type": "string"
          },
          "import_count": {
            "type": "integer"
          },
          "can_delete": {
            "type": "boolean",
            "description": "The caller is the publisher."
          },
          "created_at": {
            "type": "string",
            "format": "date-time"
          },
          "updated_at": {
            "type": "string",
            "format": "date-time"
          }
        }
      },
      "TemplatePage": {
        "type": "object",
        "required": [
          "count",
          "next",
          "previous",
          "results"
        ],
        "properties": {
          "count": {
            "type": "integer",
            "description": "Total number of items the caller may see."
          },
          "next": {
            "type": [
              "string",
              "null"
            ],
            "format": "uri",
            "description": "URL of the next page, or null."
          },
          "previous": {
            "type": [
              "string",
              "null"
            ],
            "format": "uri",
            "description": "URL of the previous page, or null."
          },
          "results": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Template"
            }
          }
        }
      },
      "DirectoryUser": {
        "type": "object",
        "required": [
          "id",
          "username",
          "email",
          "first_name",
          "last_name",
          "is_active",
          "role"
        ],
        "properties": {
          "id": {
            "type": "integer",
            "format": "int64"
          },
          "username": {
            "type": "string"
          },
          "email": {
            "type": "string"
          },
          "first_name": {
            "type": "string"
          },
          "last_name": {
            "type": "string"
          },
          "is_active": {
            "type": "boolean"
          },
          "role": {
            "type": [
              "string",
              "null"
            ],
            "enum": [
              "owner",
              "admin",
              "creator",
              "viewer",
              null
            ],
            "description": "Role in the key's organisation; `owner` for its owner without a membership."
          }
        }
      },
      "DirectoryUserPage": {
        "type": "object",
        "required": [
          "count",
          "next",
          "previous",
          "results"
        ],
        "properties": {
          "count": {
            "type": "integer",
            "description": "Total number of items the caller may see."
          },
          "next": {
            "type": [
              "string",
              "null"
            ],
            "format": "uri",
            "description": "URL of the next page, or null."
          },
          "previous": {
            "type": [
              "string",
              "null"
            ],
            "format": "uri",
            "description": "URL of the previous page, or null."
          },
          "results": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/DirectoryUser"
            }
          }
        }
      },
      "KeyVerifyRequest": {
        "type": "object",
        "required": [
          "key"
        ],
        "properties": {
          "key": {
            "type": "string",
            "description": "The raw key, e.g. `ct_live_…`."
          }
        }
      },
      "KeyVerification": {
        "type": "object",
        "required": [
          "valid",
          "code",
          "key",
          "user",
          "organisation"
        ],
        "properties": {
          "valid": {
            "type": "boolean"
          },
          "code": {
            "type": "string",
            "enum": [
              "VALID",
              "MALFORMED",
              "NOT_FOUND",
              "REVOKED",
              "EXPIRED",
              "TIER_NO_API_ACCESS",
              "USER_INACTIVE"
            ]
          },
          "key": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/VerifiedKeyInfo"
              },
              {
                "type": "null"
              }
            ]
          },
          "user": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/VerifiedKeyUser"
              },
              {
                "type": "null"
              }
            ]
          },
          "organisation": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/VerifiedKeyOrganisation"
              },
              {
                "type": "null"
              }
            ]
          }
        }
      },
      "VerifiedKeyInfo": {
        "type": "object",
        "properties": {
          "id": {
            "type": "string",
            "format": "uuid"
          },
          "name": {
            "type": "string"
          },
          "prefix": {
            "type": "string"
          },
          "capabilities": {
            "type": "array",
            "items": {
              "type": "string",
              "enum": [
                "view",
                "add",
                "edit",
                "delete",
                "superuser"
              ]
            }
          },
          "expires_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          }
        }
      },
      "VerifiedKeyUser": {
        "type": "object",
        "properties": {
          "id": {
            "type": "integer"
          },
          "username": {
            "type": "string"
          },
          "tier": {
            "type": "string",
            "enum": [
              "free",
              "pro",
              "team",
              "organisation",
              "enterprise"
            ]
          }
        }
      },
      "VerifiedKeyOrganisation": {
        "type": "object",
        "properties": {
          "id": {
            "type": "integer"
          },
          "slug": {
            "type": "string"
          },
          "name": {
            "type": "string"
          }
        }
      },
      "AuthZENSubject": {
        "type": "object",
        "required": [
          "type",
          "id"
        ],
        "properties": {
          "type": {
            "type": "string",
            "enum": [
              "api_key",
              "user"
            ]
          },
          "id": {
            "type": "string"
          }
        }
      },
      "AuthZENAction": {
        "type": "object",
        "required": [
          "name"
        ],
        "properties": {
          "name": {
            "type": "string",
            "examples": [
              "survey.retrieve"
            ]
          }
        }
      },
      "AuthZENResource": {
        "type": "object",
        "required": [
          "type"
        ],
        "properties": {
          "type": {
            "type": "string",
            "examples": [
              "survey"
            ]
          },
          "id": {
            "type": "string"
          }
        }
      },
      "EvaluationRequest": {
        "type": "object",
        "required": [
          "subject",
          "action",
          "resource"
        ],
        "properties": {
          "subject": {
            "$ref": "#/components/schemas/AuthZENSubject"
          },
          "action": {
            "$ref": "#/components/schemas/AuthZENAction"
          },
          "resource": {
            "$ref": "#/components/schemas/AuthZENResource"
          },
          "context": {
            "type": "object"
          }
        }
      },
      "EvaluationsRequest": {
        "type": "object",
        "properties": {
          "subject": {
            "$ref": "#/components/schemas/AuthZENSubject"
          },
          "action": {
            "$ref": "#/components/schemas/AuthZENAction"
          },
          "resource": {
            "$ref": "#/components/schemas/AuthZENResource"
          },
          "context": {
            "type": "object"
          },
          "evaluations": {
            "type": "array",
            "maxItems": 1000,
            "items": {
              "type": "object",
              "properties": {
                "subject": {
                  "$ref": "#/components/schemas/AuthZENSubject"
                },
                "action": {
                  "$ref": "#/components/schemas/AuthZENAction"
                },
                "resource": {
                  "$ref": "#/components/schemas/AuthZENResource"
                },
                "context": {
                  "type": "object"
                }
              }
            }
          },
          "options": {
            "type": "object",
            "properties": {
              "evaluations_semantic": {
                "type": "string",
                "enum": [
                  "execute_all",
                  "deny_on_first_deny",
                  "permit_on_first_permit"
                ]
              }
            }
          }
        }
      },
      "Evaluation": {
        "type": "object",
        "required": [
          "decision",
          "context"
        ],
        "properties": {
          "decision": {
            "type": "boolean"
          },
          "context": {
            "type": "object",
            "required": [
              "code",
              "reasons"
            ],
            "properties": {
              "code": {
                "type": "string",
                "examples": [
                  "ALLOW_OWNER",
                  "DENY_NOT_MEMBER",
                  "DENY_NOT_FOUND"
                ]
              },
              "reasons": {
                "type": "array",
                "items": {
                  "type": "string"
                }
              }
            }
          }
        }
      },
      "Evaluations": {
        "type": "object",
        "required": [
          "evaluations"
        ],
        "properties": {
          "evaluations": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Evaluation"
            }
          }
        }
      },
      "AuthZENConfiguration": {
        "type": "object",
        "properties": {
          "policy_decision_point": {
            "type": "string"
          },
          "access_evaluation_endpoint": {
            "type": "string"
          },
          "access_evaluations_endpoint": {
            "type": "string"
          }
        }
      }
    }
  }
}
"""#
}
