import Console
/// Renders an ``APIReference`` as a static HTML page: every text HTML-escaped, no scripts, no
/// inline styles; the look comes only from the stylesheet at ``stylesheetPath``.
enum APIReferencePage {
    /// How the operations are arranged.
    enum Layout {
        /// One section per path, in path order (`/api/docs`).
        case byPath
        /// One section per tag (`/api/redoc`).
        case byTag
    }

    /// Where the stylesheet is served.
    static let stylesheetPath = "/api/docs.css"

    /// The Content-Security-Policy of the pages: nothing but the stylesheet from this origin.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; script-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

    /// The whole page for `reference` in `layout`.
    static func render(_ reference: APIReference, layout: Layout) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(HTML.escape(reference.title))</title>
            <link rel="stylesheet" href="\(stylesheetPath)">
            </head>
            <body>
            <header><h1>\(HTML.escape(reference.title)) <small>\(HTML.escape(reference.version))</small></h1>
            <p>\(HTML.escape(reference.description))</p>
            <p>The same document as JSON: <a href="/api/schema">/api/schema</a>.
            By path: <a href="/api/docs">/api/docs</a>. By tag: <a href="/api/redoc">/api/redoc</a>.</p></header>
            <main>

            """
        switch layout {
        case .byPath:
            for path in orderedUnique(reference.operations.map(\.path)) {
                html += "<section><h2><code>\(HTML.escape(path))</code></h2>\n"
                for operation in reference.operations where operation.path == path {
                    html += render(operation, heading: "h3")
                }
                html += "</section>\n"
            }
        case .byTag:
            for tag in reference.tags {
                html += "<section><h2>\(HTML.escape(tag.name))</h2>\n<p>\(HTML.escape(tag.description))</p>\n"
                for operation in reference.operations where operation.tags.contains(tag.name) {
                    html += render(operation, heading: "h3")
                }
                html += "</section>\n"
            }
        }
        html += "<section><h2>Schemas</h2>\n"
        for schema in reference.schemas {
            html += render(schema)
        }
        html += "</section>\n</main>\n</body>\n</html>\n"
        return html
    }

    /// The stylesheet both layouts link to.
    static let stylesheet = """
        body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 0 auto; padding: 1rem; line-height: 1.4; color: #222; }
        code { font-family: ui-monospace, monospace; }
        article { border-left: 4px solid #36c; padding: 0.25rem 1rem; margin: 1rem 0; background: #f6f8fb; }
        .method { font-weight: bold; color: #fff; background: #36c; padding: 0.1rem 0.4rem; border-radius: 3px; }
        table { border-collapse: collapse; width: 100%; margin: 0.5rem 0; }
        th, td { text-align: left; vertical-align: top; border-bottom: 1px solid #ddd; padding: 0.25rem 0.5rem; }
        small { color: #666; font-weight: normal; }

        """

    private static func render(_ operation: APIReference.Operation, heading: String) -> String {
        var html = """
            <article>
            <\(heading)><span class="method">\(HTML.escape(operation.method))</span> <code>\(HTML.escape(operation.path))</code> \
            — \(HTML.escape(operation.summary))</\(heading)>
            <p>\(HTML.escape(operation.description))</p>
            <p>Authentication: \(HTML.escape(operation.security))</p>

            """
        if !operation.requestBody.isEmpty {
            html += "<p>Request body: \(HTML.escape(operation.requestBody))</p>\n"
        }
        if !operation.parameters.isEmpty {
            html += "<table><caption>Parameters</caption>\n<tr><th>name</th><th>in</th><th>type</th><th>description</th></tr>\n"
            for parameter in operation.parameters {
                let name = HTML.escape(parameter.name) + (parameter.required ? " (required)" : "")
                html += "<tr><td><code>\(name)</code></td><td>\(HTML.escape(parameter.location))</td>"
                    + "<td>\(HTML.escape(parameter.type))</td><td>\(HTML.escape(parameter.description))</td></tr>\n"
            }
            html += "</table>\n"
        }
        html += "<table><caption>Responses</caption>\n<tr><th>status</th><th>description</th><th>body</th><th>headers</th></tr>\n"
        for response in operation.responses {
            html += "<tr><td>\(HTML.escape(response.status))</td><td>\(HTML.escape(response.description))</td>"
                + "<td>\(HTML.escape(response.body))</td><td>\(HTML.escape(response.headers.joined(separator: ", ")))</td></tr>\n"
        }
        return html + "</table>\n</article>\n"
    }

    private static func render(_ schema: APIReference.Schema) -> String {
        var html = "<article id=\"schema-\(HTML.escape(schema.name))\"><h3>\(HTML.escape(schema.name)) <small>\(HTML.escape(schema.type))</small></h3>\n"
        if !schema.fields.isEmpty {
            html += "<table>\n<tr><th>field</th><th>type</th><th>description</th></tr>\n"
            for field in schema.fields {
                let name = HTML.escape(field.name) + (field.required ? "" : " (optional)")
                html += "<tr><td><code>\(name)</code></td><td>\(HTML.escape(field.type))</td><td>\(HTML.escape(field.description))</td></tr>\n"
            }
            html += "</table>\n"
        }
        return html + "</article>\n"
    }

    /// `items` without repeats, first occurrence first.
    private static func orderedUnique(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }
}
