import JSON
import Policy

/// What the gateway check (SPEC §16) requires of a request, by its original method and path:
/// the rules of `LATCHKEY_GATEWAY_ROUTES`, first match wins, else the default verb of the method
/// (`view` for GET/HEAD/OPTIONS, `add` for POST, `edit` for PUT/PATCH, `delete` for DELETE).
///
/// Parsed and checked once at start-up (``init(json:)``); matching allocates nothing.
public struct GatewayRoutes: Sendable, Equatable {
    /// One rule of the file: `{"methods":[…],"path":"/orders/*","permission":"orders:view"|"public"}`.
    public struct Rule: Sendable, Equatable {
        /// The methods it applies to; empty: every method.
        public var methods: [GatewayMethod]
        public var path: GatewayPath
        public var permission: GatewayPermission
    }

    public private(set) var rules: [Rule]

    /// No rules: every request needs the default verb of its method.
    public static let defaults = GatewayRoutes(rules: [])

    public init(rules: [Rule]) {
        self.rules = rules
    }

    /// What `method` on `path` (normalised, see ``GatewayPath/normalise(_:)``) needs, and the
    /// organisation slug its `{organisation}` segment names, if the matching rule has one.
    func requirement(_ method: GatewayMethod, _ path: Substring) -> (permission: GatewayPermission, organisation: Substring?) {
        for rule in rules where rule.methods.isEmpty || rule.methods.contains(method) {
            if let match = rule.path.match(path) { return (rule.permission, match.organisation) }
        }
        return (.verb(method.defaultVerb), nil)
    }
}

/// The methods the check knows (anything else is a 400).
public enum GatewayMethod: String, Sendable, CaseIterable {
    case get = "GET", head = "HEAD", options = "OPTIONS", post = "POST", put = "PUT", patch = "PATCH", delete = "DELETE"

    /// The method named `text` (exactly, as HTTP methods are case-sensitive), or `nil`.
    init?(_ text: String) { self.init(rawValue: text) }

    /// What a request with this method needs when no rule names it (SPEC §16).
    var defaultVerb: Capability {
        switch self {
        case .get, .head, .options: .view
        case .post: .add
        case .put, .patch: .edit
        case .delete: .delete
        }
    }
}

/// What a rule requires.
public enum GatewayPermission: Sendable, Equatable {
    /// No key at all.
    case `public`
    /// A verb on no particular type: a key's capabilities.
    case verb(Capability)
    /// A verb on a permission type (SPEC §15), e.g. `orders:view`.
    case typed(String, Capability)

    /// Parses `public`, `view`, or `type:verb`; `nil` for anything else.
    init?(_ text: String) {
        if text == "public" { self = .public; return }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            guard let verb = Capability(rawValue: text) else { return nil }
            self = .verb(verb)
        case 2:
            guard let verb = Capability(rawValue: String(parts[1])), GatewayPath.isSegment(parts[0]) else { return nil }
            self = .typed(String(parts[0]), verb)
        default:
            return nil
        }
    }
}

/// Why a routes file was refused; the message names the rule and the problem.
public struct GatewayRoutesError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

extension GatewayRoutes {
    /// The most rules a file may hold (they are scanned in order on every check).
    public static let ruleLimit = 1000

    /// Parses a routes file: a JSON array of rules, each an object with `path` (required),
    /// `permission` (required) and `methods` (optional, a non-empty array), nothing else.
    public init(json bytes: [UInt8]) throws(GatewayRoutesError) {
        let document: JSONValue
        do { document = try JSONValue.parse(bytes) } catch {
            throw GatewayRoutesError(description: "not JSON (\(error))")
        }
        guard case .array(let items) = document else { throw GatewayRoutesError(description: "must be a JSON array of rules") }
        guard items.count <= Self.ruleLimit else { throw GatewayRoutesError(description: "at most \(Self.ruleLimit) rules") }
        var rules: [Rule] = []
        for (index, item) in items.enumerated() {
            do { rules.append(try Rule(item)) } catch {
                throw GatewayRoutesError(description: "rule \(index + 1): \(error.description)")
            }
        }
        self.init(rules: rules)
    }
}

extension GatewayRoutes.Rule {
    init(_ item: JSONValue) throws(GatewayRoutesError) {
        guard case .object(let fields) = item else { throw GatewayRoutesError(description: "must be an object") }
        if let unknown = fields.keys.sorted().first(where: { !["methods", "path", "permission"].contains($0) }) {
            throw GatewayRoutesError(description: "unknown field '\(unknown.prefix(40))'")
        }
        guard case .string(let pattern)? = fields["path"] else { throw GatewayRoutesError(description: "'path' must be a string") }
        guard let path = GatewayPath(pattern: pattern) else {
            throw GatewayRoutesError(description: "'path' must start with '/' and hold no empty, '.' or '..' segment, with '*' only as a whole segment and '{organisation}' at most once, not '\(pattern.prefix(80))'")
        }
        guard case .string(let text)? = fields["permission"], let permission = GatewayPermission(text) else {
            throw GatewayRoutesError(description: "'permission' must be 'public', a verb (view, add, edit, delete, superuser) or 'type:verb' such as 'orders:view'")
        }
        var methods: [GatewayMethod] = []
        switch fields["methods"] {
        case nil: break
        case .array(let names)? where !names.isEmpty:
            for name in names {
                guard case .string(let text) = name, let method = GatewayMethod(text) else {
                    throw GatewayRoutesError(description: "'methods' may hold only \(GatewayMethod.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                methods.append(method)
            }
        default:
            throw GatewayRoutesError(description: "'methods' must be a non-empty array of methods")
        }
        self.init(methods: methods, path: path, permission: permission)
    }
}
