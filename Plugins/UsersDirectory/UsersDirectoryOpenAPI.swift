import PluginKit

/// The user directory plugin's part of the OpenAPI document.
///
/// Each operation is registered with its route (`documented:`); the tag and components join the
/// document the server assembles at start-up (`GET /api/schema`).
enum UsersDirectoryOpenAPI {
    /// The tag grouping these operations.
    static let tag: OpenAPIFragment = #"""
        {"name": "user", "description": "The directory of the key's organisation."}
        """#

    /// Schemas (and parameters) these operations refer to.
    static let components: OpenAPIFragment = ##"""
        {
          "schemas": {
            "DirectoryUser": {
              "type": "object",
              "required": ["id", "username", "email", "first_name", "last_name", "is_active", "role"],
              "properties": {
                "id": {"type": "integer", "format": "int64"},
                "username": {"type": "string"},
                "email": {"type": "string"},
                "first_name": {"type": "string"},
                "last_name": {"type": "string"},
                "is_active": {"type": "boolean"},
                "role": {
                  "type": ["string", "null"],
                  "enum": ["owner", "admin", "creator", "viewer", null],
                  "description": "Role in the key's organisation; `owner` for its owner without a membership."
                }
              }
            },
            "DirectoryUserPage": {
              "type": "object",
              "required": ["count", "next", "previous", "results"],
              "properties": {
                "count": {"type": "integer", "description": "Total number of items the caller may see."},
                "next": {"type": ["string", "null"], "format": "uri", "description": "URL of the next page, or null."},
                "previous": {"type": ["string", "null"], "format": "uri", "description": "URL of the previous page, or null."},
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/DirectoryUser"}}
              }
            },
            "DirectoryUserCreate": {
              "type": "object",
              "additionalProperties": false,
              "required": ["username", "email"],
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
                "first_name": {"type": "string", "maxLength": 150, "default": ""},
                "last_name": {"type": "string", "maxLength": 150, "default": ""},
                "is_active": {"type": "boolean", "default": true, "description": "An inactive user's keys and sessions are refused."},
                "role": {
                  "type": "string",
                  "enum": ["admin", "creator", "viewer"],
                  "default": "viewer",
                  "description": "Role in the key's organisation. Not for the organisation's owner without a membership (400)."
                }
              }
            },
            "DirectoryUserReplace": {
              "type": "object",
              "additionalProperties": false,
              "required": ["email"],
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
                "first_name": {"type": "string", "maxLength": 150},
                "last_name": {"type": "string", "maxLength": 150},
                "is_active": {"type": "boolean", "description": "An inactive user's keys and sessions are refused."},
                "role": {
                  "type": "string",
                  "enum": ["admin", "creator", "viewer"],
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
                "first_name": {"type": "string", "maxLength": 150},
                "last_name": {"type": "string", "maxLength": 150},
                "is_active": {"type": "boolean", "description": "An inactive user's keys and sessions are refused."},
                "role": {
                  "type": "string",
                  "enum": ["admin", "creator", "viewer"],
                  "description": "Role in the key's organisation. Not for the organisation's owner without a membership (400)."
                }
              }
            }
          }
        }
        """##

    /// `GET /api/user/`.
    static let listUsers: OpenAPIFragment = ##"""
        {
          "tags": ["user"],
          "summary": "List the organisation's users",
          "description": "The users of the key's organisation, ordered by id. Needs a key issued in an organisation.",
          "operationId": "listUsers",
          "parameters": [
            {
              "name": "is_active",
              "in": "query",
              "required": false,
              "description": "Only active (`True`) or inactive (`False`) users.",
              "schema": {"type": "string", "enum": ["True", "False", "true", "false", "1", "0"]}
            },
            {"$ref": "#/components/parameters/limit"},
            {"$ref": "#/components/parameters/offset"}
          ],
          "security": [{"bearerAuth": []}, {"sessionToken": []}],
          "responses": {
            "200": {
              "description": "The users. A JSON array, or a page envelope when `limit` or `offset` is given.",
              "content": {
                "application/json": {
                  "schema": {
                    "oneOf": [
                      {"type": "array", "items": {"$ref": "#/components/schemas/DirectoryUser"}},
                      {"$ref": "#/components/schemas/DirectoryUserPage"}
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

    /// `POST /api/user/`.
    static let createUser: OpenAPIFragment = ##"""
        {
          "tags": ["user"],
          "summary": "Add a user to the organisation",
          "description": "Needs a `superuser` key issued in an organisation the caller still belongs to (403 otherwise). Creates a user (free tier, no password) who joins the key's organisation with `role` (default `viewer`). A taken username or email is 400.",
          "operationId": "createUser",
          "security": [{"bearerAuth": []}, {"sessionToken": []}],
          "requestBody": {
            "required": true,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DirectoryUserCreate"}}}
          },
          "responses": {
            "201": {
              "description": "The new user.",
              "headers": {"Location": {"$ref": "#/components/headers/Location"}},
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DirectoryUser"}}}
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

    /// `GET /api/user/{id}/`.
    static let retrieveUser: OpenAPIFragment = ##"""
        {
          "tags": ["user"],
          "summary": "Retrieve a user of the organisation",
          "description": "A user of the key's organisation → 200; anyone else → 404.",
          "operationId": "retrieveUser",
          "parameters": [
            {
              "name": "id",
              "in": "path",
              "required": true,
              "description": "The user id.",
              "schema": {"type": "integer", "format": "int64", "minimum": 1}
            }
          ],
          "security": [{"bearerAuth": []}, {"sessionToken": []}],
          "responses": {
            "200": {
              "description": "The user.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DirectoryUser"}}}
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

    /// `PUT /api/user/{id}/`.
    static let replaceUser: OpenAPIFragment = ##"""
        {
          "tags": ["user"],
          "summary": "Replace a user of the organisation",
          "description": "Needs a `superuser` key issued in an organisation the caller still belongs to (403 otherwise). A user outside the key's organisation → 404. Edits the names, email, activity and role in the organisation; the username cannot change, and the organisation's owner has no role to change (400). Deactivating a user refuses their keys and sessions at once. `email` is required; fields left out keep their stored values.",
          "operationId": "replaceUser",
          "parameters": [
            {
              "name": "id",
              "in": "path",
              "required": true,
              "description": "The user id.",
              "schema": {"type": "integer", "format": "int64", "minimum": 1}
            }
          ],
          "security": [{"bearerAuth": []}, {"sessionToken": []}],
          "requestBody": {
            "required": true,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DirectoryUserReplace"}}}
          },
          "responses": {
            "200": {
              "description": "The updated user.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DirectoryUser"}}}
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

    /// `PATCH /api/user/{id}/`.
    static let updateUser: OpenAPIFragment = ##"""
        {
          "tags": ["user"],
          "summary": "Update a user of the organisation",
          "description": "Needs a `superuser` key issued in an organisation the caller still belongs to (403 otherwise). A user outside the key's organisation → 404. Edits the names, email, activity and role in the organisation; the username cannot change, and the organisation's owner has no role to change (400). Deactivating a user refuses their keys and sessions at once. Any subset of the fields.",
          "operationId": "updateUser",
          "parameters": [
            {
              "name": "id",
              "in": "path",
              "required": true,
              "description": "The user id.",
              "schema": {"type": "integer", "format": "int64", "minimum": 1}
            }
          ],
          "security": [{"bearerAuth": []}, {"sessionToken": []}],
          "requestBody": {
            "required": true,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DirectoryUserPatch"}}}
          },
          "responses": {
            "200": {
              "description": "The updated user.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DirectoryUser"}}}
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

    /// `DELETE /api/user/{id}/`.
    static let removeUser: OpenAPIFragment = ##"""
        {
          "tags": ["user"],
          "summary": "Remove a user from the organisation",
          "description": "Needs a `superuser` key issued in an organisation the caller still belongs to (403 otherwise). A user outside the key's organisation → 404; the organisation's owner cannot be removed (403, code `DENY_ROLE`). The account stays (it may belong elsewhere); only the membership goes.",
          "operationId": "removeUser",
          "parameters": [
            {
              "name": "id",
              "in": "path",
              "required": true,
              "description": "The user id.",
              "schema": {"type": "integer", "format": "int64", "minimum": 1}
            }
          ],
          "security": [{"bearerAuth": []}, {"sessionToken": []}],
          "responses": {
            "204": {"description": "The user is no longer in the organisation."},
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
