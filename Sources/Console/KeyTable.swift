import Foundation
import JSON
import Vault

/// The rows of a key table, as the templates show them (a fine-grained key with its shape,
/// ``KeyShape``).
enum KeyTable {
    /// With `rollable`, active keys not rolled yet get a **Roll** button (the user's own page).
    static func rows(_ keys: [(record: KeyRecord, owner: String?)], revokeBase: String, rollable: Bool = false, now: Date = Date()) -> [PageFields] {
        keys.map { key, owner in
            let status = key.status(at: now)
            var row = KeyShape.fields(key)
            row.merge([
                "name": .text(key.name), "prefix": .text(key.prefix), "last4": .text(key.last4),
                "created": .text(day(key.createdAt)), "lastUsed": .text(key.lastUsedAt.map(day) ?? "never"),
                "expires": .text(key.expiresAt.map(day) ?? "never"), "status": .text(status),
                "revokePath": "\(revokeBase)/\(key.id.uuidString.lowercased())/revoke",
                "active": .flag(status == "active"),
            ]) { _, row in row }
            row["owner"] = PageValue(owner)
            if rollable, status == "active", key.rolledTo == nil {
                row["rollPath"] = .text("\(revokeBase)/\(key.id.uuidString.lowercased())/roll")
            }
            if !key.allowedCIDRs.isEmpty { row["allowed"] = .text(key.allowedCIDRs.map(\.description).joined(separator: ", ")) }
            return row
        }
    }

    /// `YYYY-MM-DD` (UTC). (Foundation's format styles cost more than the rest of a row.)
    static func day(_ date: Date) -> String {
        UTCDateParts(date).date
    }

    /// `YYYY-MM-DD HH:MM` (UTC), for the audit log.
    static func minute(_ date: Date) -> String {
        String(UTCDateParts(date).dateTime(separator: " ").prefix(16))
    }
}
