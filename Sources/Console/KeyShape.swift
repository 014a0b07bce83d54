import Policy
import Vault

/// A key's shape in a few words (SPEC §15), for the key tables and the new-key card: its
/// permissions per type (`surveys: view, edit · datasets: view`), the objects it is limited to
/// (`limited to surveys 12, 40`), its own rate limit and whether it carries metadata.
enum KeyShape {
    /// The shape's page values; every name is set (empty when it does not apply), so a row never
    /// falls back to a page value of the same name.
    static func fields(_ key: KeyRecord) -> PageFields {
        [
            "permissions": .text(key.permissions.map(permissions) ?? ""),
            "limited": .text(key.permissions.flatMap(limited) ?? ""),
            "rateLimit": .text(key.rateLimit?.description ?? ""),
            "hasMeta": .flag(key.meta != nil),
            "capabilities": .text(key.capabilities.names.joined(separator: ", ")),
        ]
    }

    /// `surveys: view, edit · datasets: view`.
    static func permissions(_ permissions: KeyPermissions) -> String {
        permissions.grants.map { "\($0.type): \($0.capabilities.names.joined(separator: ", "))" }.joined(separator: " · ")
    }

    /// `limited to surveys 12, 40; datasets 3`, or `nil` when no type selects objects.
    static func limited(_ permissions: KeyPermissions) -> String? {
        let selections = permissions.grants.compactMap { grant in
            grant.selection.map { "\(grant.type) " + $0.ids.map(String.init).joined(separator: ", ") }
        }
        return selections.isEmpty ? nil : "limited to " + selections.joined(separator: "; ")
    }
}
