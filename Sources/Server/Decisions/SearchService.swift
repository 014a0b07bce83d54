import PluginKit
import Policy
import Postgres
import Vault

/// The AuthZEN search APIs (SPEC §6): which resources, which users, which actions.
///
/// Each search walks candidates in order — the rows of a SQL predicate, users related to the
/// object, the actions of its type — and keeps those the ``DecisionService`` allows, deciding
/// each with the same engine and facts as an evaluation. A result is therefore exactly what
/// `evaluation` would allow: the candidates only make the walk short.
struct SearchService: Sendable {
    let decisions: DecisionService
    let vault: Vault

    /// One page: the results in order, and the position after which the next page starts
    /// (`nil` when none remain).
    struct Page<Result> {
        var results: [Result]
        var next: String?
    }

    /// Resource search: the ids of the objects of the action's type that the subject may act on,
    /// within the calling service's `scope`.
    func resources(_ search: AuthZEN.Search, action: Action, after: String?, scope: ServiceScope) async throws -> Page<String> {
        let resolver = try validated(action, on: search.resource.type)
        let user = try await decisions.user(search.subject, scope)
        let principal = user.map(Principal.user) ?? .anonymous
        guard let candidates = decisions.engine.searchScope(principal, for: action) else {
            throw JSONBody.invalid("'action.name' '\(action)' cannot be searched: resources of type '\(resolver.resourceType.rawValue)' are not searchable")
        }
        guard let user, decisions.engine.capabilityDenial(principal, for: action) == nil else { return Page(results: []) }
        return try await Self.walk(limit: search.limit, after: after, position: { $0 }) { after, count in
            try await resolver.search(scope.restricted(candidates), after: after, limit: count) ?? []
        } keep: { ids in
            try await resolver.resolve(ids: ids, for: user).map { found in
                found.map { decisions.judge(principal, action, $0, within: scope).isAllowed } ?? false
            }
        }
    }

    /// Subject search: the active users who may perform the action on the object, among those
    /// the calling service's `scope` admits.
    func subjects(_ search: AuthZEN.Search, action: Action, after: String?, scope: ServiceScope) async throws -> Page<Int64> {
        guard search.subject.type == "user" else { throw JSONBody.invalid("'subject.type' must be 'user': a subject search finds users") }
        let resource = search.resource
        let resolver = try validated(action, on: resource.type)
        guard let candidates = resolver.subjectCandidates(of: resource.id ?? "") else {
            throw JSONBody.invalid("'resource.type' '\(resolver.resourceType.rawValue)' has no subject search")
        }
        return try await Self.walk(limit: search.limit, after: after, position: { String($0.userID) }) { after, count in
            try await vault.activePrincipals(among: candidates, after: after.flatMap { Int64($0) } ?? 0, limit: count)
        } keep: { users in
            guard let found = try await resolver.facts(of: resource.id ?? "", askedBy: users) else { return users.map { _ in false } }
            return users.map { user in
                guard scope.admits(user) else { return false }
                var user = scope.confining(user)
                user.capabilities = DecisionService.userCapabilities(isStaff: user.isStaff)
                return decisions.judge(.user(user), action, found, within: scope).isAllowed
            }
        }.map(\.userID)
    }

    /// Action search: the actions of the resource's type that evaluations allow on it.
    func actions(_ search: AuthZEN.Search, after: String?, scope: ServiceScope) async throws -> Page<Action> {
        let resource = search.resource
        let resolver = try decisions.resolver(resource.type)
        let catalogue = decisions.engine.actions.filter { $0.resource == resolver.resourceType }
        let allowed = try await decisions.decide(DecisionBatch(subject: search.subject,
                                                               actions: catalogue, resource: resource), service: "", scope: scope)
        let results = zip(catalogue, allowed).filter { $0.1.isAllowed }.map(\.0)
        let start = after.flatMap { Int($0) } ?? 0
        let page = Array(results.dropFirst(start).prefix(search.limit))
        return Page(results: page, next: start + page.count < results.count ? String(start + page.count) : nil)
    }

    /// Walks candidates in order, `fetch`ing a chunk at a time and keeping those `keep` admits,
    /// until `limit` are kept (the next page starts after the last one kept) or none remain.
    private static func walk<Candidate>(
        limit: Int, after start: String?,
        position: (Candidate) -> String,
        fetch: (_ after: String?, _ count: Int) async throws -> [Candidate],
        keep: ([Candidate]) async throws -> [Bool]
    ) async throws -> Page<Candidate> {
        // Candidates are mostly kept; a chunk of at least 100 bounds the rounds when they are not.
        let chunkSize = max(limit, 100)
        var results: [Candidate] = []
        var after = start
        while true {
            let chunk = try await fetch(after, chunkSize)
            for (offset, (candidate, isKept)) in zip(chunk, try await keep(chunk)).enumerated() {
                after = position(candidate)
                guard isKept else { continue }
                results.append(candidate)
                if results.count == limit {
                    let isLast = offset == chunk.count - 1 && chunk.count < chunkSize
                    return Page(results: results, next: isLast ? nil : after)
                }
            }
            if chunk.count < chunkSize { return Page(results: results) }
        }
    }

    /// The resolver of `type` for a search of `action`; 400 naming what does not fit: an unknown
    /// type or action, an action about another type, or one that creates objects.
    private func validated(_ action: Action, on type: String) throws -> any ResourceResolver {
        let resolver = try decisions.resolver(type)
        guard decisions.engine.rules(for: action) != nil else { throw JSONBody.invalid("'action.name' names no action: '\(action)'") }
        guard action.resource == resolver.resourceType else {
            throw JSONBody.invalid("'resource.type' is '\(type)', the action is about '\(action.resource.rawValue)'")
        }
        guard action.verb != .create, action.verb != .issue else {
            throw JSONBody.invalid("'action.name' '\(action)' creates objects; a search takes an action on existing ones")
        }
        return resolver
    }
}

extension SearchService.Page {
    func map<T>(_ transform: (Result) -> T) -> SearchService.Page<T> {
        SearchService.Page<T>(results: results.map(transform), next: next)
    }
}

extension AuthZEN.Subject {
    /// The subject as presented from `ip` (the search's `context.ip`).
    func with(ip: String?) -> Self {
        var subject = self
        subject.ip = ip
        return subject
    }
}
