import Foundation
import PluginKit
import Policy
import Vault

/// Answers "may this subject do this to that?" for the decision API with the same engine, and
/// the same facts, as the resource API.
///
/// A batch is resolved in bulk: each distinct subject once (API keys through the vault's
/// cache), each resource type in one query through its plugin's ``ResourceResolver``.
struct DecisionService: Sendable {
    let vault: Vault
    let engine: PolicyEngine
    let resolvers: [ResourceType: any ResourceResolver]
    let log: DecisionLog
    let metrics: DecisionMetrics?

    init(vault: Vault, engine: PolicyEngine, resolvers: [any ResourceResolver], log: DecisionLog, metrics: Bool = false) {
        self.metrics = metrics ? DecisionMetrics(engine: engine) : nil
        self.vault = vault
        self.engine = engine
        self.resolvers = Dictionary(resolvers.map { ($0.resourceType, $0) }, uniquingKeysWith: { first, _ in first })
        self.log = log
    }

    /// The subject as the engine judges it, or the decision that ends the question early.
    private enum SubjectState {
        case user(UserPrincipal, DecisionLog.Subject)
        case denied(Decision, DecisionLog.Subject)

        var logged: DecisionLog.Subject {
            switch self {
            case .user(_, let subject), .denied(_, let subject): return subject
            }
        }
    }

    /// The questions of one subject about one resource type, answered by one resolver call.
    private struct Group {
        var subject: Int
        var type: ResourceType
        /// Whether the objects are to be created (`*.create`, `key.issue`) rather than looked up.
        var proposes: Bool
        var indices: [Int] = []

        func holds(subject: Int, type: ResourceType, proposes: Bool) -> Bool {
            self.subject == subject && self.type == type && self.proposes == proposes
        }
    }

    /// One decision per question, in order, as `service` (its name, for the log) may see them.
    func decide(_ batch: DecisionBatch, service: String, scope: ServiceScope) async throws -> [Decision] {
        var states: [SubjectState] = []
        for subject in batch.subjects { states.append(try await resolve(subject, scope)) }
        // Per subject, what every item needs: the refusal, or the user (copied once here).
        let denials = states.map { state -> Decision? in if case .denied(let decision, _) = state { decision } else { nil } }
        let users = states.map { state -> UserPrincipal? in if case .user(let user, _) = state { user } else { nil } }
        let questions = batch.questions

        // Questions needing facts are grouped by subject and resource type: one resolver call
        // each. Batch items mostly share both, so the last item's group is tried first.
        var decisions = [Decision?](repeating: nil, count: questions.count)
        var groups: [Group] = []
        var lastGroup = 0
        for index in questions.indices {
            let subject = questions[index].subject
            let action = questions[index].action
            if let denial = denials[subject] {
                decisions[index] = denial
                continue
            }
            guard questions[index].resource.type == action.resource.rawValue else {
                decisions[index] = Decision.deny(.denyResourceMismatch, "The resource type does not fit the action.")
                    .adding(reason: "resource.type is '\(questions[index].resource.type)', the action is about '\(action.resource.rawValue)'.")
                continue
            }
            if action.verb == .list, questions[index].resource.id == nil, let user = users[subject] {
                decisions[index] = engine.decide(.user(user), action, .collection)
                continue
            }
            // As the resource API: credentials and capability (judged without the object) first.
            if let user = users[subject], let denial = engine.capabilityDenial(.user(user), for: action) {
                decisions[index] = denial
                continue
            }
            let proposes = action.verb == .create || action.verb == .issue
            guard proposes || questions[index].resource.id != nil else {
                decisions[index] = Decision.deny(.denyResourceMismatch, "This action needs resource.id.")
                continue
            }
            if lastGroup == groups.count || !groups[lastGroup].holds(subject: subject, type: action.resource, proposes: proposes) {
                lastGroup = groups.firstIndex { $0.holds(subject: subject, type: action.resource, proposes: proposes) } ?? groups.count
                if lastGroup == groups.count { groups.append(Group(subject: subject, type: action.resource, proposes: proposes)) }
            }
            groups[lastGroup].indices.append(index)
        }

        for group in groups {
            guard let user = users[group.subject] else { continue }
            let principal = Principal.user(user)
            guard let resolver = resolvers[group.type] else {
                for index in group.indices {
                    decisions[index] = Decision.deny(.denyResourceMismatch, "No resource of this type is known.")
                }
                continue
            }
            let resolved = group.proposes
                ? try await resolver.propose(group.indices.map { questions[$0].resource.properties }, for: user)
                : try await resolver.resolve(ids: group.indices.map { questions[$0].resource.id ?? "" }, for: user)
            for (offset, index) in group.indices.enumerated() {
                let action = questions[index].action
                guard offset < resolved.count, let found = resolved[offset] else {
                    decisions[index] = group.proposes
                        ? Decision.deny(.denyResourceMismatch, "resource.properties do not describe a new resource of this type.")
                        : Decision.deny(.denyNotFound, "The resource does not exist.")
                            .adding(reason: "No \(group.type.rawValue) has id '\(questions[index].resource.id ?? "")'.")
                    continue
                }
                decisions[index] = judge(principal, action, found, within: scope)
            }
        }

        let answers = decisions.map { $0! }
        metrics?.record(questions.lazy.map(\.action), answers)
        if log.isEnabled {
            for (question, answer) in zip(questions, answers) {
                log.record(DecisionLog.Entry(
                    service: service, subject: states[question.subject].logged, action: question.action.description,
                    resourceType: question.resource.type, resourceID: question.resource.id, decision: answer))
            }
        }
        return answers
    }

    /// The resolver of a resource type named in a search; 400 naming it when none is known.
    func resolver(_ type: String) throws -> any ResourceResolver {
        guard let resolver = resolvers[ResourceType(rawValue: type)] else {
            throw JSONBody.invalid("'resource.type' names no resource type: '\(type.prefix(64))'")
        }
        return resolver
    }

    /// The decision about one object's facts, as the resource API decides, bounded by the
    /// calling service's `scope`; a list action asks whether the object is among the list's rows.
    func judge(_ principal: Principal, _ action: Action, _ found: Resource, within scope: ServiceScope) -> Decision {
        scope.bound(action.verb == .list ? engine.decide(principal, listing: action, row: found) : engine.decide(principal, action, found),
                    about: found)
    }

    /// The user a subject acts as, or `nil` when every question about it is denied.
    func user(_ subject: AuthZEN.Subject, _ scope: ServiceScope) async throws -> UserPrincipal? {
        if case .user(let user, _) = try await resolve(subject, scope) { return user }
        return nil
    }

    /// The subject as `scope` sees it: a key or user outside it is as one that does not exist.
    private func resolve(_ subject: AuthZEN.Subject, _ scope: ServiceScope) async throws -> SubjectState {
        switch subject.type {
        case "api_key":
            // Judged from the end client's address when the service passes one (context.ip).
            let presented = scope.sees(try await vault.verify(subject.id))
            let verification = subject.ip.map { presented.from($0) } ?? presented
            let logged = DecisionLog.Subject.apiKey(id: verification.found?.key.id, prefix: verification.found?.key.prefix)
            switch verification.status {
            case .valid, .tierNoAPIAccess:
                // A free-tier key reaches the engine, which denies it with DENY_TIER.
                guard let found = verification.found else { return .denied(.deny(.denyInvalidKey, "The API key is not valid."), logged) }
                return .user(found.principal, logged)
            case .expired:
                return .denied(.deny(.denyExpiredKey, "The API key has expired."), logged)
            case .ipNotAllowed:
                return .denied(.deny(.ipNotAllowed, "The API key is not allowed from this address (context.ip)."), logged)
            case .policyBlocked:
                let blocked = Decision.deny(.policyBlocked, "The API key is blocked by its organisation's key policy.")
                return .denied(verification.found?.policyBlock.map { blocked.adding(reason: $0) } ?? blocked, logged)
            case .malformed, .notFound, .revoked, .userInactive:
                let invalid = Decision.deny(.denyInvalidKey, "The API key is not valid.").adding(reason: "Key status: \(verification.status.rawValue).")
                return .denied(verification.status == .notFound ? scope.unknown(invalid) : invalid, logged)
            }
        case "user":
            guard let id = ObjectID.int64(subject.id) else {
                return .denied(.deny(.denyUnknownSubject, "No such user."), .user(id: nil))
            }
            guard let (principal, isActive) = try await vault.principal(userID: id), isActive, scope.admits(principal) else {
                return .denied(scope.unknown(.deny(.denyUnknownSubject, "No such active user.")), .user(id: id))
            }
            var user = scope.confining(principal)
            user.capabilities = Self.userCapabilities(isStaff: user.isStaff)
            return .user(user, .user(id: id))
        default:
            return .denied(.deny(.denySubjectType, "The subject type must be 'api_key' or 'user'."), .other(type: String(subject.type.prefix(32))))
        }
    }

    /// A `user` subject acts as in the web UI: every capability but `superuser`, which only
    /// platform staff hold.
    static func userCapabilities(isStaff: Bool) -> Capabilities {
        isStaff ? .all : Capabilities.all.subtracting(.superuser)
    }
}

