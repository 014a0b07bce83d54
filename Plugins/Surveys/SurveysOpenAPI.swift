import PluginKit

/// The surveys plugin's part of the OpenAPI document.
///
/// Each operation is registered with its route (`documented:`); the tag and components join the
/// document the server assembles at start-up (`GET /api/schema`).
enum SurveysOpenAPI {
    /// The tag grouping these operations.
    static let tag: OpenAPIFragment = #"""
        {"name": "surveys", "description": "Surveys the key may see."}
        """#

    /// Schemas (and parameters) these operations refer to.
    static let components: OpenAPIFragment = ##"""
        {
          "schemas": {
            "Survey": {
              "type": "object",
              "required": ["id", "name", "slug", "description", "status", "start_at", "end_at", "organisation", "team"],
              "properties": {
                "id": {"type": "integer", "format": "int64"},
                "name": {"type": "string"},
                "slug": {"type": "string"},
                "description": {"type": "string"},
                "status": {"type": "string", "enum": ["draft", "published", "closed"]},
                "start_at": {"type": ["string", "null"], "format": "date-time"},
                "end_at": {"type": ["string", "null"], "format": "date-time"},
                "organisation": {"type": ["integer", "null"], "format": "int64"},
                "team": {"type": ["integer", "null"], "format": "int64"}
              }
            },
            "SurveyPage": {
              "type": "object",
              "required": ["count", "next", "previous", "results"],
              "properties": {
                "count": {"type": "integer", "description": "Total number of items the caller may see."},
                "next": {"type": ["string", "null"], "format": "uri", "description": "URL of the next page, or null."},
                "previous": {"type": ["string", "null"], "format": "uri", "description": "URL of the previous page, or null."},
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/Survey"}}
              }
            },
            "SurveyResponseCounts": {
              "type": "object",
              "required": ["total", "today", "last7", "last14"],
              "properties": {
                "total": {"type": "integer"},
                "today": {"type": "integer", "description": "Since 00:00 UTC."},
                "last7": {"type": "integer", "description": "In the last 7 days."},
                "last14": {"type": "integer", "description": "In the last 14 days."}
              }
            },
            "SurveyCreate": {
              "type": "object",
              "additionalProperties": false,
              "required": ["name", "slug"],
              "description": "A survey to create, owned by the caller. Strings may not contain NUL.",
              "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 200, "description": "Not blank."},
                "slug": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 100,
                  "pattern": "^[A-Za-z0-9_-]+$",
                  "description": "Letters, digits, hyphens and underscores; unique (a taken slug is 400)."
                },
                "description": {"type": "string", "maxLength": 10000, "default": ""},
                "organisation": {
                  "type": ["integer", "null"],
                  "format": "int64",
                  "minimum": 1,
                  "description": "The organisation id, or `null`. Moving a survey into an organisation or team needs the right to create it there."
                },
                "team": {"type": ["integer", "null"], "format": "int64", "minimum": 1, "description": "The team id, or `null`."},
                "status": {"type": "string", "enum": ["draft", "published", "closed"], "default": "draft"},
                "start_at": {"type": ["string", "null"], "format": "date-time", "default": null},
                "end_at": {
                  "type": ["string", "null"],
                  "format": "date-time",
                  "default": null,
                  "description": "Not before `start_at`."
                }
              }
            },
            "SurveyReplace": {
              "type": "object",
              "additionalProperties": false,
              "required": ["name", "slug"],
              "description": "A survey's new fields; those left out keep their stored values. Strings may not contain NUL.",
              "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 200, "description": "Not blank."},
                "slug": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 100,
                  "pattern": "^[A-Za-z0-9_-]+$",
                  "description": "Letters, digits, hyphens and underscores; unique (a taken slug is 400)."
                },
                "description": {"type": "string", "maxLength": 10000},
                "organisation": {
                  "type": ["integer", "null"],
                  "format": "int64",
                  "minimum": 1,
                  "description": "The organisation id, or `null`. Moving a survey into an organisation or team needs the right to create it there."
                },
                "team": {"type": ["integer", "null"], "format": "int64", "minimum": 1, "description": "The team id, or `null`."},
                "status": {"type": "string", "enum": ["draft", "published", "closed"]},
                "start_at": {"type": ["string", "null"], "format": "date-time"},
                "end_at": {"type": ["string", "null"], "format": "date-time", "description": "Not before `start_at`."}
              }
            },
            "SurveyPatch": {
              "type": "object",
              "additionalProperties": false,
              "description": "Any subset of the writable survey fields; the others keep their stored values.",
              "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 200, "description": "Not blank."},
                "slug": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 100,
                  "pattern": "^[A-Za-z0-9_-]+$",
                  "description": "Letters, digits, hyphens and underscores; unique (a taken slug is 400)."
                },
                "description": {"type": "string", "maxLength": 10000},
                "organisation": {
                  "type": ["integer", "null"],
                  "format": "int64",
                  "minimum": 1,
                  "description": "The organisation id, or `null`. Moving a survey into an organisation or team needs the right to create it there."
                },
                "team": {"type": ["integer", "null"], "format": "int64", "minimum": 1, "description": "The team id, or `null`."},
                "status": {"type": "string", "enum": ["draft", "published", "closed"]},
                "start_at": {"type": ["string", "null"], "format": "date-time"},
                "end_at": {"type": ["string", "null"], "format": "date-time", "description": "Not before `start_at`."}
              }
            }
          },
          "parameters": {
            "surveyID": {
              "name": "id",
              "in": "path",
              "required": true,
              "description": "The survey id.",
              "schema": {"type": "integer", "format": "int64", "minimum": 1}
            }
          }
        }
        """##

    /// `GET /api/surveys/`.
    static let listSurveys: OpenAPIFragment = ##"""
        {
          "tags": ["surveys"],
          "summary": "List surveys",
          "description": "Surveys the caller owns, in organisations where the caller is admin or owner, in teams where the caller is admin, or with a survey membership; ordered by id. Anonymous → 401.",
          "operationId": "listSurveys",
          "parameters": [{"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/offset"}],
          "security": [{"bearerAuth": []}, {"sessionToken": []}],
          "responses": {
            "200": {
              "description": "The visible surveys. A JSON array, or a page envelope when `limit` or `offset` is given.",
              "content": {
                "application/json": {
                  "schema": {
                    "oneOf": [
                      {"type": "array", "items": {"$ref": "#/components/schemas/Survey"}},
                      {"$ref": "#/components/schemas/SurveyPage"}
                    ]
                  }
                }
              }
            },
            "400": {"$ref": "#/components/responses/BadRequest"},
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "403": {"$ref": "#/components/responses/Forbidden"},
            "405": {"$ref": "#/components/responses/MethodNotAllowed"},
            "429": {"$ref": "#/components/responses/TooManyRequests"},
            "503": {"$ref": "#/components/responses/Unavailable"}
          }
        }
        """##

    /// `POST /api/surveys/`.
    static let createSurvey: OpenAPIFragment = ##"""
        {
          "tags": ["surveys"],
          "summary": "Create a survey",
          "description": "Needs the key's `add` capability (checked first: 403). The caller becomes the owner. Creating in an organisation or team needs the `admin` or `creator` role there (or owning the organisation); a personal survey (no organisation, no team) needs no role. A taken slug or an unknown organisation or team is 400.",
          "operationId": "createSurvey",
          "security": [{"bearerAuth": []}, {"sessionToken": []}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SurveyCreate"}}}},
          "responses": {
            "201": {
              "description": "The new survey.",
              "headers": {"Location": {"$ref": "#/components/headers/Location"}},
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Survey"}}}
            },
            "400": {"$ref": "#/components/responses/BadBody"},
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "403": {"$ref": "#/components/responses/Forbidden"},
            "405": {"$ref": "#/components/responses/MethodNotAllowed"},
            "413": {"$ref": "#/components/responses/BadBody"},
            "429": {"$ref": "#/components/responses/TooManyRequests"},
            "503": {"$ref": "#/components/responses/Unavailable"}
          }
        }
        """##

    /// `GET /api/surveys/{id}/`.
    static let retrieveSurvey: OpenAPIFragment = ##"""
        {
          "tags": ["surveys"],
          "summary": "Retrieve a survey",
          "description": "Visible → 200; exists but not visible → 403; no such survey → 404.",
          "operationId": "retrieveSurvey",
          "parameters": [{"$ref": "#/components/parameters/surveyID"}],
          "security": [{"bearerAuth": []}, {"sessionToken": []}],
          "responses": {
            "200": {
              "description": "The survey.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Survey"}}}
            },
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "403": {"$ref": "#/components/responses/Forbidden"},
            "404": {"$ref": "#/components/responses/NotFound"},
            "405": {"$ref": "#/components/responses/MethodNotAllowed"},
            "429": {"$ref": "#/components/responses/TooManyRequests"},
            "503": {"$ref": "#/components/responses/Unavailable"}
          }
        }
        """##

    /// `PUT /api/surveys/{id}/`.
    static let replaceSurvey: OpenAPIFragment = ##"""
        {
          "tags": ["surveys"],
          "summary": "Replace a survey",
          "description": "Needs the key's `edit` capability (checked first: 403), then the survey: none with this id → 404; the caller is not its owner, an admin or owner of its organisation, an admin of its team, or a `creator`/`editor` member → 403. Moving it to another organisation or team needs the right to create it there (403). Then the body: 400 naming the bad field. `name` and `slug` are required; fields left out keep their stored values.",
          "operationId": "replaceSurvey",
          "parameters": [{"$ref": "#/components/parameters/surveyID"}],
          "security": [{"bearerAuth": []}, {"sessionToken": []}],
          "requestBody": {
            "required": true,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SurveyReplace"}}}
          },
          "responses": {
            "200": {
              "description": "The updated survey.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Survey"}}}
            },
            "400": {"$ref": "#/components/responses/BadBody"},
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "403": {"$ref": "#/components/responses/Forbidden"},
            "404": {"$ref": "#/components/responses/NotFound"},
            "405": {"$ref": "#/components/responses/MethodNotAllowed"},
            "413": {"$ref": "#/components/responses/BadBody"},
            "429": {"$ref": "#/components/responses/TooManyRequests"},
            "503": {"$ref": "#/components/responses/Unavailable"}
          }
        }
        """##

    /// `PATCH /api/surveys/{id}/`.
    static let updateSurvey: OpenAPIFragment = ##"""
        {
          "tags": ["surveys"],
          "summary": "Update a survey",
          "description": "Needs the key's `edit` capability (checked first: 403), then the survey: none with this id → 404; the caller is not its owner, an admin or owner of its organisation, an admin of its team, or a `creator`/`editor` member → 403. Moving it to another organisation or team needs the right to create it there (403). Then the body: 400 naming the bad field. Any subset of the fields.",
          "operationId": "updateSurvey",
          "parameters": [{"$ref": "#/components/parameters/surveyID"}],
          "security": [{"bearerAuth": []}, {"sessionToken": []}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SurveyPatch"}}}},
          "responses": {
            "200": {
              "description": "The updated survey.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Survey"}}}
            },
            "400": {"$ref": "#/components/responses/BadBody"},
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "403": {"$ref": "#/components/responses/Forbidden"},
            "404": {"$ref": "#/components/responses/NotFound"},
            "405": {"$ref": "#/components/responses/MethodNotAllowed"},
            "413": {"$ref": "#/components/responses/BadBody"},
            "429": {"$ref": "#/components/responses/TooManyRequests"},
            "503": {"$ref": "#/components/responses/Unavailable"}
          }
        }
        """##

    /// `DELETE /api/surveys/{id}/`.
    static let deleteSurvey: OpenAPIFragment = ##"""
        {
          "tags": ["surveys"],
          "summary": "Delete a survey",
          "description": "Needs the key's `delete` capability (checked first: 403). No survey with this id → 404; the caller is not its owner or an admin or owner of its organisation → 403. Its memberships and responses go with it.",
          "operationId": "deleteSurvey",
          "parameters": [{"$ref": "#/components/parameters/surveyID"}],
          "security": [{"bearerAuth": []}, {"sessionToken": []}],
          "responses": {
            "204": {"description": "The survey is deleted."},
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "403": {"$ref": "#/components/responses/Forbidden"},
            "404": {"$ref": "#/components/responses/NotFound"},
            "405": {"$ref": "#/components/responses/MethodNotAllowed"},
            "429": {"$ref": "#/components/responses/TooManyRequests"},
            "503": {"$ref": "#/components/responses/Unavailable"}
          }
        }
        """##

    /// `GET /api/surveys/{id}/metrics/responses/`.
    static let surveyResponseMetrics: OpenAPIFragment = ##"""
        {
          "tags": ["surveys"],
          "summary": "Response counts of a survey",
          "description": "Counts of submitted responses (UTC day; last N days = submitted in the last N×24 hours), under the retrieve rule. No individual responses.",
          "operationId": "surveyResponseMetrics",
          "parameters": [{"$ref": "#/components/parameters/surveyID"}],
          "security": [{"bearerAuth": []}, {"sessionToken": []}],
          "responses": {
            "200": {
              "description": "The counts.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SurveyResponseCounts"}}}
            },
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "403": {"$ref": "#/components/responses/Forbidden"},
            "404": {"$ref": "#/components/responses/NotFound"},
            "405": {"$ref": "#/components/responses/MethodNotAllowed"},
            "429": {"$ref": "#/components/responses/TooManyRequests"},
            "503": {"$ref": "#/components/responses/Unavailable"}
          }
        }
        """##
}
