import PluginKit

/// Operations of the session API (SPEC §5), and its schemas.
extension CoreOpenAPI {
    /// `POST /api/auth/login/`.
    static let login: OpenAPIFragment = ##"""
        {
          "tags": ["sessions"],
          "summary": "Log in with an API key",
          "description": "Trades `{\"apikey\": \"ct_live_…\"}` for a session. A key the resource API would refuse is refused the same way (401, or 403 for a free-tier user), with `\"auth\": \"logged_out\"` beside `detail`. Throttled per IP at the anonymous rate.",
          "operationId": "login",
          "security": [],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LoginRequest"}}}},
          "responses": {
            "200": {
              "description": "The session: the key's user, their organisations, the key's organisation context, the CSRF token and `token-id`, the token to send as `authtoken`.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Session"}}}
            },
            "400": {"$ref": "#/components/responses/SessionBadBody"},
            "401": {"$ref": "#/components/responses/SessionUnauthorized"},
            "403": {"$ref": "#/components/responses/SessionForbidden"},
            "405": {"$ref": "#/components/responses/MethodNotAllowed"},
            "413": {"$ref": "#/components/responses/SessionBadBody"},
            "429": {"$ref": "#/components/responses/TooManyRequests"},
            "503": {"$ref": "#/components/responses/Unavailable"}
          }
        }
        """##

    /// `GET /api/auth/status/`.
    static let sessionStatus: OpenAPIFragment = ##"""
        {
          "tags": ["sessions"],
          "summary": "Describe the session",
          "description": "The session of `authtoken`, described as at login, with `token-id` null. Send only `authtoken`: an `Authorization` header is 400. Throttled per IP at the anonymous rate.",
          "operationId": "sessionStatus",
          "security": [{"sessionToken": []}],
          "responses": {
            "200": {
              "description": "The session, as at login, with `\"token-id\": null`.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Session"}}}
            },
            "400": {"$ref": "#/components/responses/SessionRequired"},
            "401": {"$ref": "#/components/responses/SessionUnauthorized"},
            "403": {"$ref": "#/components/responses/SessionForbidden"},
            "405": {"$ref": "#/components/responses/MethodNotAllowed"},
            "429": {"$ref": "#/components/responses/TooManyRequests"},
            "503": {"$ref": "#/components/responses/Unavailable"}
          }
        }
        """##

    /// `POST /api/auth/logout/`.
    static let logout: OpenAPIFragment = ##"""
        {
          "tags": ["sessions"],
          "summary": "Log out",
          "description": "Ends the session of `authtoken`; the token is refused from then on. Send only `authtoken`: an `Authorization` header is 400. Throttled per IP at the anonymous rate.",
          "operationId": "logout",
          "security": [{"sessionToken": []}],
          "responses": {
            "200": {
              "description": "The session has ended.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LoggedOut"}}}
            },
            "400": {"$ref": "#/components/responses/SessionRequired"},
            "401": {"$ref": "#/components/responses/SessionUnauthorized"},
            "403": {"$ref": "#/components/responses/SessionForbidden"},
            "405": {"$ref": "#/components/responses/MethodNotAllowed"},
            "429": {"$ref": "#/components/responses/TooManyRequests"},
            "503": {"$ref": "#/components/responses/Unavailable"}
          }
        }
        """##

    /// `POST /api/token`.
    static let legacyLogin: OpenAPIFragment = ##"""
        {
          "tags": ["sessions"],
          "summary": "Log in with an API key (legacy)",
          "description": "The legacy alias of `POST /api/auth/login/`: same body and answers. Throttled at its own rate, 5 requests a minute per IP by default.",
          "operationId": "legacyLogin",
          "security": [],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LoginRequest"}}}},
          "responses": {
            "200": {
              "description": "The session: the key's user, their organisations, the key's organisation context, the CSRF token and `token-id`, the token to send as `authtoken`.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Session"}}}
            },
            "400": {"$ref": "#/components/responses/SessionBadBody"},
            "401": {"$ref": "#/components/responses/SessionUnauthorized"},
            "403": {"$ref": "#/components/responses/SessionForbidden"},
            "405": {"$ref": "#/components/responses/MethodNotAllowed"},
            "413": {"$ref": "#/components/responses/SessionBadBody"},
            "429": {"$ref": "#/components/responses/TooManyRequests"},
            "503": {"$ref": "#/components/responses/Unavailable"}
          }
        }
        """##

    /// The session API's schemas.
    static let sessionComponents: OpenAPIFragment = ##"""
        {
          "schemas": {
            "LoginRequest": {
              "type": "object",
              "additionalProperties": false,
              "required": ["apikey"],
              "properties": {"apikey": {"type": "string", "maxLength": 256, "description": "The raw API key, `ct_live_…`."}}
            },
            "SessionRefusal": {
              "type": "object",
              "required": ["auth", "detail"],
              "properties": {
                "auth": {"type": "string", "enum": ["logged_out"]},
                "detail": {"type": "string", "description": "Human-readable message."},
                "code": {"type": "string", "description": "Machine-readable code, e.g. `SESSION_REQUIRED`."}
              }
            },
            "LoggedOut": {"type": "object", "required": ["auth"], "properties": {"auth": {"type": "string", "enum": ["logged_out"]}}},
            "SessionOrganisation": {
              "type": "object",
              "required": ["id", "slug", "name", "role"],
              "properties": {
                "id": {"type": "integer", "format": "int64"},
                "slug": {"type": "string"},
                "name": {"type": "string"},
                "role": {
                  "type": "string",
                  "enum": ["owner", "admin", "creator", "viewer"],
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
                "id": {"type": "integer", "format": "int64"},
                "client_id": {"type": "null"},
                "created": {"type": "string", "format": "date-time"},
                "modified": {"type": "string", "format": "date-time"},
                "tombstate": {"type": "null"},
                "email": {"type": "string"},
                "is_active": {"type": "boolean"},
                "roles": {
                  "type": "array",
                  "items": {
                    "type": "string",
                    "enum": ["Apikey_view", "Apikey_add", "Apikey_edit", "Apikey_delete", "Apikey_superuser"]
                  },
                  "description": "The key's capabilities: `view` → `Apikey_view`, `add` → `Apikey_add`, and so on."
                },
                "names": {
                  "type": "array",
                  "items": {"type": "string"},
                  "minItems": 2,
                  "maxItems": 2,
                  "description": "First name, then last name."
                },
                "settings": {"type": "object", "description": "Always empty."},
                "organisations": {
                  "type": "array",
                  "items": {"$ref": "#/components/schemas/SessionOrganisation"},
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
                "has_peers": {"type": "boolean", "description": "The organisation has members besides the user."},
                "name": {"type": "string"},
                "created": {"type": "string", "format": "date-time"},
                "modified": {"type": "string", "format": "date-time"},
                "licensee": {"type": "string", "description": "The organisation's name."},
                "verticals": {"type": "array", "items": {}, "maxItems": 0},
                "avatar": {"type": "null"},
                "client_id": {"type": "null"},
                "tombstate": {"type": "null"},
                "id": {"type": "integer", "format": "int64"},
                "features": {"type": "array", "items": {}, "maxItems": 0}
              }
            },
            "Session": {
              "type": "object",
              "required": ["demographics", "auth", "user", "csrftoken", "organisation_context", "token-id"],
              "properties": {
                "demographics": {"type": "object", "description": "Always empty."},
                "auth": {"type": "string", "enum": ["logged_in"]},
                "user": {"$ref": "#/components/schemas/SessionUser"},
                "csrftoken": {"type": "string", "description": "The session's CSRF token."},
                "organisation_context": {
                  "oneOf": [{"$ref": "#/components/schemas/SessionOrganisationContext"}, {"type": "null"}],
                  "description": "The organisation the key was issued in; `null` for a key without one."
                },
                "token-id": {
                  "type": ["string", "null"],
                  "description": "The session token to send as `authtoken`: only in the login answer, `null` in status."
                }
              }
            }
          }
        }
        """##
}
