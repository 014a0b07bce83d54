import PluginKit

/// The server's own part of the OpenAPI document: the document's frame (version, info,
/// security, the public, sessions and decisions tags), the shared components, and the
/// operations of the routes the server mounts itself (public, sessions, decision API). Plugins
/// bring theirs; `OpenAPIAssembler` puts them together.
enum CoreOpenAPI {
    /// Everything but paths and components: `openapi`, `info`, `servers`, `security`, the server's tags.
    static let frame: OpenAPIFragment = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "Latchkey API",
            "version": "1.0.0",
            "description": "API-key vault and resource API. Authenticate with `Authorization: Bearer ct_live_…`, or with `authtoken: <token-id>` from `POST /api/auth/login/` (a session acts as its key and dies with it). Every error is JSON `{\"detail\": …}` (with `code` when there is one). Every path also answers `HEAD` where it answers `GET`, `OPTIONS` with 204 and `Allow`, and any other method with 405 and `Allow`. Throttled routes (every `/api/` route except `/api/health`, `/api/schema`, `/api/docs`, `/api/redoc` and `/api/docs.css`) carry `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` on every answer, and answer 429 with `Retry-After` over the limit. Throttling is per key when authenticated (a session counts against its key) and per IP otherwise; `POST /api/token` has its own, lower limit per IP. CORS is enabled only for the origins in `CORS_ALLOWED_ORIGINS`; without it the server sends no CORS headers. Backend services call the decision API (`/v1/`, `/access/v1/`) with `Authorization: Bearer ct_svc_…`."
          },
          "servers": [{"url": "/"}],
          "security": [{"bearerAuth": []}, {"sessionToken": []}],
          "tags": [
            {"name": "public", "description": "Health, this document and its HTML reference; no credentials needed."},
            {
              "name": "sessions",
              "description": "Session login: trade an API key for an `authtoken` session, describe it, end it. Refusals here are `{\"auth\": \"logged_out\", \"detail\": …}`."
            },
            {
              "name": "decisions",
              "description": "The decision API for backend services: key verification and AuthZEN 1.0 evaluations. Requires a service credential (`ct_svc_…`); a user's key is refused."
            }
          ]
        }
        """#

    /// Security schemes, shared parameters, headers, responses and schemas.
    static let components: OpenAPIFragment = ##"""
        {
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
          "headers": {
            "WWW-Authenticate": {"description": "The challenge: `Bearer realm=\"api\"`.", "schema": {"type": "string"}},
            "Allow": {"description": "The methods the path answers, e.g. `GET, HEAD, OPTIONS`.", "schema": {"type": "string"}},
            "Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "string"}},
            "RateLimit-Limit": {"description": "Requests the caller may make in the current window.", "schema": {"type": "integer"}},
            "RateLimit-Remaining": {"description": "Requests left in the current window.", "schema": {"type": "integer"}},
            "RateLimit-Reset": {"description": "Seconds until the current window ends (at least 1).", "schema": {"type": "integer"}},
            "Location": {"description": "The path of the new object, e.g. `/api/surveys/42/`.", "schema": {"type": "string"}}
          },
          "responses": {
            "BadRequest": {
              "description": "A query parameter has a bad value, or is given twice.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
            },
            "Unauthorized": {
              "description": "Credentials are required, or the key is malformed, unknown, revoked or expired, or the `authtoken` session is unknown, ended or expired.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
              "headers": {"WWW-Authenticate": {"$ref": "#/components/headers/WWW-Authenticate"}}
            },
            "Forbidden": {
              "description": "The key lacks the capability, tier or role.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
            },
            "NotFound": {
              "description": "No such object, or one the caller may not see.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
            },
            "MethodNotAllowed": {
              "description": "The path does not answer this method.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
              "headers": {"Allow": {"$ref": "#/components/headers/Allow"}}
            },
            "Unavailable": {
              "description": "The database cannot be reached.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
              "headers": {"Retry-After": {"$ref": "#/components/headers/Retry-After"}}
            },
            "BadBody": {
              "description": "The body is not what the endpoint takes (the detail names the field), or is too large (413).",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
            },
            "ServiceUnauthorized": {
              "description": "No valid service credential.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
            },
            "TooManyRequests": {
              "description": "Throttled: the caller is over its rate limit (per key when authenticated, a session counting against its key; per IP otherwise). Code `THROTTLED`; the route did not run.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
              "headers": {
                "Retry-After": {"$ref": "#/components/headers/Retry-After"},
                "RateLimit-Limit": {"$ref": "#/components/headers/RateLimit-Limit"},
                "RateLimit-Remaining": {"$ref": "#/components/headers/RateLimit-Remaining"},
                "RateLimit-Reset": {"$ref": "#/components/headers/RateLimit-Reset"}
              }
            },
            "SessionBadBody": {
              "description": "The body is not `{\"apikey\": …}` (the detail names the problem), or is too large (413).",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SessionRefusal"}}}
            },
            "SessionRequired": {
              "description": "An `Authorization` header was sent: this endpoint takes only the session's `authtoken` (code `SESSION_REQUIRED`).",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SessionRefusal"}}}
            },
            "SessionUnauthorized": {
              "description": "The key is malformed, unknown, revoked or expired, its user is inactive, or the `authtoken` session is missing, unknown, ended or expired.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SessionRefusal"}}},
              "headers": {"WWW-Authenticate": {"$ref": "#/components/headers/WWW-Authenticate"}}
            },
            "SessionForbidden": {
              "description": "The key's user is on the free tier (no API access).",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SessionRefusal"}}}
            }
          },
          "parameters": {
            "limit": {
              "name": "limit",
              "in": "query",
              "required": false,
              "description": "Page size (1–1000). Given with or without `offset`, the list answers a page envelope.",
              "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}
            },
            "offset": {
              "name": "offset",
              "in": "query",
              "required": false,
              "description": "Items skipped. Given with or without `limit`, the list answers a page envelope.",
              "schema": {"type": "integer", "minimum": 0, "default": 0}
            }
          },
          "schemas": {
            "Error": {
              "type": "object",
              "required": ["detail"],
              "properties": {
                "detail": {"type": "string", "description": "Human-readable message."},
                "code": {"type": "string", "description": "Machine-readable code, e.g. `INVALID_PARAMETER`."}
              }
            },
            "Health": {
              "type": "object",
              "required": ["status"],
              "properties": {"status": {"type": "string", "enum": ["ok", "unavailable"]}}
            }
          }
        }
        """##
}
