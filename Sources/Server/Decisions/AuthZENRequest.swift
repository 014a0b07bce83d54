import PluginKit
import Postgres

/// The AuthZEN Authorization API 1.0 request shapes (subject, action, resource, context), read
/// from a parsed body field by field: a batch of 1,000 items is read without `JSONDecoder`, and
/// every problem is a 400 naming its path (`'evaluations[3].subject.id' must be a string`).
/// Unknown members are ignored, as the AuthZEN specification lets them be.
enum AuthZEN {
    /// Where a value sits in the body, e.g. `evaluations[3].subject`; built only for an error.
    typealias Path = () -> String

    struct Subject: Sendable, Hashable {
        var type: String
        var id: String

        init(_ json: JSONValue, path: Path) throws {
            let members = try json.members(path)
            type = try members.string("type", path)
            id = try members.string("id", path)
        }
    }

    struct Action: Sendable {
        var name: String

        init(_ json: JSONValue, path: Path) throws {
            name = try json.members(path).string("name", path)
        }
    }

    struct Resource: Sendable {
        var type: String
        var id: String?
        /// What a new object would be (`*.create`, `key.issue`), e.g. `{"organisation": 12}`.
        var properties: [String: JSONValue]

        init(_ json: JSONValue, path: Path) throws {
            let members = try json.members(path)
            type = try members.string("type", path)
            id = try members.optionalString("id", path)
            properties = try members.optional("properties", path) { json, path in try json.members(path) } ?? [:]
        }
    }

    /// One evaluation; in a batch every part may be left to the top-level defaults.
    struct Evaluation: Sendable {
        var subject: Subject?
        var action: Action?
        var resource: Resource?

        init() {}

        init(_ json: JSONValue, path: Path) throws {
            try self.init(members: json.members(path), path: path)
        }

        init(members: [String: JSONValue], path: Path) throws {
            subject = try members.optional("subject", path) { json, path in try Subject(json, path: path) }
            action = try members.optional("action", path) { json, path in try Action(json, path: path) }
            resource = try members.optional("resource", path) { json, path in try Resource(json, path: path) }
            _ = try members.optional("context", path) { json, path in try json.members(path) }
        }
    }

    /// `POST /access/v1/evaluations`: defaults, the items, and options.
    struct Evaluations: Sendable {
        var defaults: Evaluation
        var evaluations: [Evaluation]
        var semantic = Semantic.executeAll

        /// How a batch answers: every item, or up to the first deny or permit.
        enum Semantic: String, Sendable, CaseIterable {
            case executeAll = "execute_all"
            case denyOnFirstDeny = "deny_on_first_deny"
            case permitOnFirstPermit = "permit_on_first_permit"
        }

        init(_ json: JSONValue) throws {
            let root: Path = { "" }
            let members = try json.members(root)
            defaults = try Evaluation(members: members, path: root)
            let items = try members.optional("evaluations", root) { json, path -> [JSONValue] in
                guard case .array(let items) = json else { throw JSONBody.invalid("'\(path())' must be an array") }
                return items
            } ?? []
            guard items.count <= AuthZEN.batchLimit else {
                throw JSONBody.invalid("'evaluations' holds \(items.count) items; at most \(AuthZEN.batchLimit) are allowed")
            }
            evaluations = try items.enumerated().map { index, item in try Evaluation(item, path: { "evaluations[\(index)]" }) }
            let options = try members.optional("options", root) { json, path in try json.members(path) }
            if let text = try options?.optionalString("evaluations_semantic", { "options" }) {
                guard let semantic = Semantic(rawValue: text) else {
                    let choices = Semantic.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
                    throw JSONBody.invalid("'options.evaluations_semantic' must be one of \(choices)")
                }
                self.semantic = semantic
            }
        }
    }

    /// The largest batch served.
    static let batchLimit = 1_000
}

extension JSONValue {
    /// The members of an object; 400 naming the path for anything else.
    fileprivate func members(_ path: AuthZEN.Path) throws -> [String: JSONValue] {
        guard case .object(let members) = self else {
            let path = path()
            throw JSONBody.invalid(path.isEmpty ? "the body must be a JSON object" : "'\(path)' must be an object")
        }
        return members
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    fileprivate static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// A required string member.
    fileprivate func string(_ key: String, _ path: AuthZEN.Path) throws -> String {
        guard let value = try optionalString(key, path) else { throw JSONBody.invalid("'\(Self.join(path(), key))' is required") }
        return value
    }

    /// A string member, or `nil` when absent or `null`.
    fileprivate func optionalString(_ key: String, _ path: AuthZEN.Path) throws -> String? {
        switch self[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw JSONBody.invalid("'\(Self.join(path(), key))' must be a string")
        }
    }

    /// A member read by `read`, or `nil` when absent or `null`.
    fileprivate func optional<T>(_ key: String, _ path: AuthZEN.Path, _ read: (JSONValue, AuthZEN.Path) throws -> T) throws -> T? {
        guard let value = self[key], value != .null else { return nil }
        return try withoutActuallyEscaping(path) { path in try read(value, { Self.join(path(), key) }) }
    }
}

/// One fully specified question for the decision service.
struct DecisionQuestion: Sendable {
    var subject: AuthZEN.Subject
    var action: String
    var resource: AuthZEN.Resource

    /// The item at `index` with the batch's defaults filled in; 400 naming what is missing.
    init(_ item: AuthZEN.Evaluation, defaults: AuthZEN.Evaluation?, label: @autoclosure () -> String) throws {
        guard let subject = item.subject ?? defaults?.subject else { throw JSONBody.invalid("'\(label())subject' is required") }
        guard let action = item.action ?? defaults?.action else { throw JSONBody.invalid("'\(label())action' is required") }
        guard let resource = item.resource ?? defaults?.resource else { throw JSONBody.invalid("'\(label())resource' is required") }
        self.subject = subject
        self.action = action.name
        self.resource = resource
    }
}
