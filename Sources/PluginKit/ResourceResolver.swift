import JSON
import Policy
import Postgres

/// Turns resource ids of one type into policy facts, for the decision API (SPEC §6).
///
/// The resource API loads facts inside its handlers; the decision API asks a plugin's resolver
/// instead, so both judge the same facts with the same engine. A batch of evaluations resolves
/// the ids of each type and subject in one call, and one query at most.
public protocol ResourceResolver: Sendable {
    /// The resource type this resolver answers for, e.g. `survey`.
    var resourceType: ResourceType { get }

    /// The facts of each id, in order, as `user` asks about them (with the roles `user` holds in
    /// each object itself, when the plugin has such roles); `nil` where no such object exists
    /// (or the id cannot name one). One round trip to the database at most.
    func resolve(ids: [String], for user: UserPrincipal) async throws -> [Resource?]

    /// ``resolve(ids:for:)`` for the objects an issuer selects for a fine-grained key (SPEC §15),
    /// which a type may also let the issuer name otherwise (surveys: by slug). Never used by the
    /// decision API, whose ids stay ids.
    func resolve(selected references: [String], for user: UserPrincipal) async throws -> [Resource?]

    /// The facts of each object that `user` proposes to create, described by AuthZEN
    /// `resource.properties`, in order; `nil` where the properties do not describe one this
    /// resolver can judge (unknown members are ignored).
    func propose(_ properties: [[String: JSONValue]], for user: UserPrincipal) async throws -> [Resource?]

    /// Resource search (SPEC §6): the ids of the objects `scope` admits, in this type's id
    /// order, after `after` (exclusive), at most `limit`: one query. `nil` when objects of this
    /// type cannot be searched.
    func search(_ scope: VisibilityPredicate, after: String?, limit: Int) async throws -> [String]?

    /// Subject search (SPEC §6): SQL selecting one `bigint` column, the ids of every user who
    /// could hold a grant on object `id` (its owner, members, the members of its organisation
    /// and team, everyone for a global object…) — a superset of those the rules allow; no rows
    /// when no object has this id. `nil` when this type has no subject search.
    func subjectCandidates(of id: String) -> PGQuery?

    /// The facts of object `id` as each of `users` asks about it, in one value (with the roles
    /// each holds in the object itself); `nil` when no object has this id. One query at most.
    func facts(of id: String, askedBy users: [UserPrincipal]) async throws -> Resource?
}

extension ResourceResolver {
    /// Objects are selected by their ids.
    public func resolve(selected references: [String], for user: UserPrincipal) async throws -> [Resource?] {
        try await resolve(ids: references, for: user)
    }

    /// Resources that are never created through the decision API's questions.
    public func propose(_ properties: [[String: JSONValue]], for user: UserPrincipal) async throws -> [Resource?] {
        [Resource?](repeating: nil, count: properties.count)
    }

    /// Not searchable.
    public func search(_ scope: VisibilityPredicate, after: String?, limit: Int) async throws -> [String]? { nil }

    /// No subject search.
    public func subjectCandidates(of id: String) -> PGQuery? { nil }

    /// For resolvers whose facts do not depend on who asks: the object as the first user sees it.
    public func facts(of id: String, askedBy users: [UserPrincipal]) async throws -> Resource? {
        guard let first = users.first else { return nil }
        return try await resolve(ids: [id], for: first).first ?? nil
    }

    /// One page of a resource search over a table with integer ids: `id` (e.g. `s.id`) of the
    /// rows of `table` (e.g. `surveys s`) where `condition` holds, ascending after `after`.
    public func integerIDs(
        _ pool: PGPool, id: PGQuery, from table: PGQuery, where condition: PGQuery, after: String?, limit: Int
    ) async throws -> [String] {
        let start = after.flatMap { ObjectID.int64($0) } ?? 0
        let rows = try await pool.query("SELECT \(id) FROM \(table) WHERE \(condition) AND \(id) > \(start) ORDER BY \(id) LIMIT \(limit)")
        return try rows.map { String(try $0.decode(Int64.self, at: 0)) }
    }

    /// Resolves ids whose facts do not depend on the user: the distinct ids that `parse`
    /// accepts are loaded at once by `load`.
    public func resolve<ID: Hashable>(
        _ ids: [String],
        parse: (String) -> ID?,
        load: ([ID]) async throws -> [ID: Resource]
    ) async throws -> [Resource?] {
        let parsed = ids.map(parse)
        let distinct = [ID](Set<ID>(parsed.compactMap { $0 }))
        let found = distinct.isEmpty ? [:] : try await load(distinct)
        return parsed.map { id in id.flatMap { found[$0] } }
    }
}

extension PGQuery {
    /// A subject-search candidate query with no rows.
    public static let nobody: PGQuery = "SELECT NULL::bigint WHERE FALSE"
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
