import Hummingbird
import NIOConcurrencyHelpers
import PluginKit

/// The API's own description: `GET /api/schema` (the document ``OpenAPIAssembler`` builds from
/// what is mounted), `GET /api/docs` and `GET /api/redoc` (that document rendered as HTML on the
/// server, by path and by tag) and `GET /api/docs.css` (their stylesheet). Public: no
/// credentials needed.
///
/// The document describes every route, these included, so it is published once the router is
/// complete (``publish(_:)``), before the server answers anything.
struct SchemaController: Sendable {
    /// The values `?format=` accepts.
    enum Format: String, CaseIterable {
        case openAPIJSON = "openapi-json"
    }

    /// The document and its two HTML renderings.
    struct Pages: Sendable {
        var json: String
        var docs: String
        var redoc: String
    }

    let pages = NIOLockedValueBox<Pages?>(nil)

    func register<Context: PluginRequestContext>(on routes: RouteTable<Context>) {
        routes.on("/api/schema", method: .get, .public, documented: CoreOpenAPI.operation("schema")) { request, _ in try schema(request) }
        routes.on("/api/docs", method: .get, .public, documented: CoreOpenAPI.operation("docs")) { _, _ in Self.html(try published().docs) }
        routes.on("/api/redoc", method: .get, .public, documented: CoreOpenAPI.operation("redoc")) { _, _ in Self.html(try published().redoc) }
        routes.on(APIReferencePage.stylesheetPath, method: .get, .public, documented: CoreOpenAPI.operation("docsStylesheet")) { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/css; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: APIReferencePage.stylesheet))
            )
        }
    }

    /// Publishes the assembled document and renders its pages; a document that is not a JSON
    /// object is a programming error that `SchemaTests` catches.
    func publish(_ json: String) {
        guard let reference = APIReference(json: json) else {
            preconditionFailure("the assembled OpenAPI document is not a JSON object")
        }
        let rendered = Pages(
            json: json,
            docs: APIReferencePage.render(reference, layout: .byPath),
            redoc: APIReferencePage.render(reference, layout: .byTag))
        pages.withLockedValue { $0 = rendered }
    }

    private func published() throws -> Pages {
        guard let pages = pages.withLockedValue({ $0 }) else {
            throw APIError(.serviceUnavailable, detail: "The API description is not ready yet.")
        }
        return pages
    }

    /// The document as `application/json`; a `format` other than `openapi-json` → 400.
    func schema(_ request: Request) throws -> Response {
        _ = try StrictQuery(request).choice("format", as: Format.self)
        return Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: try published().json))
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
