import Federation
import JSON

/// The client data (WebAuthn Level 2 §5.8.1) the browser collected and the authenticator
/// signed a hash of: its type, challenge and origin.
public struct ClientData: Sendable {
    /// `webauthn.create` or `webauthn.get`.
    public let type: String
    public let challenge: [UInt8]
    public let origin: String
    public let crossOrigin: Bool
    /// The bytes as sent (their SHA-256 is signed).
    public let raw: [UInt8]

    /// The largest client data accepted.
    public static let maxLength = 4096

    public init(_ raw: [UInt8]) throws(WebAuthnError) {
        guard raw.count <= Self.maxLength else { throw .malformed("client data too long") }
        let value: JSONValue
        do { value = try JSONValue.parse(raw, maxDepth: 4) } catch { throw .malformed("client data is not JSON") }
        guard case .object(let fields) = value,
              case .string(let type)? = fields["type"],
              case .string(let challenge)? = fields["challenge"],
              case .string(let origin)? = fields["origin"] else { throw .malformed("client data lacks type, challenge or origin") }
        guard let decoded = Base64URL.decode(challenge) else { throw .malformed("challenge is not base64url") }
        switch fields["crossOrigin"] {
        case nil, .bool(false)?: crossOrigin = false
        case .bool(true)?: crossOrigin = true
        default: throw .malformed("crossOrigin is not a boolean")
        }
        self.type = type
        self.challenge = decoded
        self.origin = origin
        self.raw = raw
    }
}
