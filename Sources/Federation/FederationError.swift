/// Why an ID token or a JWKS was refused. The descriptions are for logs and operators; the
/// token endpoint words its answers itself, so they never say whether an email has an account.
public enum FederationError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case unsupportedAlgorithm(String)
    case unknownKey
    case keyMismatch
    case badSignature
    case claim(String)
    case badKeySet(String)

    public var description: String {
        switch self {
        case .malformed(let why): "malformed token: \(why)"
        case .unsupportedAlgorithm(let alg): "unsupported algorithm '\(alg.prefix(20))'"
        case .unknownKey: "no key of the issuer has this kid"
        case .keyMismatch: "the key does not fit the token's algorithm"
        case .badSignature: "the signature does not verify"
        case .claim(let why): why
        case .badKeySet(let why): "bad JWKS: \(why)"
        }
    }
}
