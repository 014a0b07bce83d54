import Foundation
import Policy
import Postgres
import Vault

/// Who is making a write, as the audit trail records it: the key's user, the key (by prefix),
/// whether through a session, and the client IP.
public struct WriteActor: Sendable {
    public let user: UserPrincipal
    let keyPrefix: String
    let via: String
    let ip: String?

    /// The authenticated caller of `context`; 401 for an anonymous one.
    public init(_ context: some PluginRequestContext) throws {
        guard let key = context.caller.verifiedKey else { throw APIError.notAuthenticated }
        user = key.principal
        keyPrefix = key.key.prefix
        if case .session = context.caller { via = "session" } else { via = "key" }
        ip = context.clientIP
    }

    /// Records `action` (e.g. `survey.updated`) on `target` inside the write's transaction.
    public func audit(
        _ action: String, organisation: Int64?, target: String, detail: [String: String] = [:], on connection: PGConnection
    ) async throws {
        var detail = detail
        detail["key_prefix"] = keyPrefix
        detail["via"] = via
        try await AuditLog.record(action, actor: user.userID, organisation: organisation, target: target, detail: detail, ip: ip, on: connection)
    }
}

extension PolicyEngine {
    /// Checks the caller's credentials for `action` — authenticated, paid tier, the key's
    /// capability — before the object is looked up or the body read (SPEC §4: the capability is
    /// checked first). Throws 401/403; the role is judged later, on the object's facts.
    public func requireCapability(_ principal: Principal, for action: Action) throws {
        let decision = decide(principal, action, .collection)
        // Every rule gates credentials before it looks at the resource, so only a gate denial
        // comes back as something other than a resource mismatch.
        if !decision.isAllowed, decision.code != .denyResourceMismatch { throw APIError.denied(decision) }
    }
}

extension PGError {
    /// 400 naming `field` when this is a unique violation (a duplicate slug or key), else itself.
    public func duplicate(_ field: String, _ what: String) -> any Error {
        isUniqueViolation ? JSONBody.invalid("'\(field)': \(what) already exists") : self
    }
}
