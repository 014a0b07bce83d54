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
    "description": "API-key vault and resource API. Authenticate with `Authorization: Bearer ct_live_…`, or with `authtoken: <token-id>` from `POST /api/auth/login/` (a session acts as its key and dies with it). Every error is JSON `{\"detail\": …}` (with `code` when there is one). Every path also answers `HEAD` where it answers `GET`, `OPTIONS` with 204 and `Allow`, and any other method with 405 and `Allow`. Throttled routes (every `/api/` route except `/api/health`, `/api/schema`, `/api/docs`, `/api/redoc` and `/api/docs.css`) carry `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` on every answer, and answer 429 with `Retry-After` over the limit. Throttling is per key when authenticated (a session counts against its key) and per IP otherwise; `POST /api/token` has its own, lower limit per IP. CORS is enabled only for the origins in `CORS_ALLOWED_ORIGINS`; without it the server sends no CORS headers. Backend services call the decision API (`/v1/`, `/access/v1/`) with `Authorization: Bearer ct_svc_…`."
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
      "name": "sessions",
      "description": "Session login: trade an API key for an `authtoken` session, describe it, end it. Refusals here are `{\"auth\": \"logged_out\", \"detail\": …}`."
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
    },
    {
      "sessionToken": []
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
    "/api/auth/login/": {
      "post": {
        "tags": [
          "sessions"
        ],
        "summary": "Log in with an API key",
        "description": "Trades `{\"apikey\": \"ct_live_…\"}` for a session. A key the resource API would refuse is refused the same way (401, or 403 for a free-tier user), with `\"auth\": \"logged_out\"` beside `detail`. Throttled per IP at the anonymous rate.",
        "operationId": "login",
        "security": [],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/LoginRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The session: the key's user, their organisations, the key's organisation context, the CSRF token and `token-id`, the token to send as `authtoken`.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Session"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/SessionBadBody"
          },
          "401": {
            "$ref": "#/components/responses/SessionUnauthorized"
          },
          "403": {
            "$ref": "#/components/responses/SessionForbidden"
          },
          "405": {
            "$ref": "#/components/responses/MethodNotAllowed"
          },
          "413": {
            "$ref": "#/components/responses/SessionBadBody"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/auth/status/": {
      "get": {
        "tags": [
          "sessions"
        ],
        "summary": "Describe the session",
        "description": "The session of `authtoken`, described as at login, with `token-id` null. Send only `authtoken`: an `Authorization` header is 400. Throttled per IP at the anonymous rate.",
        "operationId": "sessionStatus",
        "security": [
          {
            "sessionToken": []
          }
        ],
        "responses": {
          "200": {
            "description": "The session, as at login, with `\"token-id\": null`.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Session"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/SessionRequired"
          },
          "401": {
            "$ref": "#/components/responses/SessionUnauthorized"
          },
          "403": {
            "$ref": "#/components/responses/SessionForbidden"
          },
          "405": {
            "$ref": "#/components/responses/MethodNotAllowed"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/auth/logout/": {
      "post": {
        "tags": [
          "sessions"
        ],
        "summary": "Log out",
        "description": "Ends the session of `authtoken`; the token is refused from then on. Send only `authtoken`: an `Authorization` header is 400. Throttled per IP at the anonymous rate.",
        "operationId": "logout",
        "security": [
          {
            "sessionToken": []
          }
        ],
        "responses": {
          "200": {
            "description": "The session has ended.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/LoggedOut"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/SessionRequired"
          },
          "401": {
            "$ref": "#/components/responses/SessionUnauthorized"
          },
          "403": {
            "$ref": "#/components/responses/SessionForbidden"
          },
          "405": {
            "$ref": "#/components/responses/MethodNotAllowed"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/token": {
      "post": {
        "tags": [
          "sessions"
        ],
        "summary": "Log in with an API key (legacy)",
        "description": "The legacy alias of `POST /api/auth/login/`: same body and answers. Throttled at its own rate, 5 requests a minute per IP by default.",
        "operationId": "legacyLogin",
        "security": [],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/LoginRequest"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The session: the key's user, their organisations, the key's organisation context, the CSRF token and `token-id`, the token to send as `authtoken`.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Session"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/SessionBadBody"
          },
          "401": {
            "$ref": "#/components/responses/SessionUnauthorized"
          },
          "403": {
            "$ref": "#/components/responses/SessionForbidden"
          },
          "405": {
            "$ref": "#/components/responses/MethodNotAllowed"
          },
          "413": {
            "$ref": "#/components/responses/SessionBadBody"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
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
          },
          {
            "sessionToken": []
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
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "post": {
        "tags": [
          "surveys"
        ],
        "summary": "Create a survey",
        "description": "Needs the key's `add` capability (checked first: 403). The caller becomes the owner. Creating in an organisation or team needs the `admin` or `creator` role there (or owning the organisation); a personal survey (no organisation, no team) needs no role. A taken slug or an unknown organisation or team is 400.",
        "operationId": "createSurvey",
        "security": [
          {
            "bearerAuth": []
          },
          {
            "sessionToken": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/SurveyCreate"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The new survey.",
            "headers": {
              "Location": {
                "$ref": "#/components/headers/Location"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Survey"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadBody"
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
          "413": {
            "$ref": "#/components/responses/BadBody"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
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
          },
          {
            "sessionToken": []
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
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "put": {
        "tags": [
          "surveys"
        ],
        "summary": "Replace a survey",
        "description": "Needs the key's `edit` capability (checked first: 403), then the survey: none with this id → 404; the caller is not its owner, an admin or owner of its organisation, an admin of its team, or a `creator`/`editor` member → 403. Moving it to another organisation or team needs the right to create it there (403). Then the body: 400 naming the bad field. `name` and `slug` are required; fields left out keep their stored values.",
        "operationId": "replaceSurvey",
        "parameters": [
          {
            "$ref": "#/components/parameters/surveyID"
          }
        ],
        "security": [
          {
            "bearerAuth": []
          },
          {
            "sessionToken": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/SurveyReplace"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The updated survey.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Survey"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadBody"
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
          "413": {
            "$ref": "#/components/responses/BadBody"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "patch": {
        "tags": [
          "surveys"
        ],
        "summary": "Update a survey",
        "description": "Needs the key's `edit` capability (checked first: 403), then the survey: none with this id → 404; the caller is not its owner, an admin or owner of its organisation, an admin of its team, or a `creator`/`editor` member → 403. Moving it to another organisation or team needs the right to create it there (403). Then the body: 400 naming the bad field. Any subset of the fields.",
        "operationId": "updateSurvey",
        "parameters": [
          {
            "$ref": "#/components/parameters/surveyID"
          }
        ],
        "security": [
          {
            "bearerAuth": []
          },
          {
            "sessionToken": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/SurveyPatch"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The updated survey.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Survey"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadBody"
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
          "413": {
            "$ref": "#/components/responses/BadBody"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "delete": {
        "tags": [
          "surveys"
        ],
        "summary": "Delete a survey",
        "description": "Needs the key's `delete` capability (checked first: 403). No survey with this id → 404; the caller is not its owner or an admin or owner of its organisation → 403. Its memberships and responses go with it.",
        "operationId": "deleteSurvey",
        "parameters": [
          {
            "$ref": "#/components/parameters/surveyID"
          }
        ],
        "security": [
          {
            "bearerAuth": []
          },
          {
            "sessionToken": []
          }
        ],
        "responses": {
          "204": {
            "description": "The survey is deleted."
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
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
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
          },
          {
            "sessionToken": []
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
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
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
          },
          {
            "sessionToken": []
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
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "post": {
        "tags": [
          "datasets"
        ],
        "summary": "Create a dataset",
        "description": "Needs the key's `add` capability (checked first: 403). Only organisation datasets can be created, by an `admin` or `creator` of the organisation or its owner; `nhs_dd` and global datasets are read-only (403). The caller is recorded as its creator. A taken key or an unknown organisation or team is 400.",
        "operationId": "createDataset",
        "security": [
          {
            "bearerAuth": []
          },
          {
            "sessionToken": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/DatasetCreate"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The new dataset.",
            "headers": {
              "Location": {
                "$ref": "#/components/headers/Location"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Dataset"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadBody"
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
          "413": {
            "$ref": "#/components/responses/BadBody"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
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
          },
          {
            "sessionToken": []
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
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
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
          },
          {
            "sessionToken": []
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
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "put": {
        "tags": [
          "datasets"
        ],
        "summary": "Replace a dataset",
        "description": "Needs the key's `edit` capability (checked first: 403). A dataset the caller cannot see → 404. Only organisation datasets change, by an `admin` or `creator` of the organisation or its owner; `nhs_dd` and global datasets are read-only, also as what the body would make of it (403). The key cannot change (400). `name` is required; fields left out keep their stored values.",
        "operationId": "replaceDataset",
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
          {
            "bearerAuth": []
          },
          {
            "sessionToken": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/DatasetReplace"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The updated dataset.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Dataset"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadBody"
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
          "413": {
            "$ref": "#/components/responses/BadBody"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "patch": {
        "tags": [
          "datasets"
        ],
        "summary": "Update a dataset",
        "description": "Needs the key's `edit` capability (checked first: 403). A dataset the caller cannot see → 404. Only organisation datasets change, by an `admin` or `creator` of the organisation or its owner; `nhs_dd` and global datasets are read-only, also as what the body would make of it (403). The key cannot change (400). Any subset of the fields.",
        "operationId": "updateDataset",
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
          {
            "bearerAuth": []
          },
          {
            "sessionToken": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/DatasetPatch"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The updated dataset.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Dataset"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadBody"
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
          "413": {
            "$ref": "#/components/responses/BadBody"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "delete": {
        "tags": [
          "datasets"
        ],
        "summary": "Delete a dataset",
        "description": "Needs the key's `delete` capability (checked first: 403). A dataset the caller cannot see → 404; `nhs_dd` and global datasets, or a caller who is not an `admin` or `creator` of its organisation or its owner → 403.",
        "operationId": "deleteDataset",
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
          {
            "bearerAuth": []
          },
          {
            "sessionToken": []
          }
        ],
        "responses": {
          "204": {
            "description": "The dataset is deleted."
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
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
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
          },
          {
            "sessionToken": []
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
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
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
          },
          {
            "sessionToken": []
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
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
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
          },
          {
            "sessionToken": []
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
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "post": {
        "tags": [
          "user"
        ],
        "summary": "Add a user to the organisation",
        "description": "Needs a `superuser` key issued in an organisation the caller still belongs to (403 otherwise). Creates a user (free tier, no password) who joins the key's organisation with `role` (default `viewer`). A taken username or email is 400.",
        "operationId": "createUser",
        "security": [
          {
            "bearerAuth": []
          },
          {
            "sessionToken": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/DirectoryUserCreate"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The new user.",
            "headers": {
              "Location": {
                "$ref": "#/components/headers/Location"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DirectoryUser"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadBody"
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
          "413": {
            "$ref": "#/components/responses/BadBody"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
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
          },
          {
            "sessionToken": []
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
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "put": {
        "tags": [
          "user"
        ],
        "summary": "Replace a user of the organisation",
        "description": "Needs a `superuser` key issued in an organisation the caller still belongs to (403 otherwise). A user outside the key's organisation → 404. Edits the names, email, activity and role in the organisation; the username cannot change, and the organisation's owner has no role to change (400). Deactivating a user refuses their keys and sessions at once. `email` is required; fields left out keep their stored values.",
        "operationId": "replaceUser",
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
          },
          {
            "sessionToken": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/DirectoryUserReplace"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The updated user.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DirectoryUser"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadBody"
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
          "413": {
            "$ref": "#/components/responses/BadBody"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "patch": {
        "tags": [
          "user"
        ],
        "summary": "Update a user of the organisation",
        "description": "Needs a `superuser` key issued in an organisation the caller still belongs to (403 otherwise). A user outside the key's organisation → 404. Edits the names, email, activity and role in the organisation; the username cannot change, and the organisation's owner has no role to change (400). Deactivating a user refuses their keys and sessions at once. Any subset of the fields.",
        "operationId": "updateUser",
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
          },
          {
            "sessionToken": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/DirectoryUserPatch"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The updated user.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DirectoryUser"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadBody"
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
          "413": {
            "$ref": "#/components/responses/BadBody"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "delete": {
        "tags": [
          "user"
        ],
        "summary": "Remove a user from the organisation",
        "description": "Needs a `superuser` key issued in an organisation the caller still belongs to (403 otherwise). A user outside the key's organisation → 404; the organisation's owner cannot be removed (403, code `DENY_ROLE`). The account stays (it may belong elsewhere); only the membership goes.",
        "operationId": "removeUser",
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
          },
          {
            "sessionToken": []
          }
        ],
        "responses": {
          "204": {
            "description": "The user is no longer in the organisation."
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
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
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
      },
      "sessionToken": {
        "type": "apiKey",
        "in": "header",
        "name": "authtoken",
        "description": "`authtoken: <token-id>` from `POST /api/auth/login/`. The session acts exactly as its key (capabilities, tier, organisation) and dies with it; an unknown, ended or expired session is 401. When `Authorization` is also sent, the key wins."
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
      },
      "RateLimit-Limit": {
        "description": "Requests the caller may make in the current window.",
        "schema": {
          "type": "integer"
        }
      },
      "RateLimit-Remaining": {
        "description": "Requests left in the current window.",
        "schema": {
          "type": "integer"
        }
      },
      "RateLimit-Reset": {
        "description": "Seconds until the current window ends (at least 1).",
        "schema": {
          "type": "integer"
        }
      },
      "Location": {
        "description": "The path of the new object, e.g. `/api/surveys/42/`.",
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
        "description": "Credentials are required, or the key is malformed, unknown, revoked or expired, or the `authtoken` session is unknown, ended or expired.",
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
      },
      "TooManyRequests": {
        "description": "Throttled: the caller is over its rate limit (per key when authenticated, a session counting against its key; per IP otherwise). Code `THROTTLED`; the route did not run.",
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
          },
          "RateLimit-Limit": {
            "$ref": "#/components/headers/RateLimit-Limit"
          },
          "RateLimit-Remaining": {
            "$ref": "#/components/headers/RateLimit-Remaining"
          },
          "RateLimit-Reset": {
            "$ref": "#/components/headers/RateLimit-Reset"
          }
        }
      },
      "SessionBadBody": {
        "description": "The body is not `{\"apikey\": …}` (the detail names the problem), or is too large (413).",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/SessionRefusal"
            }
          }
        }
      },
      "SessionRequired": {
        "description": "An `Authorization` header was sent: this endpoint takes only the session's `authtoken` (code `SESSION_REQUIRED`).",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/SessionRefusal"
            }
          }
        }
      },
      "SessionUnauthorized": {
        "description": "The key is malformed, unknown, revoked or expired, its user is inactive, or the `authtoken` session is missing, unknown, ended or expired.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/SessionRefusal"
            }
          }
        },
        "headers": {
          "WWW-Authenticate": {
            "$ref": "#/components/headers/WWW-Authenticate"
          }
        }
      },
      "SessionForbidden": {
        "description": "The key's user is on the free tier (no API access).",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/SessionRefusal"
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
            "type": "string",
            "description": "The object's id; not used by list actions, `*.create` or `key.issue`."
          },
          "properties": {
            "type": "object",
            "description": "A new object (`*.create`, `key.issue`): `survey.create` `{organisation, team}`; `dataset.create` `{organisation, team, category, is_global}`; `user.create` `{}`; `key.issue` `{user, organisation, capabilities}`. Ids are numbers or decimal strings; malformed properties, or ids of nothing, are `DENY_RESOURCE_MISMATCH`.",
            "additionalProperties": true
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
      },
      "LoginRequest": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "apikey"
        ],
        "properties": {
          "apikey": {
            "type": "string",
            "maxLength": 256,
            "description": "The raw API key, `ct_live_…`."
          }
        }
      },
      "SessionRefusal": {
        "type": "object",
        "required": [
          "auth",
          "detail"
        ],
        "properties": {
          "auth": {
            "type": "string",
            "enum": [
              "logged_out"
            ]
          },
          "detail": {
            "type": "string",
            "description": "Human-readable message."
          },
          "code": {
            "type": "string",
            "description": "Machine-readable code, e.g. `SESSION_REQUIRED`."
          }
        }
      },
      "LoggedOut": {
        "type": "object",
        "required": [
          "auth"
        ],
        "properties": {
          "auth": {
            "type": "string",
            "enum": [
              "logged_out"
            ]
          }
        }
      },
      "SessionOrganisation": {
        "type": "object",
        "required": [
          "id",
          "slug",
          "name",
          "role"
        ],
        "properties": {
          "id": {
            "type": "integer",
            "format": "int64"
          },
          "slug": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "role": {
            "type": "string",
            "enum": [
              "owner",
              "admin",
              "creator",
              "viewer"
            ],
            "description": "The user's membership role; `owner` for the organisation's owner without a membership."
          }
        }
      },
      "SessionUser": {
        "type": "object",
        "required": [
          "id",
          "client_id",
          "created",
          "modified",
          "tombstate",
          "email",
          "is_active",
          "roles",
          "names",
          "settings",
          "organisations"
        ],
        "properties": {
          "id": {
            "type": "integer",
            "format": "int64"
          },
          "client_id": {
            "type": "null"
          },
          "created": {
            "type": "string",
            "format": "date-time"
          },
          "modified": {
            "type": "string",
            "format": "date-time"
          },
          "tombstate": {
            "type": "null"
          },
          "email": {
            "type": "string"
          },
          "is_active": {
            "type": "boolean"
          },
          "roles": {
            "type": "array",
            "items": {
              "type": "string",
              "enum": [
                "Apikey_view",
                "Apikey_add",
                "Apikey_edit",
                "Apikey_delete",
                "Apikey_superuser"
              ]
            },
            "description": "The key's capabilities: `view` → `Apikey_view`, `add` → `Apikey_add`, and so on."
          },
          "names": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "minItems": 2,
            "maxItems": 2,
            "description": "First name, then last name."
          },
          "settings": {
            "type": "object",
            "description": "Always empty."
          },
          "organisations": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/SessionOrganisation"
            },
            "description": "The organisations the user belongs to or owns, ordered by id."
          }
        }
      },
      "SessionOrganisationContext": {
        "type": "object",
        "required": [
          "has_peers",
          "name",
          "created",
          "modified",
          "licensee",
          "verticals",
          "avatar",
          "client_id",
          "tombstate",
          "id",
          "features"
        ],
        "properties": {
          "has_peers": {
            "type": "boolean",
            "description": "The organisation has members besides the user."
          },
          "name": {
            "type": "string"
          },
          "created": {
            "type": "string",
            "format": "date-time"
          },
          "modified": {
            "type": "string",
            "format": "date-time"
          },
          "licensee": {
            "type": "string",
            "description": "The organisation's name."
          },
          "verticals": {
            "type": "array",
            "items": {},
            "maxItems": 0
          },
          "avatar": {
            "type": "null"
          },
          "client_id": {
            "type": "null"
          },
          "tombstate": {
            "type": "null"
          },
          "id": {
            "type": "integer",
            "format": "int64"
          },
          "features": {
            "type": "array",
            "items": {},
            "maxItems": 0
          }
        }
      },
      "Session": {
        "type": "object",
        "required": [
          "demographics",
          "auth",
          "user",
          "csrftoken",
          "organisation_context",
          "token-id"
        ],
        "properties": {
          "demographics": {
            "type": "object",
            "description": "Always empty."
          },
          "auth": {
            "type": "string",
            "enum": [
              "logged_in"
            ]
          },
          "user": {
            "$ref": "#/components/schemas/SessionUser"
          },
          "csrftoken": {
            "type": "string",
            "description": "The session's CSRF token."
          },
          "organisation_context": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/SessionOrganisationContext"
              },
              {
                "type": "null"
              }
            ],
            "description": "The organisation the key was issued in; `null` for a key without one."
          },
          "token-id": {
            "type": [
              "string",
              "null"
            ],
            "description": "The session token to send as `authtoken`: only in the login answer, `null` in status."
          }
        }
      },
      "SurveyCreate": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "name",
          "slug"
        ],
        "description": "A survey to create, owned by the caller. Strings may not contain NUL.",
        "properties": {
          "name": {
            "type": "string",
            "minLength": 1,
            "maxLength": 200,
            "description": "Not blank."
          },
          "slug": {
            "type": "string",
            "minLength": 1,
            "maxLength": 100,
            "pattern": "^[A-Za-z0-9_-]+$",
            "description": "Letters, digits, hyphens and underscores; unique (a taken slug is 400)."
          },
          "description": {
            "type": "string",
            "maxLength": 10000,
            "default": ""
          },
          "organisation": {
            "type": [
              "integer",
              "null"
            ],
            "format": "int64",
            "minimum": 1,
            "description": "The organisation id, or `null`. Moving a survey into an organisation or team needs the right to create it there."
          },
          "team": {
            "type": [
              "integer",
              "null"
            ],
            "format": "int64",
            "minimum": 1,
            "description": "The team id, or `null`."
          },
          "status": {
            "type": "string",
            "enum": [
              "draft",
              "published",
              "closed"
            ],
            "default": "draft"
          },
          "start_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time",
            "default": null
          },
          "end_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time",
            "default": null,
            "description": "Not before `start_at`."
          }
        }
      },
      "SurveyReplace": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "name",
          "slug"
        ],
        "description": "A survey's new fields; those left out keep their stored values. Strings may not contain NUL.",
        "properties": {
          "name": {
            "type": "string",
            "minLength": 1,
            "maxLength": 200,
            "description": "Not blank."
          },
          "slug": {
            "type": "string",
            "minLength": 1,
            "maxLength": 100,
            "pattern": "^[A-Za-z0-9_-]+$",
            "description": "Letters, digits, hyphens and underscores; unique (a taken slug is 400)."
          },
          "description": {
            "type": "string",
            "maxLength": 10000
          },
          "organisation": {
            "type": [
              "integer",
              "null"
            ],
            "format": "int64",
            "minimum": 1,
            "description": "The organisation id, or `null`. Moving a survey into an organisation or team needs the right to create it there."
          },
          "team": {
            "type": [
              "integer",
              "null"
            ],
            "format": "int64",
            "minimum": 1,
            "description": "The team id, or `null`."
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
            "format": "date-time",
            "description": "Not before `start_at`."
          }
        }
      },
      "SurveyPatch": {
        "type": "object",
        "additionalProperties": false,
        "description": "Any subset of the writable survey fields; the others keep their stored values.",
        "properties": {
          "name": {
            "type": "string",
            "minLength": 1,
            "maxLength": 200,
            "description": "Not blank."
          },
          "slug": {
            "type": "string",
            "minLength": 1,
            "maxLength": 100,
            "pattern": "^[A-Za-z0-9_-]+$",
            "description": "Letters, digits, hyphens and underscores; unique (a taken slug is 400)."
          },
          "description": {
            "type": "string",
            "maxLength": 10000
          },
          "organisation": {
            "type": [
              "integer",
              "null"
            ],
            "format": "int64",
            "minimum": 1,
            "description": "The organisation id, or `null`. Moving a survey into an organisation or team needs the right to create it there."
          },
          "team": {
            "type": [
              "integer",
              "null"
            ],
            "format": "int64",
            "minimum": 1,
            "description": "The team id, or `null`."
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
            "format": "date-time",
            "description": "Not before `start_at`."
          }
        }
      },
      "DatasetCreate": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "key",
          "name"
        ],
        "description": "A dataset to create; `version` starts at 1. Strings may not contain NUL.",
        "properties": {
          "key": {
            "type": "string",
            "minLength": 1,
            "maxLength": 100,
            "pattern": "^[a-z0-9][a-z0-9_-]*$",
            "description": "Lowercase letters, digits, `-` and `_`, starting with a letter or digit; unique; not `available-tags`."
          },
          "name": {
            "type": "string",
            "minLength": 1,
            "maxLength": 200,
            "description": "Not blank."
          },
          "description": {
            "type": "string",
            "maxLength": 10000,
            "default": ""
          },
          "category": {
            "$ref": "#/components/schemas/DatasetCategory",
            "description": "Default `user_created`. `nhs_dd` datasets are read-only: 403."
          },
          "is_global": {
            "type": "boolean",
            "default": false,
            "description": "Global datasets are read-only: `true` is 403."
          },
          "organisation": {
            "type": [
              "integer",
              "null"
            ],
            "format": "int64",
            "minimum": 1,
            "description": "The organisation id. Only organisation datasets can be written: `null` is 403."
          },
          "team": {
            "type": [
              "integer",
              "null"
            ],
            "format": "int64",
            "minimum": 1,
            "description": "The team id, or `null`."
          },
          "options": {
            "type": "array",
            "items": {
              "type": "string",
              "maxLength": 1000
            },
            "maxItems": 10000,
            "default": [],
            "description": "Kept exactly as sent, in order."
          },
          "tags": {
            "type": "array",
            "items": {
              "type": "string",
              "maxLength": 100
            },
            "maxItems": 100,
            "default": []
          },
          "is_active": {
            "type": "boolean",
            "default": true
          }
        }
      },
      "DatasetReplace": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "name"
        ],
        "description": "A dataset's new fields; those left out keep their stored values. `version` grows by one.",
        "properties": {
          "key": {
            "type": "string",
            "minLength": 1,
            "maxLength": 100,
            "pattern": "^[a-z0-9][a-z0-9_-]*$",
            "description": "May be sent, but must equal the path's key: a dataset's key cannot be changed."
          },
          "name": {
            "type": "string",
            "minLength": 1,
            "maxLength": 200,
            "description": "Not blank."
          },
          "description": {
            "type": "string",
            "maxLength": 10000
          },
          "category": {
            "$ref": "#/components/schemas/DatasetCategory",
            "description": "Default `user_created`. `nhs_dd` datasets are read-only: 403."
          },
          "is_global": {
            "type": "boolean",
            "description": "Global datasets are read-only: `true` is 403."
          },
          "organisation": {
            "type": [
              "integer",
              "null"
            ],
            "format": "int64",
            "minimum": 1,
            "description": "The organisation id. Only organisation datasets can be written: `null` is 403."
          },
          "team": {
            "type": [
              "integer",
              "null"
            ],
            "format": "int64",
            "minimum": 1,
            "description": "The team id, or `null`."
          },
          "options": {
            "type": "array",
            "items": {
              "type": "string",
              "maxLength": 1000
            },
            "maxItems": 10000,
            "description": "Kept exactly as sent, in order."
          },
          "tags": {
            "type": "array",
            "items": {
              "type": "string",
              "maxLength": 100
            },
            "maxItems": 100
          },
          "is_active": {
            "type": "boolean"
          }
        }
      },
      "DatasetPatch": {
        "type": "object",
        "additionalProperties": false,
        "description": "Any subset of the writable dataset fields; the others keep their stored values. `version` grows by one.",
        "properties": {
          "key": {
            "type": "string",
            "minLength": 1,
            "maxLength": 100,
            "pattern": "^[a-z0-9][a-z0-9_-]*$",
            "description": "May be sent, but must equal the path's key: a dataset's key cannot be changed."
          },
          "name": {
            "type": "string",
            "minLength": 1,
            "maxLength": 200,
            "description": "Not blank."
          },
          "description": {
            "type": "string",
            "maxLength": 10000
          },
          "category": {
            "$ref": "#/components/schemas/DatasetCategory",
            "description": "Default `user_created`. `nhs_dd` datasets are read-only: 403."
          },
          "is_global": {
            "type": "boolean",
            "description": "Global datasets are read-only: `true` is 403."
          },
          "organisation": {
            "type": [
              "integer",
              "null"
            ],
            "format": "int64",
            "minimum": 1,
            "description": "The organisation id. Only organisation datasets can be written: `null` is 403."
          },
          "team": {
            "type": [
              "integer",
              "null"
            ],
            "format": "int64",
            "minimum": 1,
            "description": "The team id, or `null`."
          },
          "options": {
            "type": "array",
            "items": {
              "type": "string",
              "maxLength": 1000
            },
            "maxItems": 10000,
            "description": "Kept exactly as sent, in order."
          },
          "tags": {
            "type": "array",
            "items": {
              "type": "string",
              "maxLength": 100
            },
            "maxItems": 100
          },
          "is_active": {
            "type": "boolean"
          }
        }
      },
      "DirectoryUserCreate": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "username",
          "email"
        ],
        "description": "A new user (free tier, no password) who joins the key's organisation with `role`.",
        "properties": {
          "username": {
            "type": "string",
            "minLength": 1,
            "maxLength": 150,
            "description": "Letters, digits and `@ . + - _`; unique (a taken username is 400)."
          },
          "email": {
            "type": "string",
            "format": "email",
            "maxLength": 254,
            "description": "One `@`, a dot in the domain, no whitespace; unique regardless of case (a taken email is 400)."
          },
          "first_name": {
            "type": "string",
            "maxLength": 150,
            "default": ""
          },
          "last_name": {
            "type": "string",
            "maxLength": 150,
            "default": ""
          },
          "is_active": {
            "type": "boolean",
            "default": true,
            "description": "An inactive user's keys and sessions are refused."
          },
          "role": {
            "type": "string",
            "enum": [
              "admin",
              "creator",
              "viewer"
            ],
            "default": "viewer",
            "description": "Role in the key's organisation. Not for the organisation's owner without a membership (400)."
          }
        }
      },
      "DirectoryUserReplace": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "email"
        ],
        "description": "A user's new fields; those left out keep their stored values.",
        "properties": {
          "username": {
            "type": "string",
            "minLength": 1,
            "maxLength": 150,
            "description": "May be sent, but must equal the stored username: it cannot be changed."
          },
          "email": {
            "type": "string",
            "format": "email",
            "maxLength": 254,
            "description": "One `@`, a dot in the domain, no whitespace; unique regardless of case (a taken email is 400)."
          },
          "first_name": {
            "type": "string",
            "maxLength": 150
          },
          "last_name": {
            "type": "string",
            "maxLength": 150
          },
          "is_active": {
            "type": "boolean",
            "description": "An inactive user's keys and sessions are refused."
          },
          "role": {
            "type": "string",
            "enum": [
              "admin",
              "creator",
              "viewer"
            ],
            "description": "Role in the key's organisation. Not for the organisation's owner without a membership (400)."
          }
        }
      },
      "DirectoryUserPatch": {
        "type": "object",
        "additionalProperties": false,
        "description": "Any subset of the writable user fields; the others keep their stored values.",
        "properties": {
          "username": {
            "type": "string",
            "minLength": 1,
            "maxLength": 150,
            "description": "May be sent, but must equal the stored username: it cannot be changed."
          },
          "email": {
            "type": "string",
            "format": "email",
            "maxLength": 254,
            "description": "One `@`, a dot in the domain, no whitespace; unique regardless of case (a taken email is 400)."
          },
          "first_name": {
            "type": "string",
            "maxLength": 150
          },
          "last_name": {
            "type": "string",
            "maxLength": 150
          },
          "is_active": {
            "type": "boolean",
            "description": "An inactive user's keys and sessions are refused."
          },
          "role": {
            "type": "string",
            "enum": [
              "admin",
              "creator",
              "viewer"
            ],
            "description": "Role in the key's organisation. Not for the organisation's owner without a membership (400)."
          }
        }
      }
    }
  }
}
"""#
}
