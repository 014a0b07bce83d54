import PluginKit

/// The server's own part of the OpenAPI document (`Sources/Server/openapi.json`): the frame
/// (version, info, security, the public, sessions and decisions tags), the shared components,
/// the operations of the routes the server mounts itself (public, sessions, decision API), and
/// what the router's middleware adds to every route and to every resource route.
enum CoreOpenAPI {
    static let part = OpenAPIPart(json: embeddedOpenAPI)

    /// Everything but paths and components: `openapi`, `info`, `servers`, `security`, tags.
    static var frame: OpenAPIFragment { part["frame"] }
    /// Security schemes and the shared parameters, headers, responses and schemas.
    static var components: OpenAPIFragment { part["components"] }
    /// What every route answers: a known path asked with another method is 405 (`Allow`).
    static var everyRoute: OpenAPIFragment { part["everyRoute"] }
    /// What every resource route (behind authentication and throttling) adds: a key or a
    /// session, refused with 401 or 403, throttled with 429, 503 while the database is away.
    static var resourceRoute: OpenAPIFragment { part["resourceRoute"] }

    /// The operation `id` of a route the server mounts.
    static func operation(_ id: String) -> OpenAPIFragment { part.operation(id) }
}
