import PluginKit

/// The question-group templates plugin's part of the OpenAPI document.
///
/// Each operation is registered with its route (`documented:`); the tag and components join the
/// document the server assembles at start-up (`GET /api/schema`).
enum TemplatesOpenAPI {
    /// The tag grouping these operations.
    static let tag: OpenAPIFragment = #"""
        {
          "name": "question-group-templates",
          "description": "Question-group templates; publishing is a web-UI operation."
        }
        """#

    /// Schemas (and parameters) these operations refer to.
    static let components: OpenAPIFragment = ##"""
        {
          "schemas": {
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
                "id": {"type": "integer", "format": "int64"},
                "name": {"type": "string"},
                "description": {"type": "string"},
                "markdown": {"type": "string"},
                "publication_level": {"type": "string", "enum": ["global", "organisation"]},
                "publisher_username": {"type": "string"},
                "organization_name": {"type": ["string", "null"]},
                "attribution": {"description": "Any JSON value, as stored."},
                "tags": {"type": "array", "items": {"type": "string"}},
                "language": {"type": "string"},
                "import_count": {"type": "integer"},
                "can_delete": {"type": "boolean", "description": "The caller is the publisher."},
                "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"}
              }
            },
            "TemplatePage": {
              "type": "object",
              "required": ["count", "next", "previous", "results"],
              "properties": {
                "count": {"type": "integer", "description": "Total number of items the caller may see."},
                "next": {"type": ["string", "null"], "format": "uri", "description": "URL of the next page, or null."},
                "previous": {"type": ["string", "null"], "format": "uri", "description": "URL of the previous page, or null."},
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/Template"}}
              }
            }
          }
        }
        """##

    /// `GET /api/question-group-templates/`.
    static let listTemplates: OpenAPIFragment = ##"""
        {
          "tags": ["question-group-templates"],
          "summary": "List templates",
          "description": "Active templates that are global, or of an organisation the caller belongs to. Anonymous → 401. Filters combine with AND.",
          "operationId": "listTemplates",
          "parameters": [
            {
              "name": "publication_level",
              "in": "query",
              "required": false,
              "description": "Only templates at this level.",
              "schema": {"type": "string", "enum": ["global", "organisation"]}
            },
            {
              "name": "language",
              "in": "query",
              "required": false,
              "description": "Exact language code, e.g. `en`.",
              "schema": {"type": "string"}
            },
            {
              "name": "tags",
              "in": "query",
              "required": false,
              "description": "Comma-separated tags the template must all have.",
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
              "name": "ordering",
              "in": "query",
              "required": false,
              "description": "Sort order; anything else is 400.",
              "schema": {
                "type": "string",
                "enum": ["name", "-name", "created_at", "-created_at", "import_count", "-import_count"],
                "default": "-created_at"
              }
            },
            {"$ref": "#/components/parameters/limit"},
            {"$ref": "#/components/parameters/offset"}
          ],
          "security": [{"bearerAuth": []}, {"sessionToken": []}],
          "responses": {
            "200": {
              "description": "The visible templates. A JSON array, or a page envelope when `limit` or `offset` is given.",
              "content": {
                "application/json": {
                  "schema": {
                    "oneOf": [
                      {"type": "array", "items": {"$ref": "#/components/schemas/Template"}},
                      {"$ref": "#/components/schemas/TemplatePage"}
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

    /// `GET /api/question-group-templates/{id}/`.
    static let retrieveTemplate: OpenAPIFragment = ##"""
        {
          "tags": ["question-group-templates"],
          "summary": "Retrieve a template",
          "description": "Visible → 200; otherwise 404.",
          "operationId": "retrieveTemplate",
          "parameters": [
            {
              "name": "id",
              "in": "path",
              "required": true,
              "description": "The template id.",
              "schema": {"type": "integer", "format": "int64", "minimum": 1}
            }
          ],
          "security": [{"bearerAuth": []}, {"sessionToken": []}],
          "responses": {
            "200": {
              "description": "The template.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Template"}}}
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
