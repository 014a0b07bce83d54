import Foundation
import Hummingbird
import PluginKit
import Postgres
import Vault

/// Sign-in, sign-out and the lock-out of SPEC §10: five failed attempts on an account within 15
/// minutes lock it for 15 minutes; the message never says which part was wrong. A wrong password
/// and a wrong MFA or recovery code are failures alike; only a completed sign-in (password and
/// second factor) clears them. Each attempt is counted before it is judged, in one atomic step
/// with the lock check (``beginAttempt(_:)``), so concurrent guesses cannot pass the lock.
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
            try await throttled(context) {
                try await gated(request, context) { store in try await signIn(request, context, store) }
            }
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
        let account = try user.map { SignInAccount.user($0.id) } ?? SignInAccount.unknown(identifier, box: store.box)
        guard let attempt = try await beginAttempt(account) else {
            return try signInPage(request, context, username: identifier, problem: Self.lockedMessage, status: .tooManyRequests)
        }
        // An unknown account is checked against no user (usernames are never empty), at the same
        // cost (see checkPassword).
        let valid = try await judging(attempt) {
            try await vault.checkPassword(username: user?.username ?? "", password: password)
        }
        guard let user, valid else {
            // The attempt stays counted: it was a failure.
            if case .user(let userID) = account { try await audit("login.failed", actor: userID, context) }
            if try await isLocked(account) {
                return try signInPage(request, context, username: identifier, problem: Self.lockedMessage, status: .tooManyRequests)
            }
            return try signInPage(request, context, username: identifier, problem: "The username or password is not right.", status: .unauthorized)
        }
        // A right password is no failure, but it clears none before it: only the second factor
        // completes a sign-in (MFAPages).
        try await withdraw(attempt)
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
        let rows = try await pool.query("WITH failure AS (\(account.failures)) SELECT \(Self.locked)")
        return try rows[0].decode(Bool.self, at: 0)
    }

    /// Whether the failures in the CTE `failure` (column `at`) lock their account now.
    static var locked: PGQuery {
        """
        EXISTS (
            SELECT 1 FROM failure fifth
            WHERE fifth.at > now() - interval '15 minutes'
              AND (SELECT count(*) FROM failure f WHERE f.at > fifth.at - interval '15 minutes' AND f.at <= fifth.at) >= 5)
        """
    }

    /// Counts an attempt on `account` as a failure before it is judged, unless the account is
    /// locked (then `nil`, and nothing is counted): the check and the count are one step, taken
    /// under a lock per account, so of any number of concurrent attempts at most five are judged
    /// before the lock (SPEC §10). An attempt that proves right is withdrawn
    /// (``withdraw(_:)``); a completed sign-in clears the account's failures.
    ///
    /// The transaction runs at READ COMMITTED (PostgreSQL's default): its second statement sees
    /// what the lock's previous holder committed.
    func beginAttempt(_ account: SignInAccount) async throws -> SignInAttempt? {
        try await pool.withTransaction { connection in
            try await connection.execute("SELECT pg_advisory_xact_lock(hashtextextended(\(account.lockName), 0))")
            if case .unknown = account {
                // Failures under unknown names older than 30 minutes can no longer matter.
                try await connection.execute("DELETE FROM unknown_sign_in_failures WHERE at < now() - interval '30 minutes'")
            }
            let rows = try await connection.query("""
                WITH failure AS (\(account.failures))
                \(account.insertFailure) WHERE NOT \(Self.locked)
                RETURNING id
                """)
            return try rows.first.map { SignInAttempt(account: account, id: try $0.decode(Int64.self, at: 0)) }
        }
    }

    /// Judges an attempt with `judge`; when judging fails (the database, or password hashing at
    /// its bound), the attempt was not judged and is withdrawn, so an outage locks no one.
    func judging<Result>(_ attempt: SignInAttempt, _ judge: () async throws -> Result) async throws -> Result {
        do {
            return try await judge()
        } catch {
            try? await withdraw(attempt)
            throw error
        }
    }

    /// Takes back an attempt's failure: it proved right (or was never judged).
    func withdraw(_ attempt: SignInAttempt) async throws {
        switch attempt.account {
        case .user: try await pool.execute("DELETE FROM sign_in_failures WHERE id = \(attempt.id)")
        case .unknown: try await pool.execute("DELETE FROM unknown_sign_in_failures WHERE id = \(attempt.id)")
        }
    }
}

/// An attempt counted in advance as a failure (``Console/beginAttempt(_:)``): the row's id.
struct SignInAttempt {
    let account: SignInAccount
    let id: Int64
}

/// Whose failed sign-ins count: an account's, or those under a name that is nobody's.
enum SignInAccount {
    case user(Int64)
    /// A name that is nobody's, by the MAC of its lower-cased form (``unknown(_:box:)``).
    case unknown(nameHash: Data)

    /// The account of a name that is nobody's. The name is kept only as an HMAC of its
    /// lower-cased form under the deployment's MAC key: a password typed into the username
    /// field must not be stored, not even as a plain hash anyone could try guesses against.
    static func unknown(_ name: String, box: SecretBox) throws -> SignInAccount {
        .unknown(nameHash: Data(try box.mac(Array("sign-in.unknown-name:\(name.lowercased())".utf8))))
    }

    /// A query of the times of the account's failures (column `at`).
    var failures: PGQuery {
        switch self {
        case .user(let id): "SELECT at FROM sign_in_failures WHERE user_id = \(id)"
        case .unknown(let nameHash): "SELECT at FROM unknown_sign_in_failures WHERE name_hash = \(nameHash)"
        }
    }

    /// An `INSERT … SELECT` of one failure now, to be completed by a `WHERE`.
    var insertFailure: PGQuery {
        switch self {
        case .user(let id): "INSERT INTO sign_in_failures (user_id) SELECT \(id)"
        case .unknown(let nameHash): "INSERT INTO unknown_sign_in_failures (name_hash) SELECT \(nameHash)"
        }
    }

    /// The name of the advisory lock under which the account's attempts are counted.
    var lockName: String {
        switch self {
        case .user(let id): "latchkey.sign-in.user:\(id)"
        case .unknown(let nameHash): "latchkey.sign-in.name:" + nameHash.base64EncodedString()
        }
    }
}
