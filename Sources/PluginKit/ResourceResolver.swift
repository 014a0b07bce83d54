import Policy
import Postgres

/// One object the decision API asks about: its id as the caller wrote it, and the user the
/// decision is for.
public struct ResourceLookup: Sendable {
    public var id: String
    public var user: UserPrincipal

    public init(id: String, user: UserPrincipal) {
        self.id = id
        self.user = user
    }
}

/// An object that does not exist yet (`*.create`, `key.issue`), described by the AuthZEN
/// `resource.properties`, and the user the decision is for.
public struct ResourceProposal: Sendable {
    public var properties: [String: JSONValue]
    public var user: UserPrincipal

    public init(properties: [String: JSONValue], user: UserPrincipal) {
        self.properties = properties
        self.user = user
    }
}

/// What the policy engine judges for one lookup: the object's facts, and the user as the rules
/// should see them for it (e.g. with their role in that survey).
public struct ResolvedResource: Sendable {
    public var resource: Resource
    public var user: UserPrincipal

    public init(resource: Resource, user: UserPrincipal) {
        self.resource = resource
        self.user = user
    }
}

/// Turns resource ids of one type into policy facts, for the decision API (SPEC §6).
///
/// The resource API loads facts inside its handlers; the decision API asks a plugin's resolver
/// instead, so both judge the same facts with the same engine. A batch of evaluations resolves
/// each type in one query.
public protocol ResourceResolver: Sendable {
    /// The resource type this resolver answers for, e.g. `survey`.
    var resourceType: ResourceType { get }

    /// The facts for each lookup, in order; `nil` where no such object exists (or the id cannot
    /// name one). One round trip to the database at most.
    func resolve(_ lookups: [ResourceLookup]) async throws -> [ResolvedResource?]

    /// The facts of each proposed new object, in order; `nil` where the properties do not
    /// describe one this resolver can judge (unknown members are ignored).
    func propose(_ proposals: [ResourceProposal]) async throws -> [ResolvedResource?]
}

extension ResourceResolver {
    /// Resources that are never created through the decision API's questions.
    public func propose(_ proposals: [ResourceProposal]) async throws -> [ResolvedResource?] {
        [ResolvedResource?](repeating: nil, count: proposals.count)
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// An id property: a positive integer (or its decimal string); `.some(nil)` when absent or
    /// `null`; `nil` when malformed.
    public func idProperty(_ name: String) -> Int64?? {
        switch self[name] {
        case nil, .null?: return .some(nil)
        case .number(let number)?: return ObjectID.int64(number).map { .some($0) } ?? nil
        case .string(let text)?: return ObjectID.int64(text).map { .some($0) } ?? nil
        default: return nil
        }
    }
}
