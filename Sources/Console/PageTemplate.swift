/// The console's templates: the Mustache subset its pages use — `{{name}}` (HTML-escaped),
/// `{{a.b}}`, `{{.}}`, sections `{{#name}}…{{/name}}` over lists, flags, text and fields,
/// inverted sections `{{^name}}…{{/name}}`, and partials `{{> name}}` — parsed once, rendered
/// over typed ``PageValue``s. A ``Markup`` value (the console's own charts) is written as it is;
/// every other is escaped.
///
/// swift-mustache rendered these pages first; its `[String: Any]` contexts cost several
/// dynamic casts per lookup, and rendering took 54% of the API Keys page's CPU (DECISIONS).
struct PageTemplate: Sendable {
    indirect enum Node: Sendable {
        case text(String)
        case variable([String])
        case section([String], inverted: Bool, [Node])
        case partial(String)
    }

    let nodes: [Node]

    enum ParseError: Error, Equatable {
        case unclosedTag, unclosedSection(String), unexpectedClose(String), unsupported(String)
    }

    init(_ source: String) throws {
        var rest = Substring(source)
        nodes = try Self.parse(&rest, closing: nil)
    }

    private static func parse(_ rest: inout Substring, closing: String?) throws -> [Node] {
        var nodes: [Node] = []
        while !rest.isEmpty {
            guard let open = rest.range(of: "{{") else {
                nodes.append(.text(String(rest)))
                rest = rest[rest.endIndex...]
                break
            }
            if open.lowerBound > rest.startIndex { nodes.append(.text(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else { throw ParseError.unclosedTag }
            let tag = rest[open.upperBound..<close.lowerBound].trimmingSpaces
            rest = rest[close.upperBound...]
            let sigil = tag.first
            let name = String(tag.dropFirst().trimmingSpaces)
            switch sigil {
            case "#", "^":
                nodes.append(.section(Self.path(name), inverted: sigil == "^", try parse(&rest, closing: name)))
            case "/":
                guard name == closing else { throw ParseError.unexpectedClose(name) }
                return nodes
            case ">":
                nodes.append(.partial(name))
            case "{", "&", "!", "=":
                throw ParseError.unsupported(String(tag))
            default:
                nodes.append(.variable(Self.path(String(tag))))
            }
        }
        if let closing { throw ParseError.unclosedSection(closing) }
        return nodes
    }

    private static func path(_ name: String) -> [String] {
        name == "." ? [] : name.split(separator: ".").map(String.init)
    }

    /// The template rendered with `data`; partials come from `partials`.
    func render(_ data: PageFields, partials: [String: PageTemplate]) -> String {
        var output = ""
        output.reserveCapacity(8192)
        var stack: [PageValue] = [.fields(data)]
        Self.render(nodes, &stack, partials, into: &output)
        return output
    }

    private static func render(_ nodes: [Node], _ stack: inout [PageValue], _ partials: [String: PageTemplate], into output: inout String) {
        for node in nodes {
            switch node {
            case .text(let text):
                output += text
            case .variable(let path):
                switch lookup(path, in: stack) {
                case .text(let text): HTML.escape(text, into: &output)
                case .flag(let flag): output += flag ? "true" : "false"
                case .markup(let markup): output += markup.html
                case .list, .fields, nil: break
                }
            case .section(let path, let inverted, let body):
                let value = lookup(path, in: stack)
                let truthy = value?.isTruthy ?? false
                if inverted {
                    if !truthy { render(body, &stack, partials, into: &output) }
                } else if let value, truthy {
                    if case .list(let items) = value {
                        for item in items { within(item, body, &stack, partials, into: &output) }
                    } else {
                        within(value, body, &stack, partials, into: &output)
                    }
                }
            case .partial(let name):
                if let partial = partials[name] { render(partial.nodes, &stack, partials, into: &output) }
            }
        }
    }

    private static func within(_ value: PageValue, _ body: [Node], _ stack: inout [PageValue], _ partials: [String: PageTemplate], into output: inout String) {
        stack.append(value)
        render(body, &stack, partials, into: &output)
        stack.removeLast()
    }

    /// `path` looked up as Mustache does: its first name in the innermost fields that have it,
    /// the rest within that; the empty path (`.`) is the innermost value.
    static func lookup(_ path: [String], in stack: [PageValue]) -> PageValue? {
        guard let first = path.first else { return stack.last }
        for context in stack.reversed() {
            guard case .fields(let fields) = context, var value = fields[first] else { continue }
            for name in path.dropFirst() {
                guard case .fields(let inner) = value, let next = inner[name] else { return nil }
                value = next
            }
            return value
        }
        return nil
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }
}
