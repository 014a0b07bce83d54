import Foundation
import JSON

/// An OpenID Connect ID token, verified (SPEC §11): signed RS256 or ES256 by a key of the
/// issuer's set, `iss` the trusted issuer, `aud` containing the audience, `exp` in the future and
/// `iat`/`nbf` not in the future (60 s skew each way), and a verified `email`.
public struct IDToken: Sendable {
    public let issuer: String
    public let subject: String
    public let email: String
    public let expiresAt: Date
    /// What makes the token single-use: its `jti` when it has one, else the whole token.
    public let replayID: String

    /// Clock skew tolerated in each direction.
    public static let skew: TimeInterval = 60

    /// The `iss` of a token not yet verified: which trust to verify it with.
    public static func claimedIssuer(of token: JWS) -> String? {
        // NUL fits no PostgreSQL text: such an issuer is no issuer.
        if case .string(let issuer)? = token.claims["iss"], !issuer.contains("\u{0}") { issuer } else { nil }
    }

    /// The `email` the token claims, before anything is verified.
    public static func claimedEmail(of token: JWS) -> String? {
        if case .string(let email)? = token.claims["email"] { email } else { nil }
    }

    public init(_ token: JWS, raw: String, keys: JWKS, issuer: String, audience: String, now: Date = Date()) throws(FederationError) {
        guard let key = keys.key(for: token) else { throw .unknownKey }
        guard key.algorithm == nil || key.algorithm == token.algorithm,
              (key.publicKey.kind == .rsa) == (token.algorithm == .rs256) else { throw .keyMismatch }
        guard key.publicKey.verifies(token.signature, of: token.signingInput, as: token.algorithm) else { throw .badSignature }

        let claims = token.claims
        func string(_ name: String) -> String? {
            if case .string(let value)? = claims[name], !value.contains("\u{0}"), value.utf8.count <= 1024 { value } else { nil }
        }
        func time(_ name: String) throws(FederationError) -> Date? {
            switch claims[name] {
            case nil: return nil
            case .number(let seconds)? where seconds.isFinite && abs(seconds) < 1e11: return Date(timeIntervalSince1970: seconds)
            default: throw .claim("\(name) is not a NumericDate")
            }
        }
        guard string("iss") == issuer else { throw .claim("iss is not the trusted issuer") }
        let audiences: [String]
        switch claims["aud"] {
        case .string(let one)?: audiences = [one]
        case .array(let many)?: audiences = many.compactMap { if case .string(let value) = $0 { value } else { nil } }
        default: throw .claim("aud is missing")
        }
        guard audiences.contains(audience) else { throw .claim("aud does not contain the audience") }
        guard let expiresAt = try time("exp") else { throw .claim("exp is missing") }
        guard expiresAt.timeIntervalSince(now) > -Self.skew else { throw .claim("the token has expired") }
        if let issuedAt = try time("iat"), issuedAt.timeIntervalSince(now) > Self.skew { throw .claim("iat is in the future") }
        if let notBefore = try time("nbf"), notBefore.timeIntervalSince(now) > Self.skew { throw .claim("the token is not valid yet") }
        guard let subject = string("sub"), !subject.isEmpty else { throw .claim("sub is missing") }
        guard let email = string("email"), email.contains("@") else { throw .claim("email is missing") }
        guard claims["email_verified"] == .bool(true) else { throw .claim("email is not verified") }

        self.issuer = issuer
        self.subject = subject
        self.email = email
        self.expiresAt = expiresAt
        replayID = string("jti").map { "jti:\(issuer)\u{0}\($0)" } ?? "token:\(raw)"
    }
}
