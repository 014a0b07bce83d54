import Foundation
import Policy

/// A signed-in browser session, as a request finds it (SPEC §10).
struct WebSession: Sendable {
    let id: Int64
    let userID: Int64
    let username: String
    let email: String
    let isStaff: Bool
    /// Whether MFA was verified in this session: only then are pages other than MFA open.
    let mfaVerified: Bool
    /// The user's TOTP secret, sealed; `nil` until they enrol.
    let sealedSecret: String?
    /// The last TOTP step accepted for the user (each code works once).
    let lastStep: Int64?
    /// The secret of an enrolment in progress, sealed.
    let pendingSecret: String?
    /// The CSRF token of this session's forms (derived from the cookie; stored nowhere).
    let csrf: String

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
