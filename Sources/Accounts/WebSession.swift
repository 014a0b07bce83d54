import Foundation
import Vault

/// A signed-in browser session, as a request finds it (SPEC §10).
public struct WebSession: Sendable {
    /// The row (`web_sessions.id`) and the signed-in user.
    public let id: Int64, userID: Int64
    /// When it ends at the latest (12 hours after sign-in).
    public let expiresAt: Date
    /// Their username (shown in the frame) and email.
    public let username: String, email: String
    /// Whether MFA was verified in this session: only then are pages other than MFA open.
    public let mfaVerified: Bool
    /// The user's TOTP secret, sealed (`nil` until they enrol), and the secret of an enrolment
    /// in progress, sealed.
    let sealedSecret: String?, pendingSecret: String?
    /// The CSRF token of this session's forms (derived from the cookie; stored nowhere).
    public let csrf: String
    /// How MFA was verified (`totp`, `recovery_code`, `enrolment`, `passkey`); `nil` until it is.
    public let mfaMethod: String?
    /// Whether the user has a passkey.
    public let hasPasskeys: Bool
    /// Whether an organisation of the user requires a passkey as the second factor (SPEC §14
    /// `require_passkey`): then only a passkey-verified session is fully signed in.
    public let passkeyRequired: Bool

    /// Whether the user has a second factor.
    public var enrolled: Bool { sealedSecret != nil }
    /// Whether an enrolment waits for its first code.
    public var enrolling: Bool { pendingSecret != nil }
    /// Whether the second factor this session proved is one its user's organisations accept:
    /// any, or under `require_passkey` a passkey only.
    public var secondFactorAccepted: Bool { mfaVerified && (!passkeyRequired || mfaMethod == "passkey") }
}

/// The value of a session cookie that has the shape of one (43 ASCII characters), with the
/// SHA-256 under which its session is stored (and cached).
public struct SessionCookie: Sendable {
    public let token: String
    public let digest: SHA256Digest

    public init?(_ token: String) {
        guard token.utf8.count == 43, token.utf8.allSatisfy({ $0 < 128 }) else { return nil }
        self.token = token
        digest = SHA256Digest(hashing: token)
    }
}
