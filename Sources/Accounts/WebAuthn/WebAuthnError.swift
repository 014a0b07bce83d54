/// Why a passkey registration or assertion was refused (SPEC §10). The descriptions are for
/// tests and logs; they never hold a challenge, a signature or key material.
public enum WebAuthnError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not what WebAuthn sends (CBOR, authenticator data, client data, COSE key).
    case malformed(String)
    /// The client data's type, origin or challenge, or the RP ID hash, is not ours.
    case wrongContext(String)
    /// The challenge is unknown, used, expired or someone else's.
    case unknownChallenge
    /// User presence (or, where required, verification) is not flagged.
    case userNotVerified
    /// No passkey (of the expected user) has this credential id.
    case unknownCredential
    /// The credential id is registered already.
    case duplicateCredential
    case unsupportedAlgorithm
    case badSignature
    /// The signature counter did not move forward: a cloned authenticator, or a replay.
    case counterWentBack

    public var description: String {
        switch self {
        case .malformed(let why): "malformed: \(why)"
        case .wrongContext(let why): why
        case .unknownChallenge: "unknown, used or expired challenge"
        case .userNotVerified: "user presence or verification missing"
        case .unknownCredential: "unknown credential"
        case .duplicateCredential: "credential already registered"
        case .unsupportedAlgorithm: "unsupported algorithm"
        case .badSignature: "the signature does not verify"
        case .counterWentBack: "the signature counter did not increase"
        }
    }
}
