import Accounts
import Foundation
import Hummingbird
import PluginKit
import Vault

/// MFA (SPEC §10): enrolment shows a new TOTP secret and ten recovery codes once; the first
/// code confirms them. Afterwards a TOTP code or an unused recovery code verifies the session
/// (the factors are the accounts', ``WebSessions``). A wrong code is a failed sign-in
/// (``Accounts/beginAttempt(_:)``); a right one completes the sign-in and clears the account's
/// failures.
extension Console {
    func registerMFA(on routes: RouteTable<Context>) {
        routes.on("/account/mfa", method: .get, .page) { request, context in
            try await signedIn(request, context, verified: false) { session, sessions in
                if session.secondFactorAccepted { return Pages.redirect("/account/keys") }
                if session.enrolled { return mfaPage(session, enrolment: nil, problem: nil, status: .ok) }
                let enrolment = try await sessions.startEnrolment(session.session)
                forget(session)
                return mfaPage(session, enrolment: enrolment, problem: nil, status: .ok)
            }
        }
        routes.on("/account/mfa", method: .post, .page) { request, context in
            try await throttled(context) {
                try await submitted(request, context, verified: false) { session, form, sessions in
                    if session.secondFactorAccepted { return Pages.redirect("/account/keys") }
                    // A code may change the session, the account's factors or both: this
                    // instance forgets them at once, whatever the code came to.
                    defer { forget(session) }
                    return try await verify(session, code: form["code"], sessions, context)
                }
            }
        }
    }

    func mfaPage(_ session: SignedIn, enrolment: (secret: [UInt8], codes: [String])?, problem: String?, status: HTTPResponse.Status) -> Response {
        var data: PageFields = ["title": session.enrolled ? "Verify it's you" : "Set up two-factor authentication", "csrf": .text(session.csrf)]
        if let enrolment {
            data["enrolling"] = true
            data["secret"] = .text(Base32.encode(enrolment.secret))
            let uri = TOTP(secret: enrolment.secret).uri(account: session.username, issuer: "Latchkey")
            data["uri"] = .text(uri)
            if let code = QRCode(uri) { data["qr"] = .markup(code.svg(title: "QR code of the authenticator link")) }
            data["recoveryCodes"] = .list(enrolment.codes)
        }
        data["codeProblem"] = PageValue(problem)
        data["hasPasskeys"] = .flag(session.hasPasskeys)
        data["passkeyScript"] = true
        data["codesAccepted"] = .flag(!Self.onlyPasskeys(session))
        if session.passkeyRequired {
            data["policyNotice"] = .text(session.hasPasskeys
                ? "Your organisation requires a passkey as your second factor: use your passkey."
                : "Your organisation requires a passkey as your second factor. Verify with a code once, then add a passkey on the Security page.")
        }
        return pages.render("mfa", data, status: status)
    }

    /// Whether only a passkey may verify the session: its user's organisation requires one
    /// (`require_passkey`, SPEC §14) and they have one — or the session is verified already
    /// with something else. Without a passkey a code still verifies, but only to add one.
    static func onlyPasskeys(_ session: SignedIn) -> Bool {
        session.passkeyRequired && (session.hasPasskeys || session.mfaVerified)
    }

    func verify(_ session: SignedIn, code: String, _ sessions: WebSessions, _ context: Context) async throws -> Response {
        if !session.enrolled, !session.enrolling { return Pages.redirect("/account/mfa") }
        if Self.onlyPasskeys(session) {
            return mfaPage(session, enrolment: nil, problem: "Your organisation accepts only a passkey as the second factor.", status: .forbidden)
        }
        // Counted as a failure before it is judged, atomically with the lock check.
        guard let attempt = try await accounts.beginAttempt(.user(session.userID)) else {
            return mfaPage(session, enrolment: nil, problem: Self.lockedMessage, status: .tooManyRequests)
        }
        let method: String? = try await accounts.judging(attempt) {
            if session.enrolled {
                return try await sessions.acceptTOTP(session.session, code) ? "totp"
                    : try await sessions.acceptRecoveryCode(session.session, code) ? "recovery_code" : nil
            }
            return try await sessions.confirmEnrolment(session.session, code) ? "enrolment" : nil
        }
        guard let method else {
            // The attempt stays counted: it was a failure.
            try await accounts.recordFailure(.user(session.userID), ip: context.clientIP)
            let locked = try await accounts.isLocked(.user(session.userID))
            let problem = locked ? Self.lockedMessage : "That code is not right (or was already used)."
            let status: HTTPResponse.Status = locked ? .tooManyRequests : .unauthorized
            if session.enrolled { return mfaPage(session, enrolment: nil, problem: problem, status: status) }
            return pages.message("Set up two-factor authentication", problem + " Start again with a new secret.", status: status,
                                 link: ("/account/mfa", "Start again"))
        }
        try await sessions.completeSignIn(session.session, attempt: attempt, method: method, ip: context.clientIP)
        return Pages.redirect(session.passkeyRequired ? "/account/security" : "/account/keys")
    }
}
