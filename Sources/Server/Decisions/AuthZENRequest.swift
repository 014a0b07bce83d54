import JSON
import PluginKit
import Postgres
import Vault

/// The AuthZEN Authorization API 1.0 request shapes (subject, action, resource, context), read
/// straight from the body's bytes with a ``JSONReader``: a batch of 1,000 items builds no
/// dictionaries, and every problem is a 400 naming its path
/// (`'evaluations[3].subject.id' must be a string`). Unknown members are ignored, as the AuthZEN
/// specification lets them be.
enum AuthZEN {
    struct Subject: Sendable, Hashable {
        var type: String
        var id: String
        /// The end client's address, from the evaluation's `context.ip`: an API key with an IP
        /// allowlist is judged as presented from there (SPEC §2). Absent: not checked.
        var ip: String?
    }

    struct Resource: Sendable {
        var type: String
        var id: String?
        /// What a new object would be (`*.create`, `key.issue`), e.g. `{"organisation": 12}`.
        var properties: [String: JSONValue] = [:]
    }

    /// One evaluation; in a batch every part may be left to the top-level defaults.
    struct Evaluation: Sendable {
        var subject: Subject?
        /// The action's name, e.g. `survey.retrieve`.
        var action: String?
        var resource: Resource?
        /// `context.ip`, the end client's address.
        var ip: String?
    }

    /// `POST /access/v1/evaluations`: defaults, the items, and options.
    struct Evaluations: Sendable {
        var defaults = Evaluation()
        var evaluations: [Evaluation] = []
        var semantic = Semantic.executeAll

        /// How a batch answers: every item, or up to the first deny or permit.
        enum Semantic: String, Sendable, CaseIterable {
            case executeAll = "execute_all"
            case denyOnFirstDeny = "deny_on_first_deny"
            case permitOnFirstPermit = "permit_on_first_permit"
        }
    }

    /// The largest batch served.
    static let batchLimit = 1_000

    /// A search (AuthZEN 1.0 §8): what is known of the question, and the page asked for. The
    /// searched entity's `id` is ignored.
    struct Search: Sendable {
        enum Kind: String, Sendable {
            case subject, resource, action
        }

        var kind: Kind
        var query = Evaluation()
        /// The subject and resource every search has (the searched one's `id` empty or absent).
        private(set) var subject = Subject(type: "", id: "")
        private(set) var resource = Resource(type: "")
        /// `page.token`: where a previous page of the same search ended.
        var token: String?
        /// `page.limit`, 1 to ``AuthZEN/pageLimit``.
        var limit = AuthZEN.pageLimit
    }

    /// The largest page of a search, and the size of a page when none is asked for.
    static let pageLimit = 1_000
}

// MARK: Reading

extension AuthZEN {
    /// Where a value sits in the body, e.g. `evaluations[3].subject.id`; a plain value, so
    /// keeping track of it costs nothing until an error names it.
    struct Path: CustomStringConvertible {
        var item: Int?
        var part: StaticString?
        var field: StaticString?

        static let root = Path()

        func appending(_ name: StaticString) -> Path {
            part == nil ? Path(item: item, part: name) : Path(item: item, part: part, field: name)
        }

        var description: String {
            [item.map { "evaluations[\($0)]" }, part?.description, field?.description].compactMap { $0 }.joined(separator: ".")
        }

        /// 400: the value here is not of the kind the API takes (the body itself is always an object).
        func mustBe(_ kind: String) -> APIError {
            item == nil && part == nil ? JSONBody.invalid("the body must be a JSON object") : JSONBody.invalid("'\(self)' must be \(kind)")
        }

        /// 400: nothing here, where something must be.
        var isRequired: APIError { JSONBody.invalid("'\(self)' is required") }
    }
}

extension AuthZEN.Evaluation {
    /// Reads an evaluation object at `path`: the body of a single evaluation, or a batch item.
    init(_ reader: inout JSONReader, at path: AuthZEN.Path) throws {
        try reader.object(at: path) { reader, key in
            try read(key, &reader, in: path)
        }
    }

    /// Reads the member `key` if it is a part of an evaluation; skips any other.
    mutating func read(_ key: JSONKey, _ reader: inout JSONReader, in path: AuthZEN.Path) throws {
        switch key {
        case "subject": subject = try AuthZEN.Subject.read(&reader, at: path.appending("subject"))
        case "action": action = try Self.readAction(&reader, at: path.appending("action"))
        case "resource": resource = try AuthZEN.Resource.read(&reader, at: path.appending("resource"))
        case "context":
            // Only `ip` is read (the end client's address, for IP allowlists); no rule depends
            // on anything else in the context.
            let context = path.appending("context")
            guard try !reader.null() else { return }
            try reader.object(at: context) { reader, key in
                guard key == "ip" else { return try reader.skip() }
                let at = context.appending("ip")
                guard let text = try reader.optionalString(at: at) else { return }
                guard AddressRange.isAddress(text) else { throw at.mustBe("an IPv4 or IPv6 address") }
                ip = text
            }
        default: try reader.skip()
        }
    }

    fileprivate static func readAction(_ reader: inout JSONReader, at path: AuthZEN.Path) throws -> String? {
        guard try !reader.null() else { return nil }
        var name: String?
        try reader.object(at: path) { reader, key in
            if key == "name" { name = try reader.optionalString(at: path.appending("name")) } else { try reader.skip() }
        }
        guard let name else { throw path.appending("name").isRequired }
        return name
    }
}

extension AuthZEN.Subject {
    /// Without `needsID` (a subject search), any `id` is ignored.
    fileprivate static func read(_ reader: inout JSONReader, at path: AuthZEN.Path, needsID: Bool = true) throws -> Self? {
        guard try !reader.null() else { return nil }
        var type: String?
        var id: String?
        try reader.object(at: path) { reader, key in
            switch key {
            case "type": type = try reader.optionalString(at: path.appending("type"))
            case "id" where needsID: id = try reader.optionalString(at: path.appending("id"))
            default: try reader.skip()
            }
        }
        guard let type else { throw path.appending("type").isRequired }
        guard let id = id ?? (needsID ? nil : "") else { throw path.appending("id").isRequired }
        return Self(type: type, id: id)
    }
}

extension AuthZEN.Resource {
    fileprivate static func read(_ reader: inout JSONReader, at path: AuthZEN.Path) throws -> Self? {
        guard try !reader.null() else { return nil }
        var type: String?
        var id: String?
        var properties: [String: JSONValue] = [:]
        try reader.object(at: path) { reader, key in
            switch key {
            case "type": type = try reader.optionalString(at: path.appending("type"))
            case "id": id = try reader.optionalString(at: path.appending("id"))
            case "properties":
                switch try reader.value() {
                case .null: properties = [:]
                case .object(let members): properties = members
                default: throw path.appending("properties").mustBe("an object")
                }
            default: try reader.skip()
            }
        }
        guard let type else { throw path.appending("type").isRequired }
        return Self(type: type, id: id, properties: properties)
    }
}

extension AuthZEN.Evaluations {
    /// Reads a batch body: the defaults, at most ``AuthZEN/batchLimit`` items, and the options.
    init(_ reader: inout JSONReader) throws {
        var count = 0
        try reader.object(at: .root) { reader, key in
            switch key {
            case "evaluations":
                guard try !reader.null() else { return }
                guard try reader.peek() == .array else { throw AuthZEN.Path.root.appending("evaluations").mustBe("an array") }
                try reader.elements { reader, index in
                    count = index + 1
                    // Past the limit, items are only counted, for the message.
                    guard index < AuthZEN.batchLimit else { return try reader.skip() }
                    evaluations.append(try AuthZEN.Evaluation(&reader, at: AuthZEN.Path(item: index)))
                }
            case "options":
                guard try !reader.null() else { return }
                let path = AuthZEN.Path.root.appending("options")
                try reader.object(at: path) { reader, key in
                    guard key == "evaluations_semantic" else { return try reader.skip() }
                    try readSemantic(&reader, at: path.appending("evaluations_semantic"))
                }
            default:
                try defaults.read(key, &reader, in: .root)
            }
        }
        guard count <= AuthZEN.batchLimit else {
            throw JSONBody.invalid("'evaluations' holds \(count) items; at most \(AuthZEN.batchLimit) are allowed")
        }
    }

    private mutating func readSemantic(_ reader: inout JSONReader, at path: AuthZEN.Path) throws {
        guard let text = try reader.optionalString(at: path) else { return }
        guard let semantic = Semantic(rawValue: text) else {
            let choices = Semantic.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            throw JSONBody.invalid("'\(path)' must be one of \(choices)")
        }
        self.semantic = semantic
    }
}

extension AuthZEN.Search {
    /// Reads a search body: `subject`, `action` (not for an action search), `resource`,
    /// `context` and `page`. Each part the search needs is required; the searched entity's
    /// `id` is ignored.
    init(_ reader: inout JSONReader, kind: Kind) throws {
        self.kind = kind
        let root = AuthZEN.Path.root
        try reader.object(at: root) { reader, key in
            switch key {
            case "subject": query.subject = try AuthZEN.Subject.read(&reader, at: root.appending("subject"), needsID: kind != .subject)
            case "action" where kind == .action: try reader.skip()
            case "resource":
                query.resource = try AuthZEN.Resource.read(&reader, at: root.appending("resource"))
                if kind == .resource { query.resource?.id = nil }
            case "page": try readPage(&reader, at: root.appending("page"))
            default: try query.read(key, &reader, in: root)
            }
        }
        guard let subject = query.subject else { throw root.appending("subject").isRequired }
        guard kind == .action || query.action != nil else { throw root.appending("action").isRequired }
        guard let resource = query.resource else { throw root.appending("resource").isRequired }
        guard kind == .resource || resource.id != nil else { throw root.appending("resource").appending("id").isRequired }
        self.subject = subject.with(ip: query.ip)
        self.resource = resource
    }

    private mutating func readPage(_ reader: inout JSONReader, at path: AuthZEN.Path) throws {
        guard try !reader.null() else { return }
        try reader.object(at: path) { reader, key in
            switch key {
            case "token":
                let text = try reader.optionalString(at: path.appending("token"))
                token = text?.isEmpty == true ? nil : text
            case "limit":
                switch try reader.value() {
                case .null: break
                case .number(let number) where number >= 1 && number <= Double(AuthZEN.pageLimit) && number.rounded() == number:
                    limit = Int(number)
                default: throw JSONBody.invalid("'\(path.appending("limit"))' must be an integer from 1 to \(AuthZEN.pageLimit)")
                }
            default: try reader.skip()
            }
        }
    }
}

extension JSONReader {
    /// Reads an object's members with `body`; 400 naming `path` for any other value.
    fileprivate mutating func object(at path: AuthZEN.Path, _ body: (inout JSONReader, JSONKey) throws -> Void) throws {
        guard try peek() == .object else { throw path.mustBe("an object") }
        try members(body)
    }

    /// A string, or `nil` for `null`; 400 naming `path` for any other value.
    fileprivate mutating func optionalString(at path: AuthZEN.Path) throws -> String? {
        switch try peek() {
        case .string: return try string()
        case .null:
            _ = try null()
            return nil
        default: throw path.mustBe("a string")
        }
    }
}
