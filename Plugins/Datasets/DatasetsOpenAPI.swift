import PluginKit

/// The datasets plugin's part of the OpenAPI document.
///
/// Each operation is registered with its route (`documented:`); the tag and components join the
/// document the server assembles at start-up (`GET /api/schema`).
enum DatasetsOpenAPI {
    /// The tag grouping these operations.
    static let tag: OpenAPIFragment = #"""
        {"name": "datasets", "description": "Datasets; anonymous callers see active global datasets only."}
        """#

    /// Schemas (and parameters) these operations refer to.
    static let components: OpenAPIFragment = ##"""
        {
          "schemas": {
            "DatasetCategory": {"type": "string", "enum": ["nhs_dd", "external_api", "user_created", "rcpch", "snomed"]},
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
                "key": {"type": "string"},
                "name": {"type": "string"},
                "description": {"type": "string"},
                "category": {"$ref": "#/components/schemas/DatasetCategory"},
                "is_global": {"type": "boolean"},
                "organisation": {"type": ["integer", "null"], "format": "int64"},
                "organisation_name": {"type": ["string", "null"]},
                "team": {"type": ["integer", "null"], "format": "int64"},
                "team_name": {"type": ["string", "null"]},
                "options": {"type": "array", "items": {"type": "string"}, "description": "In stored order, exactly as stored."},
                "tags": {"type": "array", "items": {"type": "string"}},
                "version": {"type": "integer"},
                "is_active": {"type": "boolean"},
                "is_editable": {"type": "boolean", "description": "The caller may edit it."},
                "can_publish": {"type": "boolean", "description": "The caller may make it global."},
                "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"}
              }
            },
            "DatasetPage": {
              "type": "object",
              "required": ["count", "next", "previous", "results"],
              "properties": {
                "count": {"type": "integer", "description": "Total number of items the caller may see."},
                "next": {"type": ["string", "null"], "format": "uri", "description": "URL of the next page, or null."},
                "previous": {"type": ["string", "null"], "format": "uri", "description": "URL of the previous page, or null."},
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/Dataset"}}
              }
            },
            "DatasetTagCounts": {
              "type": "object",
              "required": ["tags"],
              "properties": {
                "tags": {
                  "type": "array",
                  "items": {
                    "type": "object",
                    "required": ["tag", "count"],
                    "properties": {"tag": {"type": "string"}, "count": {"type": "integer"}}
                  }
                }
              }
            },
            "DatasetCreate": {
              "type": "object",
              "additionalProperties": false,
              "required": ["key", "name"],
              "description": "A dataset to create; `version` starts at 1. Strings may not contain NUL.",
              "properties": {
                "key": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 100,
                  "pattern": "^[a-z0-9][a-z0-9_-]*$",
                  "description": "Lowercase letters, digits, `-` and `_`, starting with a letter or digit; unique; not `available-tags`."
                },
                "name": {"type": "string", "minLength": 1, "maxLength": 200, "description": "Not blank."},
                "description": {"type": "string", "maxLength": 10000, "default": ""},
                "category": {
                  "$ref": "#/components/schemas/DatasetCategory",
                  "description": "Default `user_created`. `nhs_dd` datasets are read-only: 403."
                },
                "is_global": {"type": "boolean", "default": false, "description": "Global datasets are read-only: `true` is 403."},
                "organisation": {
                  "type": ["integer", "null"],
                  "format": "int64",
                  "minimum": 1,
                  "description": "The organisation id. Only organisation datasets can be written: `null` is 403."
                },
                "team": {"type": ["integer", "null"], "format": "int64", "minimum": 1, "description": "The team id, or `null`."},
                "options": {
                  "type": "array",
                  "items": {"type": "string", "maxLength": 1000},
                  "maxItems": 10000,
                  "default": [],
                  "description": "Kept exactly as sent, in order."
                },
                "tags": {"type": "array", "items": {"type": "string", "maxLength": 100}, "maxItems": 100, "default": []},
                "is_active": {"type": "boolean", "default": true}
              }
            },
            "DatasetReplace": {
              "type": "object",
              "additionalProperties": false,
              "required": ["name"],
              "description": "A dataset's new fields; those left out keep their stored values. `version` grows by one.",
              "properties": {
                "key": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 100,
                  "pattern": "^[a-z0-9][a-z0-9_-]*$",
                  "description": "May be sent, but must equal the path's key: a dataset's key cannot be changed."
                },
                "name": {"type": "string", "minLength": 1, "maxLength": 200, "description": "Not blank."},
                "description": {"type": "string", "maxLength": 10000},
                "category": {
                  "$ref": "#/components/schemas/DatasetCategory",
                  "description": "Default `user_created`. `nhs_dd` datasets are read-only: 403."
                },
                "is_global": {"type": "boolean", "description": "Global datasets are read-only: `true` is 403."},
                "organisation": {
                  "type": ["integer", "null"],
                  "format": "int64",
                  "minimum": 1,
                  "description": "The organisation id. Only organisation datasets can be written: `null` is 403."
                },
                "team": {"type": ["integer", "null"], "format": "int64", "minimum": 1, "description": "The team id, or `null`."},
                "options": {
                  "type": "array",
                  "items": {"type": "string", "maxLength": 1000},
                  "maxItems": 10000,
                  "description": "Kept exactly as sent, in order."
                },
                "tags": {"type": "array", "items": {"type": "string", "maxLength": 100}, "maxItems": 100},
                "is_active": {"type": "boolean"}
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
                "name": {"type": "string", "minLength": 1, "maxLength": 200, "description": "Not blank."},
                "description": {"type": "string", "maxLength": 10000},
                "category": {
                  "$ref": "#/components/schemas/DatasetCategory",
                  "description": "Default `user_created`. `nhs_dd` datasets are read-only: 403."
                },
                "is_global": {"type": "boolean", "description": "Global datasets are read-only: `true` is 403."},
                "organisation": {
                  "type": ["integer", "null"],
                  "format": "int64",
                  "minimum": 1,
                  "description": "The organisation id. Only organisation datasets can be written: `null` is 403."
                },
                "team": {"type": ["integer", "null"], "format": "int64", "minimum": 1, "description": "The team id, or `null`."},
                "options": {
                  "type": "array",
                  "items": {"type": "string", "maxLength": 1000},
                  "maxItems": 10000,
                  "description": "Kept exactly as sent, in order."
                },
                "tags": {"type": "array", "items": {"type": "string", "maxLength": 100}, "maxItems": 100},
                "is_active": {"type": "boolean"}
              }
            }
          }
        }
        """##

    /// `GET /api/datasets/`.
    static let listDatasets: OpenAPIFragment = ##"""
        {
          "tags": ["datasets"],
          "summary": "List datasets",
          "description": "Anonymous: active global datasets. Authenticated: active datasets that are global, of an organisation or team the caller belongs to, or created by the caller without organisation or team. Filters combine with AND; ordered by category, then name.",
          "operationId": "listDatasets",
          "parameters": [
            {
              "name": "tags",
              "in": "query",
              "required": false,
              "description": "Comma-separated tags the dataset must all have.",
              "schema": {"type": "string"}
            },
            {
              "name": "search",
              "in": "query",
              "required": false,
              "description": "Text the name or description contains, case-insensitively.",
              "schema": {"type": "string"}
            },
            {
              "name": "category",
              "in": "query",
              "required": false,
              "description": "Only datasets of this category.",
              "schema": {"$ref": "#/components/schemas/DatasetCategory"}
            },
            {"$ref": "#/components/parameters/limit"},
            {"$ref": "#/components/parameters/offset"}
          ],
          "security": [{}, {"bearerAuth": []}, {"sessionToken": []}],
          "responses": {
            "200": {
              "description": "The visible datasets. A JSON array, or a page envelope when `limit` or `offset` is given.",
              "content": {
                "application/json": {
                  "schema": {
                    "oneOf": [
                      {"type": "array", "items": {"$ref": "#/components/schemas/Dataset"}},
                      {"$ref": "#/components/schemas/DatasetPage"}
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

    /// `POST /api/datasets/`.
    static let createDataset: OpenAPIFragment = ##"""
        {
          "tags": ["datasets"],
          "summary": "Create a dataset",
          "description": "Needs the key's `add` capability (checked first: 403). Only organisation datasets can be created, by an `admin` or `creator` of the organisation or its owner; `nhs_dd` and global datasets are read-only (403). The caller is recorded as its creator. A taken key or an unknown organisation or team is 400.",
          "operationId": "createDataset",
          "security": [{"bearerAuth": []}, {"sessionToken": []}],
          "requestBody": {
            "required": true,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DatasetCreate"}}}
          },
          "responses": {
            "201": {
              "description": "The new dataset.",
              "headers": {"Location": {"$ref": "#/components/headers/Location"}},
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Dataset"}}}
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

    /// `GET /api/datasets/available-tags/`.
    static let datasetTags: OpenAPIFragment = ##"""
        {
          "tags": ["datasets"],
          "summary": "Tags of the visible datasets",
          "description": "Each tag with the number of visible datasets carrying it, most used first.",
          "operationId": "datasetTags",
          "security": [{}, {"bearerAuth": []}, {"sessionToken": []}],
          "responses": {
            "200": {
              "description": "The tag counts.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DatasetTagCounts"}}}
            },
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "403": {"$ref": "#/components/responses/Forbidden"},
            "405": {"$ref": "#/components/responses/MethodNotAllowed"},
            "429": {"$ref": "#/components/responses/TooManyRequests"},
            "503": {"$ref": "#/components/responses/Unavailable"}
          }
        }
        """##

    /// `GET /api/datasets/{key}/`.
    static let retrieveDataset: OpenAPIFragment = ##"""
        {
          "tags": ["datasets"],
          "summary": "Retrieve a dataset",
          "description": "Visible → 200; otherwise 404, anonymous callers included.",
          "operationId": "retrieveDataset",
          "parameters": [
            {
              "name": "key",
              "in": "path",
              "required": true,
              "description": "The dataset key.",
              "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"}
            }
          ],
          "security": [{}, {"bearerAuth": []}, {"sessionToken": []}],
          "responses": {
            "200": {
              "description": "The dataset.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Dataset"}}}
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

    /// `PUT /api/datasets/{key}/`.
    static let replaceDataset: OpenAPIFragment = ##"""
        {
          "tags": ["datasets"],
          "summary": "Replace a dataset",
          "description": "Needs the key's `edit` capability (checked first: 403). A dataset the caller cannot see → 404. Only organisation datasets change, by an `admin` or `creator` of the organisation or its owner; `nhs_dd` and global datasets are read-only, also as what the body would make of it (403). The key cannot change (400). `name` is required; fields left out keep their stored values.",
          "operationId": "replaceDataset",
          "parameters": [
            {
              "name": "key",
              "in": "path",
              "required": true,
              "description": "The dataset key.",
              "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"}
            }
          ],
          "security": [{"bearerAuth": []}, {"sessionToken": []}],
          "requestBody": {
            "required": true,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DatasetReplace"}}}
          },
          "responses": {
            "200": {
              "description": "The updated dataset.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Dataset"}}}
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

    /// `PATCH /api/datasets/{key}/`.
    static let updateDataset: OpenAPIFragment = ##"""
        {
          "tags": ["datasets"],
          "summary": "Update a dataset",
          "description": "Needs the key's `edit` capability (checked first: 403). A dataset the caller cannot see → 404. Only organisation datasets change, by an `admin` or `creator` of the organisation or its owner; `nhs_dd` and global datasets are read-only, also as what the body would make of it (403). The key cannot change (400). Any subset of the fields.",
          "operationId": "updateDataset",
          "parameters": [
            {
              "name": "key",
              "in": "path",
              "required": true,
              "description": "The dataset key.",
              "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"}
            }
          ],
          "security": [{"bearerAuth": []}, {"sessionToken": []}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DatasetPatch"}}}},
          "responses": {
            "200": {
              "description": "The updated dataset.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Dataset"}}}
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

    /// `DELETE /api/datasets/{key}/`.
    static let deleteDataset: OpenAPIFragment = ##"""
        {
          "tags": ["datasets"],
          "summary": "Delete a dataset",
          "description": "Needs the key's `delete` capability (checked first: 403). A dataset the caller cannot see → 404; `nhs_dd` and global datasets, or a caller who is not an `admin` or `creator` of its organisation or its owner → 403.",
          "operationId": "deleteDataset",
          "parameters": [
            {
              "name": "key",
              "in": "path",
              "required": true,
              "description": "The dataset key.",
              "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"}
            }
          ],
          "security": [{"bearerAuth": []}, {"sessionToken": []}],
          "responses": {
            "204": {"description": "The dataset is deleted."},
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
