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
