import Foundation
import Hummingbird
import PluginKit
import Postgres
import Vault

/// MFA (SPEC §10): enrolment shows a new TOTP secret and ten recovery codes once; the first
/// code confirms them. Afterwards a TOTP code (each step once) or an unused recovery code
/// verifies the session.
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
            try await submitted(request, context, verified: false) { session, form, store in
                if session.mfaVerified { return Pages.redirect("/account/keys") }
                return try await verify(session, code: form["code"], store, context)
            }
        }
    }

    /// A new secret and recovery codes, kept with the session (sealed, hashed) until confirmed.
    func startEnrolment(_ session: WebSession, _ store: WebSessionStore) async throws -> Response {
        let secret = try TOTP.generateSecret()
        let codes = try (0..<10).map { _ in try Self.recoveryCode() }
        let sealed = try store.box.seal(secret, purpose: Self.mfaPurpose)
        try await pool.execute("""
            UPDATE web_sessions SET pending_mfa_secret = \(sealed), pending_recovery = \(codes.map { Self.recoveryDigest($0).hex })
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
        if try await isLocked(.user(session.userID)) {
            return mfaPage(session, enrolment: nil, problem: Self.lockedMessage, status: .tooManyRequests)
        }
        let method: String?
        if session.enrolled {
            method = try await acceptTOTP(session, code, store) ? "totp" : try await acceptRecoveryCode(session, code) ? "recovery_code" : nil
        } else {
            guard session.pendingSecret != nil else { return Pages.redirect("/account/mfa") }
            method = try await confirmEnrolment(session, code, store) ? "enrolment" : nil
        }
        guard let method else {
            try await recordFailure(.user(session.userID), context)
            let problem = try await isLocked(.user(session.userID)) ? Self.lockedMessage : "That code is not right (or was already used)."
            if session.enrolled { return mfaPage(session, enrolment: nil, problem: problem, status: .unauthorized) }
            return pages.message("Set up two-factor authentication", problem + " Start again with a new secret.", status: .unauthorized,
                                 link: ("/account/mfa", "Start again"))
        }
        try await pool.execute("UPDATE web_sessions SET mfa_verified_at = now() WHERE id = \(session.id)")
        try await pool.execute("DELETE FROM sign_in_failures WHERE user_id = \(session.userID)")
        try await audit(method == "enrolment" ? "mfa.enrolled" : "mfa.verified", actor: session.userID, detail: ["method": method], context)
        return Pages.redirect("/account/keys")
    }

    /// A current TOTP code of the user, at a step later than any accepted before.
    func acceptTOTP(_ session: WebSession, _ code: String, _ store: WebSessionStore) async throws -> Bool {
        guard let sealed = session.sealedSecret, let secret = store.box.open(sealed, purpose: Self.mfaPurpose),
              let step = try TOTP(secret: secret).matchingStep(code, at: Date()) else { return false }
        let claimed = try await pool.execute("""
            UPDATE users SET mfa_last_step = \(step)
            WHERE id = \(session.userID) AND (mfa_last_step IS NULL OR mfa_last_step < \(step))
            """)
        return claimed == 1
    }

    /// An unused recovery code of the user, used up.
    func acceptRecoveryCode(_ session: WebSession, _ code: String) async throws -> Bool {
        let normalised = Self.normaliseRecoveryCode(code)
        guard normalised.count == 10 else { return false }
        let used = try await pool.execute("""
            UPDATE mfa_recovery_codes SET used_at = now()
            WHERE user_id = \(session.userID) AND code_hash = \(Self.recoveryHash(normalised)) AND used_at IS NULL
            """)
        return used == 1
    }

    /// The first code of a new secret: the secret and its recovery codes become the user's.
    func confirmEnrolment(_ session: WebSession, _ code: String, _ store: WebSessionStore) async throws -> Bool {
        guard let sealed = session.pendingSecret, let secret = store.box.open(sealed, purpose: Self.mfaPurpose),
              let step = try TOTP(secret: secret).matchingStep(code, at: Date()) else { return false }
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

    static func recoveryDigest(_ code: String) -> SHA256Digest {
        SHA256Digest(hashing: "recovery:" + normaliseRecoveryCode(code))
    }

    static func recoveryHash(_ code: String) -> Data {
        Data(recoveryDigest(code).bytes)
    }
}
