import PluginKit

/// Operations of the public routes: health, this document and its HTML reference, AuthZEN metadata.
extension CoreOpenAPI {
    /// `GET /api/health`.
    static let health: OpenAPIFragment = ##"""
        {
          "tags": ["public"],
          "summary": "Service health",
          "description": "Reports whether the database answers.",
          "operationId": "health",
          "security": [],
          "responses": {
            "200": {
              "description": "The service and its database are up.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}
            },
            "405": {"$ref": "#/components/responses/MethodNotAllowed"},
            "503": {
              "description": "The database does not answer (`{\"status\":\"unavailable\"}`).",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}
            }
          }
        }
        """##

    /// `GET /api/schema`.
    static let schema: OpenAPIFragment = ##"""
        {
          "tags": ["public"],
          "summary": "This OpenAPI document",
          "description": "The OpenAPI 3.1 document describing every endpoint, as JSON.",
          "operationId": "schema",
          "parameters": [
            {
              "name": "format",
              "in": "query",
              "required": false,
              "description": "Only `openapi-json` (the default) is served; any other value is 400.",
              "schema": {"type": "string", "enum": ["openapi-json"]}
            }
          ],
          "security": [],
          "responses": {
            "200": {
              "description": "The OpenAPI 3.1 document.",
              "content": {"application/json": {"schema": {"type": "object"}}}
            },
            "400": {"$ref": "#/components/responses/BadRequest"},
            "405": {"$ref": "#/components/responses/MethodNotAllowed"}
          }
        }
        """##

    /// `GET /api/docs`.
    static let docs: OpenAPIFragment = ##"""
        {
          "tags": ["public"],
          "summary": "HTML API reference",
          "description": "This document rendered on the server as HTML, path by path. No scripts; a strict Content-Security-Policy.",
          "operationId": "docs",
          "security": [],
          "responses": {
            "200": {"description": "HTML page.", "content": {"text/html": {"schema": {"type": "string"}}}},
            "405": {"$ref": "#/components/responses/MethodNotAllowed"}
          }
        }
        """##

    /// `GET /api/redoc`.
    static let redoc: OpenAPIFragment = ##"""
        {
          "tags": ["public"],
          "summary": "HTML API reference by tag",
          "description": "This document rendered on the server as HTML, grouped by tag. No scripts; a strict Content-Security-Policy.",
          "operationId": "redoc",
          "security": [],
          "responses": {
            "200": {"description": "HTML page.", "content": {"text/html": {"schema": {"type": "string"}}}},
            "405": {"$ref": "#/components/responses/MethodNotAllowed"}
          }
        }
        """##

    /// `GET /api/docs.css`.
    static let docsStylesheet: OpenAPIFragment = ##"""
        {
          "tags": ["public"],
          "summary": "Stylesheet of the HTML reference",
          "description": "The stylesheet `/api/docs` and `/api/redoc` link to.",
          "operationId": "docsStylesheet",
          "security": [],
          "responses": {
            "200": {"description": "CSS.", "content": {"text/css": {"schema": {"type": "string"}}}},
            "405": {"$ref": "#/components/responses/MethodNotAllowed"}
          }
        }
        """##

    /// `GET /.well-known/authzen-configuration`.
    static let authzenConfiguration: OpenAPIFragment = ##"""
        {
          "tags": ["public"],
          "summary": "AuthZEN metadata",
          "operationId": "authzenConfiguration",
          "description": "The policy decision point and its endpoints. The base URL is `LATCHKEY_PUBLIC_URL` when set.",
          "security": [],
          "responses": {
            "200": {
              "description": "The metadata.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AuthZENConfiguration"}}}
            },
            "405": {"$ref": "#/components/responses/MethodNotAllowed"}
          }
        }
        """##
}
