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

    init(vault: Vault, engine: PolicyEngine, resolvers: [any ResourceResolver], log: DecisionLog) {
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

    /// One decision per question, in order. `actions` are the parsed `questions[i].action`.
    func decide(_ questions: [DecisionQuestion], actions: [Action], service: String) async throws -> [Decision] {
        var subjects: [AuthZEN.Subject: SubjectState] = [:]
        for subject in Set(questions.map(\.subject)) {
            subjects[subject] = try await resolve(subject)
        }

        // Group the questions needing an object by resource type: one resolver call per type.
        var decisions = [Decision?](repeating: nil, count: questions.count)
        var lookups: [ResourceType: [(index: Int, lookup: ResourceLookup)]] = [:]
        var proposals: [ResourceType: [(index: Int, proposal: ResourceProposal)]] = [:]
        // Batch items mostly share their subject (the top-level default): reuse the last one
        // rather than hashing a 57-character key per item.
        var last: (subject: AuthZEN.Subject, state: SubjectState)?
        for (index, question) in questions.enumerated() {
            let action = actions[index]
            let state: SubjectState
            if let last, last.subject == question.subject {
                state = last.state
            } else {
                state = subjects[question.subject]!
                last = (question.subject, state)
            }
            guard case .user(let user, _) = state else {
                if case .denied(let decision, _) = state { decisions[index] = decision }
                continue
            }
            guard question.resource.type == action.resource.rawValue else {
                decisions[index] = Decision.deny(.denyResourceMismatch, "The resource type does not fit the action.")
                    .adding(reason: "resource.type is '\(question.resource.type)', the action is about '\(action.resource.rawValue)'.")
                continue
            }
            if action.verb == .list {
                decisions[index] = engine.decide(.user(user), action, .collection)
                continue
            }
            if action.verb == .create || action.verb == .issue {
                proposals[action.resource, default: []].append((index, ResourceProposal(properties: question.resource.properties, user: user)))
                continue
            }
            guard let id = question.resource.id else {
                decisions[index] = Decision.deny(.denyResourceMismatch, "This action needs resource.id.")
                continue
            }
            lookups[action.resource, default: []].append((index, ResourceLookup(id: id, user: user)))
        }
        for (type, batch) in lookups {
            guard let resolver = resolvers[type] else {
                for (index, _) in batch {
                    decisions[index] = Decision.deny(.denyResourceMismatch, "No resource of this type is known.")
                }
                continue
            }
            let resolved = try await resolver.resolve(batch.map(\.lookup))
            for ((index, lookup), found) in zip(batch, resolved) {
                guard let found else {
                    // As the resource API: credentials and capability first, then existence.
                    decisions[index] = engine.capabilityDenial(.user(lookup.user), for: actions[index])
                        ?? Decision.deny(.denyNotFound, "The resource does not exist.").adding(reason: "No \(type.rawValue) has id '\(lookup.id)'.")
                    continue
                }
                decisions[index] = engine.decide(.user(found.user), actions[index], found.resource)
            }
        }

        for (type, batch) in proposals {
            let resolved = try await resolvers[type]?.propose(batch.map(\.proposal)) ?? []
            for (offset, (index, proposal)) in batch.enumerated() {
                guard offset < resolved.count, let found = resolved[offset] else {
                    decisions[index] = engine.capabilityDenial(.user(proposal.user), for: actions[index])
                        ?? Decision.deny(.denyResourceMismatch, "resource.properties do not describe a new resource of this type.")
                    continue
                }
                decisions[index] = engine.decide(.user(found.user), actions[index], found.resource)
            }
        }

        let answers = decisions.map { $0! }
        if log.isEnabled {
            for (index, question) in questions.enumerated() {
                log.record(DecisionLog.Entry(
                    service: service, subject: subjects[question.subject]!.logged, action: actions[index].description,
                    resourceType: question.resource.type, resourceID: question.resource.id, decision: answers[index]))
            }
        }
        return answers
    }

    private func resolve(_ subject: AuthZEN.Subject) async throws -> SubjectState {
        switch subject.type {
        case "api_key":
            let verification = try await vault.verify(subject.id)
            let logged = DecisionLog.Subject.apiKey(id: verification.found?.key.id, prefix: verification.found?.key.prefix)
            switch verification.status {
            case .valid, .tierNoAPIAccess:
                // A free-tier key reaches the engine, which denies it with DENY_TIER.
                guard let found = verification.found else { return .denied(.deny(.denyInvalidKey, "The API key is not valid."), logged) }
                return .user(found.principal, logged)
            case .expired:
                return .denied(.deny(.denyExpiredKey, "The API key has expired."), logged)
            case .malformed, .notFound, .revoked, .userInactive:
                return .denied(Decision.deny(.denyInvalidKey, "The API key is not valid.").adding(reason: "Key status: \(verification.status.rawValue)."), logged)
            }
        case "user":
            guard let id = ObjectID.int64(subject.id) else {
                return .denied(.deny(.denyUnknownSubject, "No such user."), .user(id: nil))
            }
            guard let (principal, isActive) = try await vault.principal(userID: id), isActive else {
                return .denied(.deny(.denyUnknownSubject, "No such active user."), .user(id: id))
            }
            var user = principal
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
