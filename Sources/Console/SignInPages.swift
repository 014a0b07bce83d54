import Foundation
import Hummingbird
import PluginKit
import Postgres
import Vault

/// Sign-in, sign-out and the lock-out of SPEC §10: five failed attempts on an account within 15
/// minutes lock it for 15 minutes; the message never says which part was wrong.
extension Console {
    static var lockedMessage: String { "Too many failed attempts: this account is locked for 15 minutes. Try again later." }

    func registerSignIn(on routes: PluginRoutes<Context>) {
        routes.get("/account/login") { request, context in
            try await gated(request, context) { store in
                if let token = request.cookies[ConsoleCookie.session]?.value, let session = try await store.find(token: token) {
                    return Pages.redirect(session.mfaVerified ? "/account/keys" : "/account/mfa")
                }
                return try signInPage(request, context, username: "", problem: nil, status: .ok)
            }
        }
        routes.post("/account/login") { request, context in
            try await gated(request, context) { store in try await signIn(request, context, store) }
        }
        routes.post("/account/logout") { request, context in
            try await submitted(request, context, verified: false) { session, _, store in
                try await store.end(session)
                try await audit("logout", actor: session.userID, context)
                var response = Pages.redirect("/account/login")
                response.setCookie(Self.cookie(ConsoleCookie.session, "", request, context, maxAge: 0))
                return response
            }
        }
    }

    /// The sign-in form with a fresh double-submit CSRF token.
    func signInPage(_ request: Request, _ context: Context, username: String, problem: String?, status: HTTPResponse.Status) throws -> Response {
        let token = try SecureRandom.token()
        var data: PageFields = ["title": "Sign in", "csrf": .text(token), "username": .text(username)]
        data["problem"] = PageValue(problem)
        var response = pages.render("login", data, status: status)
        response.setCookie(Self.cookie(ConsoleCookie.signIn, token, request, context))
        return response
    }

    func signIn(_ request: Request, _ context: Context, _ store: WebSessionStore) async throws -> Response {
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
        // PostgreSQL text cannot hold NUL: such a name is nobody's, and is answered as one.
        let rows = identifier.contains("\u{0}") ? nil : try await pool.query("""
            SELECT id, username FROM users
            WHERE username = \(identifier) OR lower(email) = lower(\(identifier))
            ORDER BY (username = \(identifier)) DESC LIMIT 1
            """)
        let user = try rows?.first.map { (id: try $0.decode(Int64.self, at: 0), username: try $0.decode(String.self, at: 1)) }
        // A name that is nobody's is counted and locked like an account, so neither the lock
        // nor its message tells which names are accounts.
        let account = user.map { SignInAccount.user($0.id) } ?? .unknown(identifier)
        if try await isLocked(account) {
            return try signInPage(request, context, username: identifier, problem: Self.lockedMessage, status: .tooManyRequests)
        }
        // An unknown account is checked against no user (usernames are never empty), at the same
        // cost (see checkPassword).
        let valid = try await vault.checkPassword(username: user?.username ?? "", password: password)
        guard let user, valid else {
            try await recordFailure(account, context)
            if try await isLocked(account) {
                return try signInPage(request, context, username: identifier, problem: Self.lockedMessage, status: .tooManyRequests)
            }
            return try signInPage(request, context, username: identifier, problem: "The username or password is not right.", status: .unauthorized)
        }
        try await pool.execute("DELETE FROM sign_in_failures WHERE user_id = \(user.id)")
        let token = try await store.create(userID: user.id, ip: context.clientIP)
        try await audit("login", actor: user.id, context)
        var response = Pages.redirect("/account/mfa")
        response.setCookie(Self.cookie(ConsoleCookie.session, token, request, context))
        response.setCookie(Self.cookie(ConsoleCookie.signIn, "", request, context, maxAge: 0))
        return response
    }

    /// Whether the account is locked: five attempts failed within 15 minutes, the fifth less
    /// than 15 minutes ago (SPEC §10). Attempts on a locked account are not counted, so the
    /// lock lasts 15 minutes from the fifth failure.
    func isLocked(_ account: SignInAccount) async throws -> Bool {
        let rows = try await pool.query("""
            WITH failure AS (\(account.failures))
            SELECT EXISTS (
                SELECT 1 FROM failure fifth
                WHERE fifth.at > now() - interval '15 minutes'
                  AND (SELECT count(*) FROM failure f WHERE f.at > fifth.at - interval '15 minutes' AND f.at <= fifth.at) >= 5)
            """)
        return try rows[0].decode(Bool.self, at: 0)
    }

    /// Counts a failed password or MFA code against the account, and audits it.
    func recordFailure(_ account: SignInAccount, _ context: Context) async throws {
        switch account {
        case .user(let userID):
            try await pool.execute("INSERT INTO sign_in_failures (user_id) VALUES (\(userID))")
            try await audit("login.failed", actor: userID, context)
        case .unknown:
            try await pool.execute("""
                WITH forgotten AS (DELETE FROM unknown_sign_in_failures WHERE at < now() - interval '30 minutes')
                INSERT INTO unknown_sign_in_failures (name_hash) VALUES (\(account.nameHash))
                """)
        }
    }
}

/// Whose failed sign-ins count: an account's, or those under a name that is nobody's.
enum SignInAccount {
    case user(Int64)
    case unknown(String)

    /// The SHA-256 of the lower-cased name (`unknown` only).
    var nameHash: Data {
        guard case .unknown(let name) = self else { return Data() }
        return Data(SHA256Digest(hashing: name.lowercased()).bytes)
    }

    /// A query of the times of the account's failures (column `at`).
    var failures: PGQuery {
        switch self {
        case .user(let id): "SELECT at FROM sign_in_failures WHERE user_id = \(id)"
        case .unknown: "SELECT at FROM unknown_sign_in_failures WHERE name_hash = \(nameHash)"
        }
    }
}
