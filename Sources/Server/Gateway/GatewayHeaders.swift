import Hummingbird
import Vault

/// The headers of the gateway check (SPEC §16): what the proxy sends about the original
/// request, and the identity a 200 hands on to the upstream.
enum GatewayHeaders {
    static let originalMethod = HTTPFields.Element.Name("X-Original-Method")!
    static let originalURI = HTTPFields.Element.Name("X-Original-URI")!
    static let forwardedMethod = HTTPFields.Element.Name("X-Forwarded-Method")!
    static let forwardedURI = HTTPFields.Element.Name("X-Forwarded-Uri")!
    static let apiKey = HTTPFields.Element.Name("X-API-Key")!

    static let keyID = HTTPFields.Element.Name("X-Latchkey-Key-Id")!
    static let user = HTTPFields.Element.Name("X-Latchkey-User")!
    static let organisation = HTTPFields.Element.Name("X-Latchkey-Organisation")!
    static let permissions = HTTPFields.Element.Name("X-Latchkey-Permissions")!

    /// A public route's answer: every identity header present and empty, so a proxy that copies
    /// them over the client's own hands the upstream nothing a client made up.
    static let anonymous: HTTPFields = [keyID: "", user: "", organisation: "", permissions: ""]

    /// The identity of `key`: its id, its user's id, its organisation's slug (empty when it has
    /// none) and what it may do — its capabilities (`view,add`), or for a fine-grained key each
    /// type's verbs (`orders:view,orders:edit`).
    static func identity(of key: VerifiedKey) -> HTTPFields {
        let granted = key.principal.permissions.map { permissions in
            permissions.grants.flatMap { grant in grant.capabilities.names.map { "\(grant.type):\($0)" } }
        } ?? key.principal.capabilities.names
        return [
            keyID: key.key.id.uuidString.lowercased(),
            user: String(key.owner.id),
            organisation: key.organisation?.slug ?? "",
            permissions: granted.joined(separator: ","),
        ]
    }
}
