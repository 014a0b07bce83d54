import Hummingbird
import PluginKit
import Vault

/// What manages an organisation through the API (its webhooks, its key requests): a key confined
/// to the organisation of the path, whose user is an admin or owner of it, which holds
/// `superuser` and is not fine-grained. Another organisation's slug (or one that does not exist)
/// is not found: no oracle.
struct AdministeringKey {
    /// What is managed, as the refusals name it: `webhooks`, `key requests`.
    var subject: String
    /// What the admin does, as the refusals name it: `manage its webhooks`.
    var action: String
    /// The same as a gerund phrase: `Managing webhooks`.
    var doing: String

    /// The caller's key and the organisation of the path, or the refusal.
    func check(_ context: LatchkeyRequestContext) throws -> (VerifiedKey, Int64) {
        guard let key = context.caller.verifiedKey else { throw APIError.notAuthenticated }
        guard key.principal.permissions == nil else {
            throw APIError(.forbidden, detail: "A fine-grained key reaches only the resource types its permissions name; \(subject) are not one.",
                           code: "DENY_CAPABILITY")
        }
        guard let organisation = key.principal.auditableOrganisationIDs.first, let confined = key.organisation, confined.id == organisation else {
            throw APIError(.forbidden, detail: "Only an admin or owner of the organisation may \(action), with a key issued in it.",
                           code: "DENY_ROLE")
        }
        guard key.principal.capabilities.contains(.superuser) else {
            throw APIError(.forbidden, detail: "\(doing) needs a key with the superuser capability.", code: "DENY_CAPABILITY")
        }
        guard context.parameters.get("slug") == confined.slug else {
            throw APIError(.notFound, detail: "No organisation with that slug is reachable with this key.")
        }
        return (key, organisation)
    }
}
