/// What a page template is rendered with: text, a flag, a list, named fields, or markup the
/// console wrote itself — typed, so rendering looks values up without a dynamic cast (see
/// ``PageTemplate``).
enum PageValue: Sendable {
    case text(String)
    case flag(Bool)
    case list([PageValue])
    case fields(PageFields)
    /// Written into the page as it is (`{{name}}` escapes every other value).
    case markup(Markup)

    /// Whether a section `{{#name}}` over this value renders (`{{^name}}` when it does not):
    /// non-empty text, a true flag, a non-empty list, any fields.
    var isTruthy: Bool {
        switch self {
        case .text(let text): !text.isEmpty
        case .flag(let flag): flag
        case .list(let items): !items.isEmpty
        case .fields: true
        case .markup(let markup): !markup.html.isEmpty
        }
    }

    /// Text for `text`; nothing (`nil`) stays absent.
    init?(_ text: String?) {
        guard let text else { return nil }
        self = .text(text)
    }

    /// Text for each of `texts`.
    static func list(_ texts: [String]) -> PageValue { .list(texts.map(PageValue.text)) }

    /// A list of rows.
    static func list(_ rows: [PageFields]) -> PageValue { .list(rows.map(PageValue.fields)) }

    /// Text fields (a form's values or problems).
    static func fields(_ texts: [String: String]) -> PageValue { .fields(texts.mapValues(PageValue.text)) }
}

/// HTML or SVG the console wrote itself, every text in it already escaped (the usage charts,
/// ``UsageChart``): a template writes it as it is. Nothing a request or the database holds
/// becomes `Markup` without passing through ``HTML/escape(_:)``.
struct Markup: Sendable, Hashable {
    let html: String

    /// `html`, which its maker escaped.
    init(escaped html: String) {
        self.html = html
    }
}

/// Named values: the data of a page, of a row, of a form's problems.
typealias PageFields = [String: PageValue]

extension PageValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    init(stringLiteral value: String) { self = .text(value) }
    init(booleanLiteral value: Bool) { self = .flag(value) }
    init(arrayLiteral elements: PageValue...) { self = .list(elements) }
    init(dictionaryLiteral elements: (String, PageValue)...) { self = .fields(PageFields(uniqueKeysWithValues: elements)) }
}

extension PageValue: ExpressibleByStringInterpolation {}
