import JSON

/// A JSON Web Key Set (RFC 7517 §5): the signing keys an identity provider publishes. Keys of
/// other types or uses (encryption, HMAC secrets, other curves) are skipped, not refused, as
/// providers publish them side by side; a set with no usable key is refused.
public struct JWKS: Sendable {
    public struct Key: Sendable {
        public let id: String?
        /// The algorithm the key is bound to, when the JWK names one.
        public let algorithm: JWS.Algorithm?
        public let publicKey: PublicKey
    }

    public let keys: [Key]

    /// The largest JWKS document read (SPEC §11: at most 1 MiB, fetched or from a file).
    public static let maximumLength = 1 << 20

    public init(json bytes: [UInt8]) throws(FederationError) {
        guard bytes.count <= Self.maximumLength else { throw .badKeySet("larger than \(Self.maximumLength) bytes") }
        guard case .object(let document)? = try? JSONValue.parse(bytes, maxDepth: 8) else { throw .badKeySet("not a JSON object") }
        guard case .array(let entries)? = document["keys"] else { throw .badKeySet("no \"keys\" array") }
        var keys: [Key] = []
        for entry in entries {
            guard case .object(let jwk) = entry else { throw .badKeySet("a key is not an object") }
            if let key = try Self.key(jwk) { keys.append(key) }
        }
        guard !keys.isEmpty else { throw .badKeySet("no RSA or P-256 signing key") }
        self.keys = keys
    }

    private static func key(_ jwk: [String: JSONValue]) throws(FederationError) -> Key? {
        func text(_ name: String) -> String? { if case .string(let value)? = jwk[name] { value } else { nil } }
        func bytes(_ name: String) throws(FederationError) -> [UInt8] {
            guard let value = text(name), let decoded = Base64URL.decode(value) else { throw .badKeySet("\(name) is not base64url") }
            return decoded
        }
        if let use = text("use"), use != "sig" { return nil }
        var algorithm: JWS.Algorithm?
        if let name = text("alg") {
            guard let known = JWS.Algorithm(rawValue: name) else { return nil }
            algorithm = known
        }
        let publicKey: PublicKey
        switch text("kty") {
        case "RSA":
            guard algorithm != .es256 else { return nil }
            publicKey = try PublicKey(rsaModulus: bytes("n"), exponent: bytes("e"))
        case "EC":
            guard text("crv") == "P-256", algorithm != .rs256 else { return nil }
            publicKey = try PublicKey(p256X: bytes("x"), y: bytes("y"))
        default:
            return nil
        }
        return Key(id: text("kid"), algorithm: algorithm, publicKey: publicKey)
    }

    /// The key a token names: by `kid`; without one, the only key that fits its algorithm.
    public func key(for token: JWS) -> Key? {
        let fitting = keys.filter { ($0.algorithm ?? token.algorithm) == token.algorithm
            && ($0.publicKey.kind == .rsa) == (token.algorithm == .rs256) }
        guard let kid = token.keyID else { return fitting.count == 1 ? fitting[0] : nil }
        return keys.first { $0.id == kid }
    }
}
