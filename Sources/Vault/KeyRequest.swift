import Foundation
import Policy
import Postgres

/// A member's request for a key in an organisation that requires approval (SPEC §14 "Key
/// requests"): the asked-for shape and reason, and where it stands. Never a raw key: the key is
/// issued only when the requester collects it (``Vault/collectKeyRequest(_:userID:via:ip:)``).
public struct KeyRequest: Sendable, Hashable {
    /// Where a request stands. `expired` is a pending or approved request past its
    /// ``KeyRequest/expiresAt``: it can no longer be acted on.
    public enum Status: String, Sendable, CaseIterable {
        case pending, approved, denied, collected, expired
    }

    public var id: UUID
    public var organisationID: Int64
    public var organisationSlug: String
    public var userID: Int64
    public var username: String
    /// The asked-for key: its name, expiry, capabilities and allowed addresses.
    public var name: String
    public var keyExpiresAt: Date?
    public var capabilities: Capabilities
    public var allowedCIDRs: [AddressRange]
    public var reason: String
    /// The stored status; ``status(at:)`` reads it with the request's expiry.
    public var storedStatus: Status
    /// The admin who approved or denied it: their username and id.
    public var decidedBy: String?
    public var decidedByID: Int64?
    public var note: String?
    public var createdAt: Date
    public var decidedAt: Date?
    public var collectedAt: Date?
    /// When the request can no longer be acted on: 7 days after it was made.
    public var expiresAt: Date
    /// The key issued at collection.
    public var keyID: UUID?

    /// How long a request can be acted on (SPEC §14).
    public static let lifetime: TimeInterval = 7 * 86_400
    /// The longest reason or note, in characters.
    public static let textLimit = 1000
    /// How many open (pending or approved) requests a member may have in one organisation.
    public static let openLimit = 10

    /// The status at `now`: `expired` for a pending or approved request past its expiry.
    public func status(at now: Date = Date()) -> Status {
        if storedStatus == .pending || storedStatus == .approved, expiresAt <= now { return .expired }
        return storedStatus
    }
}

extension KeyRequest {
    /// The columns `init(row:)` reads, by name, from `key_requests r` joined with its
    /// organisation `o`, requester `u` and decider `d` (left join).
    static let columns: PGQuery = """
        r.id, r.organisation_id, o.slug AS organisation_slug, r.user_id, u.username, r.name, r.key_expires_at, r.capabilities, \
        r.allowed_cidrs, r.reason, r.status, d.username AS decided_by, r.decided_by AS decided_by_id, r.note, r.created_at, r.decided_at, r.collected_at, r.expires_at, r.key_id
        """

    /// `FROM` and the joins ``columns`` needs.
    static let joined: PGQuery = """
        key_requests r JOIN organisations o ON o.id = r.organisation_id JOIN users u ON u.id = r.user_id \
        LEFT JOIN users d ON d.id = r.decided_by
        """

    init(row: PGRow) throws {
        let names = try row.decode([String].self, named: "capabilities")
        guard let capabilities = Capabilities(names: names) else { throw PGError(.decoding, message: "unknown capability in \(names)") }
        let status = try row.decode(String.self, named: "status")
        guard let stored = Status(rawValue: status) else { throw PGError(.decoding, message: "unknown key request status \(status)") }
        self.init(
            id: try row.decode(UUID.self, named: "id"),
            organisationID: try row.decode(Int64.self, named: "organisation_id"),
            organisationSlug: try row.decode(String.self, named: "organisation_slug"),
            userID: try row.decode(Int64.self, named: "user_id"),
            username: try row.decode(String.self, named: "username"),
            name: try row.decode(String.self, named: "name"),
            keyExpiresAt: try row.decode(Date?.self, named: "key_expires_at"),
            capabilities: capabilities,
            allowedCIDRs: try row.decode([String].self, named: "allowed_cidrs").map { text in
                guard let range = AddressRange(text) else { throw PGError(.decoding, message: "not a CIDR range: \(text)") }
                return range
            },
            reason: try row.decode(String.self, named: "reason"),
            storedStatus: stored,
            decidedBy: try row.decode(String?.self, named: "decided_by"),
            decidedByID: try row.decode(Int64?.self, named: "decided_by_id"),
            note: try row.decode(String?.self, named: "note"),
            createdAt: try row.decode(Date.self, named: "created_at"),
            decidedAt: try row.decode(Date?.self, named: "decided_at"),
            collectedAt: try row.decode(Date?.self, named: "collected_at"),
            expiresAt: try row.decode(Date.self, named: "expires_at"),
            keyID: try row.decode(UUID?.self, named: "key_id"))
    }

    /// What the audit events of a request's steps carry (and the webhooks send): its shape,
    /// never a secret.
    var auditDetail: [String: String] {
        var detail = ["request": id.uuidString.lowercased(), "user": username, "name": name, "capabilities": capabilities.description,
                      "reason": reason]
        if let keyExpiresAt { detail["key_expires_at"] = keyExpiresAt.formatted(.iso8601) }
        if !allowedCIDRs.isEmpty { detail["allowed_cidrs"] = allowedCIDRs.map(\.description).joined(separator: " ") }
        return detail
    }

    /// The audit target of the request's events.
    var auditTarget: String { "key_request:" + id.uuidString.lowercased() }
}
