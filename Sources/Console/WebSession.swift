import Foundation
import Policy

/// A signed-in browser session, as a request finds it (SPEC §10).
struct WebSession: Sendable {
    /// The row (`web_sessions.id`) and the signed-in user.
    let id: Int64, userID: Int64
    /// When it ends at the latest (12 hours after sign-in).
    let expiresAt: Date
    /// Their username (shown in the frame; the vault's issuer) and email.
    let username: String, email: String
    /// Whether they are platform staff (who may grant every capability), and whether MFA was
    /// verified in this session: only then are pages other than MFA open.
    let isStaff: Bool, mfaVerified: Bool
    /// The user's TOTP secret, sealed (`nil` until they enrol), and the secret of an enrolment
    /// in progress, sealed.
    let sealedSecret: String?, pendingSecret: String?
    /// The CSRF token of this session's forms (derived from the cookie; stored nowhere).
    let csrf: String
    /// The organisations the user belongs to (or owns), and the teams they administer: what
    /// the frame links and the key form offers, read with the session in one query.
    let places: [Place]

    /// An organisation or team of the user.
    struct Place: Codable, Sendable {
        /// `org` or `team`.
        let kind: String
        let slug: String, name: String
        /// Whether the user is an admin (or the owner) there.
        let admin: Bool
    }

    var enrolled: Bool { sealedSecret != nil }
}

/// Names and lifetimes of the console's cookies.
enum ConsoleCookie {
    /// The session token.
    static let session = "lk_session"
    /// The sign-in form's CSRF token (double submit: there is no session yet).
    static let signIn = "lk_signin"
    /// Absolute lifetime of a session.
    static let absolute: TimeInterval = 12 * 3600
    /// A session unused this long is over.
    static let idle: TimeInterval = 30 * 60
}
