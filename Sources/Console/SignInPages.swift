import Accounts
import Foundation
import Hummingbird
import PluginKit
import Vault

/// Sign-in and sign-out (SPEC §10). The lock-out is the accounts' (``Accounts/beginAttempt(_:)``):
/// five failed attempts on an account within 15 minutes lock it for 15 minutes, and the message
/// never says which part was wrong.
extension Console {
    static var lockedMessage: String { "Too many failed attempts: this account is locked for 15 minutes. Try again later." }

    func registerSignIn(on routes: RouteTable<Context>) {
        routes.on("/account/login", method: .get, .page) { request, context in
            try await gated(request, context) { sessions in
                if let token = request.cookies[ConsoleCookie.session]?.value, let session = try await find(token: token, sessions) {
                    return Pages.redirect(session.secondFactorAccepted ? "/account/keys" : "/account/mfa")
                }
                return try signInPage(request, context, username: "", problem: nil, status: .ok)
            }
        }
        routes.on("/account/login", method: .post, .page) { request, context in
            try await throttled(context) {
                try await gated(request, context) { sessions in try await signIn(request, context, sessions) }
            }
        }
        routes.on("/account/logout", method: .post, .page) { request, context in
            try await submitted(request, context, verified: false) { session, _, sessions in
                try await sessions.end(session.session, ip: context.clientIP)
                forget(session)
                var response = Pages.redirect("/account/login")
                response.setCookie(Self.cookie(ConsoleCookie.session, "", request, context, maxAge: 0))
                return response
            }
        }
    }

    /// The sign-in form with a fresh double-submit CSRF token.
    func signInPage(_ request: Request, _ context: Context, username: String, problem: String?, status: HTTPResponse.Status) throws -> Response {
        let token = try SecureRandom.token()
        var data: PageFields = ["title": "Sign in", "csrf": .text(token), "username": .text(username), "passkeyScript": true]
        data["problem"] = PageValue(problem)
        var response = pages.render("login", data, status: status)
        response.setCookie(Self.cookie(ConsoleCookie.signIn, token, request, context))
        return response
    }

    func signIn(_ request: Request, _ context: Context, _ sessions: WebSessions) async throws -> Response {
        guard let form = await ConsoleForm.read(request) else {
            return pages.message("Form too large", "The form was larger than 16 kB.", status: .contentTooLarge)
        }
        let identifier = form["username"]
        guard let expected = request.cookies[ConsoleCookie.signIn]?.value, !expected.isEmpty,
              ConstantTime.equals(form["csrf"], expected) else {
            return try signInPage(request, context, username: identifier, problem: "The sign-in form expired. Please sign in again.", status: .forbidden)
        }
        let password = form.raw("password")
        guard !identifier.isEmpty, !password.isEmpty, identifier.utf8.count <= 254, password.utf8.count <= 1024 else {
            return try signInPage(request, context, username: identifier, problem: "Enter your username (or email) and your password.", status: .badRequest)
        }
        let user = try await accounts.signInUser(named: identifier)
        // A name that is nobody's is counted and locked like an account, so neither the lock
        // nor its message tells which names are accounts.
        let account = try user.map { SignInAccount.user($0.id) } ?? SignInAccount.unknown(identifier, box: sessions.box)
        guard let attempt = try await accounts.beginAttempt(account) else {
            return try signInPage(request, context, username: identifier, problem: Self.lockedMessage, status: .tooManyRequests)
        }
        // An unknown account is checked against no user (usernames are never empty), at the same
        // cost (see checkPassword).
        let valid = try await accounts.judging(attempt) {
            try await accounts.checkPassword(username: user?.username ?? "", password: password)
        }
        guard let user, valid else {
            // The attempt stays counted: it was a failure.
            try await accounts.recordFailure(account, ip: context.clientIP)
            if try await accounts.isLocked(account) {
                return try signInPage(request, context, username: identifier, problem: Self.lockedMessage, status: .tooManyRequests)
            }
            return try signInPage(request, context, username: identifier, problem: "The username or password is not right.", status: .unauthorized)
        }
        // A right password is no failure, but it clears none before it: only the second factor
        // completes a sign-in (MFAPages).
        try await accounts.withdraw(attempt)
        let token = try await sessions.create(userID: user.id, ip: context.clientIP)
        var response = Pages.redirect("/account/mfa")
        response.setCookie(Self.cookie(ConsoleCookie.session, token, request, context))
        response.setCookie(Self.cookie(ConsoleCookie.signIn, "", request, context, maxAge: 0))
        return response
    }
}
