import Hummingbird
import PluginKit

/// The API's own description: `GET /api/schema` (the ``OpenAPIDocument`` as JSON),
/// `GET /api/docs` and `GET /api/redoc` (that document rendered as HTML on the server, by path
/// and by tag) and `GET /api/docs.css` (their stylesheet). Public: no credentials needed.
struct SchemaController: Sendable {
    /// The values `?format=` accepts.
    enum Format: String, CaseIterable {
        case openAPIJSON = "openapi-json"
    }

    let docsPage: String
    let redocPage: String

    /// Renders both pages once; a document that does not parse is a programming error that
    /// `SchemaTests` catches.
    init() {
        let reference: APIReference
        do {
            reference = try APIReference(json: OpenAPIDocument.json)
        } catch {
            preconditionFailure("OpenAPIDocument.json is not a JSON object: \(error)")
        }
        docsPage = APIReferencePage.render(reference, layout: .byPath)
        redocPage = APIReferencePage.render(reference, layout: .byTag)
    }

    func register<Context: PluginRequestContext>(on routes: PluginRoutes<Context>) {
        routes.get("/api/schema") { request, _ in try schema(request) }
        routes.get("/api/docs") { _, _ in Self.html(docsPage) }
        routes.get("/api/redoc") { _, _ in Self.html(redocPage) }
        routes.get(RouterPath(APIReferencePage.stylesheetPath)) { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/css; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: APIReferencePage.stylesheet))
            )
        }
    }

    /// The document as `application/json`; a `format` other than `openapi-json` → 400.
    func schema(_ request: Request) throws -> Response {
        _ = try StrictQuery(request).choice("format", as: Format.self)
        return Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json))
        )
    }

    /// An HTML page with the pages' strict Content-Security-Policy (which the security headers
    /// middleware keeps).
    static func html(_ page: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .contentSecurityPolicy: APIReferencePage.contentSecurityPolicy,
            ],
            body: .init(byteBuffer: ByteBuffer(string: page))
        )
    }
}
