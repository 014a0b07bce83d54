import Hummingbird
import NIOCore

/// The console's HTML: the templates of `Assets/` (Mustache syntax, embedded at build time,
/// rendered by ``PageTemplate``), each page framed by the `top` and `bottom` partials; and the
/// one stylesheet.
struct Pages: Sendable {
    static let shared = Pages()

    /// One script file from this origin (`/passkeys.js`, never inline), which may fetch passkey
    /// options from it; styles from the stylesheet only; forms post to this origin.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    let templates: [String: PageTemplate]
    let stylesheet: String
    /// The browser side of passkeys (`/passkeys.js`).
    let script: String

    init() {
        var templates: [String: PageTemplate] = [:]
        for (name, text) in embeddedAssets where name.hasSuffix(".mustache") {
            // The templates are part of the build: one that does not parse is a programming error.
            templates[String(name.dropLast(".mustache".count))] = try! PageTemplate(text)
        }
        self.templates = templates
        stylesheet = embeddedAssets["console.css"] ?? ""
        script = embeddedAssets["passkeys.js"] ?? ""
    }

    /// `template` rendered with `data`, never cached by the browser.
    func render(_ template: String, _ data: PageFields, status: HTTPResponse.Status = .ok) -> Response {
        let html = templates[template]?.render(data, partials: templates) ?? ""
        return Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .cacheControl: "no-store",
                .contentSecurityPolicy: Self.contentSecurityPolicy,
            ],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }

    /// A page with one message (and a link onwards).
    func message(_ title: String, _ message: String, status: HTTPResponse.Status, link: (String, String)? = nil, frame: PageFields = [:]) -> Response {
        var data = frame
        data["title"] = .text(title)
        data["message"] = .text(message)
        if let (href, text) = link {
            data["link"] = .text(href)
            data["linkText"] = .text(text)
        }
        return render("message", data, status: status)
    }

    /// A `303 See Other` to `path`, the answer to a form that worked.
    static func redirect(_ path: String) -> Response {
        Response(status: .seeOther, headers: [.location: path, .cacheControl: "no-store"])
    }
}
