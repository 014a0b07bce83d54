import Foundation
import Vault

/// The rows of a key table, as the templates show them.
enum KeyTable {
    static func rows(_ keys: [(record: KeyRecord, owner: String?)], revokeBase: String, now: Date = Date()) -> [[String: Any]] {
        keys.map { key, owner in
            let status = key.status(at: now)
            var row: [String: Any] = [
                "name": key.name, "prefix": key.prefix, "last4": key.last4,
                "capabilities": key.capabilities.names.joined(separator: ", "),
                "created": day(key.createdAt), "lastUsed": key.lastUsedAt.map(day) ?? "never",
                "expires": key.expiresAt.map(day) ?? "never", "status": status,
                "revokePath": "\(revokeBase)/\(key.id.uuidString.lowercased())/revoke",
            ]
            row["active"] = status == "active"
            row["owner"] = owner
            return row
        }
    }

    static func day(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!).year().month().day())
    }

    /// `YYYY-MM-DD HH:MM` (UTC), for the audit log.
    static func minute(_ date: Date) -> String {
        let text = date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
        return String(text.prefix(16)).replacingOccurrences(of: "T", with: " ")
    }
}
