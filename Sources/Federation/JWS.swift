import JSON

/// A JWS in compact serialisation (RFC 7515 §7.1): `header.payload.signature`, each base64url,
/// header and payload JSON objects. Parsed, not yet verified.
public struct JWS: Sendable {
    /// The signature algorithms accepted (RFC 7518 §3): RSASSA-PKCS1-v1_5 and ECDSA P-256, both
    /// with SHA-256. `none`, HMAC and everything else are refused.
    public enum Algorithm: String, Sendable {
        case rs256 = "RS256"
        case es256 = "ES256"
    }

    public let algorithm: Algorithm
    public let keyID: String?
    public let claims: [String: JSONValue]
    /// The bytes signed: `header.payload` as sent.
    public let signingInput: [UInt8]
    public let signature: [UInt8]

    /// A token longer than this is refused before any parsing.
    public static let maximumLength = 16 * 1024

    public init(compact token: String) throws(FederationError) {
        guard token.utf8.count <= Self.maximumLength else { throw .malformed("longer than \(Self.maximumLength) bytes") }
        let parts = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed("a compact JWS has three segments, not \(parts.count)") }
        guard let headerBytes = Base64URL.decode(Substring(parts[0])), let payloadBytes = Base64URL.decode(Substring(parts[1])),
              let signature = Base64URL.decode(Substring(parts[2])) else { throw .malformed("a segment is not base64url") }
        guard case .object(let header)? = try? JSONValue.parse(headerBytes, maxDepth: 8) else { throw .malformed("the header is not a JSON object") }
        guard case .object(let claims)? = try? JSONValue.parse(payloadBytes, maxDepth: 16) else { throw .malformed("the payload is not a JSON object") }
        guard case .string(let name)? = header["alg"] else { throw .malformed("the header has no alg") }
        guard let algorithm = Algorithm(rawValue: name) else { throw .unsupportedAlgorithm(name) }
        // Critical extensions we would have to understand (RFC 7515 §4.1.11): none is.
        guard header["crit"] == nil else { throw .malformed("unsupported crit header") }
        switch header["kid"] {
        case nil: keyID = nil
        case .string(let kid)?: keyID = kid
        default: throw .malformed("kid is not a string")
        }
        self.algorithm = algorithm
        self.claims = claims
        self.signature = signature
        signingInput = Array(token.utf8.prefix(parts[0].count + 1 + parts[1].count))
    }
}
