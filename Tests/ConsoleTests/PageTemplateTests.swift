@testable import Console
import Testing

/// The console's template renderer: the Mustache subset its pages use.
@Suite struct PageTemplateTests {
    func render(_ source: String, _ data: PageFields, partials: [String: String] = [:]) throws -> String {
        try PageTemplate(source).render(data, partials: partials.mapValues { try PageTemplate($0) })
    }

    @Test func variablesAreEscapedAndMissingOnesAreEmpty() throws {
        #expect(try render("<p title=\"{{t}}\">{{t}}</p>{{missing}}", ["t": "a<b>&\"c\"'d"])
                == "<p title=\"a&lt;b&gt;&amp;&quot;c&quot;&#39;d\">a&lt;b&gt;&amp;&quot;c&quot;&#39;d</p>")
        #expect(try render("{{ spaced }}|{{flag}}", ["spaced": "é ✓", "flag": false]) == "é ✓|false")
    }

    @Test func sectionsOverListsFlagsTextAndFields() throws {
        let data: PageFields = [
            "rows": .list([["name": "a", "on": true], ["name": "b", "on": false]] as [PageFields]),
            "codes": .list(["x", "y"]), "empty": .list([] as [String]),
            "yes": true, "no": false, "note": "hi", "blank": "",
            "form": ["name": "n1"], "fields": .fields(["name": "Give a name."]),
            "outer": "O",
        ]
        #expect(try render("{{#rows}}[{{name}}{{#on}}*{{/on}}{{outer}}]{{/rows}}", data) == "[a*O][bO]")
        #expect(try render("{{#codes}}<li>{{.}}</li>{{/codes}}", data) == "<li>x</li><li>y</li>")
        #expect(try render("{{#empty}}E{{/empty}}{{^empty}}none{{/empty}}", data) == "none")
        #expect(try render("{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{^no}}!N{{/no}}{{^yes}}!Y{{/yes}}", data) == "Y!N")
        #expect(try render("{{#note}}<{{note}}>{{/note}}{{#blank}}B{{/blank}}{{^blank}}-{{/blank}}", data) == "<hi>-")
        #expect(try render("{{form.name}}|{{#fields.name}}{{fields.name}}{{/fields.name}}{{#fields.expires}}X{{/fields.expires}}", data) == "n1|Give a name.")
        #expect(try render("{{#missing}}M{{/missing}}{{^missing}}m{{/missing}}", data) == "m")
    }

    @Test func partialsSeeTheSameData() throws {
        #expect(try render("{{> top}}body{{> bottom}}{{> absent}}", ["title": "T"], partials: ["top": "<h1>{{title}}</h1>", "bottom": "."]) == "<h1>T</h1>body.")
    }

    @Test func malformedTemplatesAreRefused() {
        #expect(throws: PageTemplate.ParseError.unclosedTag) { try PageTemplate("a {{b") }
        #expect(throws: PageTemplate.ParseError.unclosedSection("s")) { try PageTemplate("{{#s}}x") }
        #expect(throws: PageTemplate.ParseError.unexpectedClose("t")) { try PageTemplate("{{#s}}x{{/t}}") }
        #expect(throws: PageTemplate.ParseError.unsupported("{raw")) { try PageTemplate("{{{raw}}}") }
    }

    /// Every page of the console (every template but the partials) renders into a whole
    /// document: framed by `top` and `bottom`, with its `<title>` and an `<h1>` (SPEC §10), no
    /// tag left unrendered, no script but the passkeys' file where a page asks for it.
    @Test func everyConsoleTemplateRendersAWholePage() throws {
        let partials: Set = ["top", "bottom", "key-shape", "key-requests", "org-nav", "usage-table", "assertion-form"]
        let pages = Pages.shared.templates.keys.filter { !partials.contains($0) }.sorted()
        #expect(pages.count >= 8, "\(pages)")
        #expect(Pages.shared.templates["top"] != nil && Pages.shared.templates["bottom"] != nil)
        for signedIn in [false, true] {
            let data: PageFields = ["title": "Probe", "signedIn": .flag(signedIn), "csrf": "token-value", "message": "A message."]
            for page in pages {
                let html = try #require(Pages.shared.templates[page]).render(data, partials: Pages.shared.templates)
                #expect(html.hasPrefix("<!doctype html>"), "\(page)")
                #expect(html.contains("<title>Probe · Latchkey</title>"), "\(page)")
                #expect(html.contains("<h1"), "\(page) has no <h1>")
                #expect(html.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("</html>"), "\(page)")
                #expect(!html.contains("{{") && !html.contains("}}"), "\(page)")
                #expect(!html.lowercased().contains("<script"), "\(page)")
                let asked = try #require(Pages.shared.templates[page]).render(data.merging(["passkeyScript": true]) { $1 }, partials: Pages.shared.templates)
                #expect(asked.components(separatedBy: "<script").count == 2 && asked.contains(#"<script src="/passkeys.js" defer></script>"#),
                        "\(page): the one script, from a file")
                #expect(html.contains("Sign out") == signedIn, "\(page): the frame follows the session")
            }
        }
    }
}
