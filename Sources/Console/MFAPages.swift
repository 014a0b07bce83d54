import Foundation
import Hummingbird
import PluginKit
import Postgres
import Vault

/// MFA (SPEC §10): enrolment shows a new TOTP secret and ten recovery codes once; the first
/// code confirms them. Afterwards a TOTP code (each step once) or an unused recovery code
/// verifies the session. A wrong code is a failed sign-in (SignInPages); a right one completes
/// the sign-in and clears the account's failures. Recovery codes are kept as HMACs under the
/// deployment's code-hashing key.
extension Console {
    static var mfaPurpose: String { SecretBox.mfaSecret }

    func registerMFA(on routes: PluginRoutes<Context>) {
        routes.get("/account/mfa") { request, context in
            try await signedIn(request, context, verified: false) { session, store in
                if session.mfaVerified { return Pages.redirect("/account/keys") }
                if session.enrolled { return mfaPage(session, enrolment: nil, problem: nil, status: .ok) }
                return try await startEnrolment(session, store)
            }
        }
        routes.post("/account/mfa") { request, context in
            try await throttled(context) {
                try await submitted(request, context, verified: false) { session, form, store in
                    if session.mfaVerified { return Pages.redirect("/account/keys") }
                    return try await verify(session, code: form["code"], store, context)
                }
            }
        }
    }

    /// A new secret and recovery codes, kept with the session (sealed, hashed) until confirmed.
    func startEnrolment(_ session: WebSession, _ store: WebSessionStore) async throws -> Response {
        let secret = try TOTP.generateSecret()
        let codes = try (0..<10).map { _ in try Self.recoveryCode() }
        let sealed = try store.box.seal(secret, purpose: Self.mfaPurpose)
        try await pool.execute("""
            UPDATE web_sessions SET pending_mfa_secret = \(sealed), pending_recovery = \(try codes.map { try Self.recoveryHash($0, store.box).map { String(format: "%02x", $0) }.joined() })
            WHERE id = \(session.id)
            """)
        store.forget(session)
        return mfaPage(session, enrolment: (secret, codes), problem: nil, status: .ok)
    }

    func mfaPage(_ session: WebSession, enrolment: (secret: [UInt8], codes: [String])?, problem: String?, status: HTTPResponse.Status) -> Response {
        var data: PageFields = ["title": session.enrolled ? "Verify it's you" : "Set up two-factor authentication", "csrf": .text(session.csrf)]
        if let enrolment {
            data["enrolling"] = true
            data["secret"] = .text(Base32.encode(enrolment.secret))
            data["uri"] = .text(TOTP(secret: enrolment.secret).uri(account: session.username, issuer: "Latchkey"))
            data["recoveryCodes"] = .list(enrolment.codes)
        }
        data["codeProblem"] = PageValue(problem)
        return pages.render("mfa", data, status: status)
    }

    func verify(_ session: WebSession, code: String, _ store: WebSessionStore, _ context: Context) async throws -> Response {
        if !session.enrolled, session.pendingSecret == nil { return Pages.redirect("/account/mfa") }
        // Counted as a failure before it is judged, atomically with the lock check.
        guard let attempt = try await beginAttempt(.user(session.userID)) else {
            return mfaPage(session, enrolment: nil, problem: Self.lockedMessage, status: .tooManyRequests)
        }
        let method: String? = try await judging(attempt) {
            if session.enrolled {
                return try await acceptTOTP(session, code, store) ? "totp" : try await acceptRecoveryCode(session, code, store) ? "recovery_code" : nil
            }
            return try await confirmEnrolment(session, code, store) ? "enrolment" : nil
        }
        guard let method else {
            // The attempt stays counted: it was a failure.
            try await audit("login.failed", actor: session.userID, context)
            let locked = try await isLocked(.user(session.userID))
            let problem = locked ? Self.lockedMessage : "That code is not right (or was already used)."
            let status: HTTPResponse.Status = locked ? .tooManyRequests : .unauthorized
            if session.enrolled { return mfaPage(session, enrolment: nil, problem: problem, status: status) }
            return pages.message("Set up two-factor authentication", problem + " Start again with a new secret.", status: status,
                                 link: ("/account/mfa", "Start again"))
        }
        try await pool.execute("UPDATE web_sessions SET mfa_verified_at = now() WHERE id = \(session.id)")
        // A completed sign-in clears the failures before it (this attempt's included); attempts
        // begun after it stay counted.
        try await pool.execute("DELETE FROM sign_in_failures WHERE user_id = \(session.userID) AND id <= \(attempt.id)")
        try await audit(method == "enrolment" ? "mfa.enrolled" : "mfa.verified", actor: session.userID, detail: ["method": method], context)
        return Pages.redirect("/account/keys")
    }

    /// A current TOTP code of the user, at a step later than any accepted before. A secret
    /// sealed under the deployment's secret itself (before sealing had a key of its own) is
    /// sealed again under the sealing key when it is used.
    func acceptTOTP(_ session: WebSession, _ code: String, _ store: WebSessionStore) async throws -> Bool {
        guard let sealed = session.sealedSecret, let (secret, needsReseal) = store.box.opened(sealed, purpose: Self.mfaPurpose),
              let step = try TOTP(secret: secret).matchingStep(code, at: Date()) else { return false }
        let claimed = try await pool.execute("""
            UPDATE users SET mfa_last_step = \(step)
            WHERE id = \(session.userID) AND (mfa_last_step IS NULL OR mfa_last_step < \(step))
            """)
        if claimed == 1, needsReseal {
            let resealed = try store.box.seal(secret, purpose: Self.mfaPurpose)
            try await pool.execute("UPDATE users SET mfa_secret = \(resealed) WHERE id = \(session.userID) AND mfa_secret = \(sealed)")
        }
        return claimed == 1
    }

    /// An unused recovery code of the user, used up. Codes stored before they were HMACs (as
    /// a plain SHA-256) are still accepted, once.
    func acceptRecoveryCode(_ session: WebSession, _ code: String, _ store: WebSessionStore) async throws -> Bool {
        let normalised = Self.normaliseRecoveryCode(code)
        guard normalised.count == 10 else { return false }
        let hash = try Self.recoveryHash(normalised, store.box), legacy = Self.legacyRecoveryHash(normalised)
        let used = try await pool.execute("""
            UPDATE mfa_recovery_codes SET used_at = now()
            WHERE user_id = \(session.userID) AND code_hash IN (\(hash), \(legacy)) AND used_at IS NULL
            """)
        return used >= 1
    }

    /// The first code of a new secret: the secret and its recovery codes become the user's.
    func confirmEnrolment(_ session: WebSession, _ code: String, _ store: WebSessionStore) async throws -> Bool {
        guard let pending = session.pendingSecret, let (secret, needsReseal) = store.box.opened(pending, purpose: Self.mfaPurpose),
              let step = try TOTP(secret: secret).matchingStep(code, at: Date()) else { return false }
        let sealed = needsReseal ? try store.box.seal(secret, purpose: Self.mfaPurpose) : pending
        return try await pool.withTransaction { connection in
            let moved = try await connection.execute("""
                UPDATE users SET mfa_secret = \(sealed), mfa_last_step = \(step)
                WHERE id = \(session.userID) AND mfa_secret IS NULL
                """)
            guard moved == 1 else { return false }
            try await connection.execute("""
                INSERT INTO mfa_recovery_codes (user_id, code_hash)
                SELECT \(session.userID), decode(hash, 'hex') FROM web_sessions, unnest(pending_recovery) AS hash WHERE id = \(session.id)
                """)
            try await connection.execute("""
                UPDATE web_sessions SET pending_mfa_secret = NULL, pending_recovery = NULL WHERE id = \(session.id)
                """)
            return true
        }
    }

    /// Ten base32 characters (50 bits), shown as `xxxxx-xxxxx`.
    static func recoveryCode() throws -> String {
        let text = Base32.encode(try SecureRandom.bytes(7)).prefix(10).lowercased()
        return String(text.prefix(5)) + "-" + String(text.suffix(5))
    }

    static func normaliseRecoveryCode(_ code: String) -> String {
        code.lowercased().filter { $0 != "-" && !$0.isWhitespace }
    }

    /// What is stored of a recovery code: its HMAC-SHA256 under the code-hashing key.
    static func recoveryHash(_ code: String, _ box: SecretBox) throws -> Data {
        Data(try box.codeHash(Array(("recovery:" + normaliseRecoveryCode(code)).utf8)))
    }

    /// What was stored of a recovery code before they were HMACs: its plain SHA-256.
    static func legacyRecoveryHash(_ code: String) -> Data {
        Data(SHA256Digest(hashing: "recovery:" + normaliseRecoveryCode(code)).bytes)
    }
}
