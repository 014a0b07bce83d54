import Accounts
import Foundation
import Hummingbird
import PluginKit
import Vault

/// A passkey as the second factor after a password, and the passwordless **Sign in with a
/// passkey** (SPEC §10). Both are sign-in submissions: throttled per client address, and a
/// wrong second-factor passkey is a failed sign-in like a wrong code.
extension Console {
    func registerPasskeySignIn(on routes: RouteTable<Context>) {
        routes.on("/account/mfa/passkey/options", method: .post, .page) { request, context in
            try await throttled(context) {
                try await submitted(request, context, verified: false) { session, _, sessions in
                    Self.options(try await sessions.assertionOptions(session.session, relyingParty))
                }
            }
        }
        routes.on("/account/mfa/passkey", method: .post, .page) { request, context in
            try await throttled(context) {
                try await submitted(request, context, verified: false) { session, form, sessions in
                    defer { forget(session) }
                    return try await verifyPasskey(session, form, sessions, context)
                }
            }
        }
        routes.on("/account/login/passkey/options", method: .post, .page) { request, context in
            try await throttled(context) {
                try await gated(request, context) { sessions in
                    guard let form = await ConsoleForm.read(request), signInFormIsOurs(request, form) else {
                        return pages.message("Form expired", "The sign-in form expired. Reload the page and try again.", status: .forbidden)
                    }
                    return Self.options(try await sessions.assertionOptions(nil, relyingParty))
                }
            }
        }
        routes.on("/account/login/passkey", method: .post, .page) { request, context in
            try await throttled(context) {
                try await gated(request, context) { sessions in try await signInWithPasskey(request, context, sessions) }
            }
        }
    }

    /// Whether a sign-in form carries the double-submit token of its cookie.
    func signInFormIsOurs(_ request: Request, _ form: ConsoleForm) -> Bool {
        guard let expected = request.cookies[ConsoleCookie.signIn]?.value, !expected.isEmpty else { return false }
        return ConstantTime.equals(form["csrf"], expected)
    }

    func verifyPasskey(_ session: SignedIn, _ form: ConsoleForm, _ sessions: WebSessions, _ context: Context) async throws -> Response {
        if session.secondFactorAccepted { return Pages.redirect("/account/keys") }
        guard let assertion = Self.assertion(form) else {
            return mfaPage(session, enrolment: nil, problem: "Using a passkey needs JavaScript and a passkey in this browser.", status: .badRequest)
        }
        guard let attempt = try await accounts.beginAttempt(.user(session.userID)) else {
            return mfaPage(session, enrolment: nil, problem: Self.lockedMessage, status: .tooManyRequests)
        }
        let verified: Bool = try await accounts.judging(attempt) {
            do {
                return try await sessions.verifyAssertion(assertion, in: session.session, party: relyingParty) == session.userID
            } catch is WebAuthnError {
                return false
            }
        }
        guard verified else {
            try await accounts.recordFailure(.user(session.userID), ip: context.clientIP)
            let locked = try await accounts.isLocked(.user(session.userID))
            return mfaPage(session, enrolment: nil, problem: locked ? Self.lockedMessage : "The passkey was not accepted.",
                           status: locked ? .tooManyRequests : .unauthorized)
        }
        try await sessions.completeSignIn(session.session, attempt: attempt, method: "passkey", ip: context.clientIP)
        return Pages.redirect("/account/keys")
    }

    func signInWithPasskey(_ request: Request, _ context: Context, _ sessions: WebSessions) async throws -> Response {
        guard let form = await ConsoleForm.read(request) else {
            return pages.message("Form too large", "The form was larger than 16 kB.", status: .contentTooLarge)
        }
        guard signInFormIsOurs(request, form) else {
            return try signInPage(request, context, username: "", problem: "The sign-in form expired. Please sign in again.", status: .forbidden)
        }
        guard let assertion = Self.assertion(form), assertion.userHandle != nil else {
            return try signInPage(request, context, username: "", problem: "Signing in with a passkey needs JavaScript and a passkey in this browser.", status: .badRequest)
        }
        let userID: Int64
        do {
            userID = try await sessions.verifyAssertion(assertion, in: nil, party: relyingParty)
        } catch let error as WebAuthnError {
            return try signInPage(request, context, username: "", problem: Self.refusal(error), status: .unauthorized)
        }
        if try await accounts.isLocked(.user(userID)) {
            return try signInPage(request, context, username: "", problem: Self.lockedMessage, status: .tooManyRequests)
        }
        let token = try await sessions.createWithPasskey(userID: userID, ip: context.clientIP)
        var response = Pages.redirect("/account/keys")
        response.setCookie(Self.cookie(ConsoleCookie.session, token, request, context))
        response.setCookie(Self.cookie(ConsoleCookie.signIn, "", request, context, maxAge: 0))
        return response
    }
}
