import Foundation
import Postgres
import Vault

/// Second factors (SPEC §10): enrolment keeps a new TOTP secret and ten recovery codes with the
/// session until the first code confirms them. Afterwards a TOTP code (each step once) or an
/// unused recovery code verifies a session. TOTP secrets are sealed (AES-256-GCM); recovery
/// codes are kept as HMACs under the deployment's code-hashing key.
extension WebSessions {
    static var mfaPurpose: String { SecretBox.mfaSecret }

    /// Starts an enrolment for the session's user: a new secret and ten recovery codes, kept with
    /// the session (sealed, hashed) until confirmed; returned to be shown once.
    public func startEnrolment(_ session: WebSession) async throws -> (secret: [UInt8], codes: [String]) {
        let secret = try TOTP.generateSecret()
        let codes = try (0..<10).map { _ in try Self.recoveryCode() }
        let sealed = try box.seal(secret, purpose: Self.mfaPurpose)
        try await pool.execute("""
            UPDATE web_sessions SET pending_mfa_secret = \(sealed), pending_recovery = \(try codes.map { try Self.recoveryHash($0, box).map { String(format: "%02x", $0) }.joined() })
            WHERE id = \(session.id)
            """)
        return (secret, codes)
    }

    /// A current TOTP code of the user, at a step later than any accepted before. A secret
    /// sealed under the deployment's secret itself (before sealing had a key of its own) is
    /// sealed again under the sealing key when it is used.
    public func acceptTOTP(_ session: WebSession, _ code: String) async throws -> Bool {
        guard let sealed = session.sealedSecret, let (secret, needsReseal) = box.opened(sealed, purpose: Self.mfaPurpose),
              let step = try TOTP(secret: secret).matchingStep(code, at: Date()) else { return false }
        let claimed = try await pool.execute("""
            UPDATE users SET mfa_last_step = \(step)
            WHERE id = \(session.userID) AND (mfa_last_step IS NULL OR mfa_last_step < \(step))
            """)
        if claimed == 1, needsReseal {
            let resealed = try box.seal(secret, purpose: Self.mfaPurpose)
            try await pool.execute("UPDATE users SET mfa_secret = \(resealed) WHERE id = \(session.userID) AND mfa_secret = \(sealed)")
        }
        return claimed == 1
    }

    /// An unused recovery code of the user, used up. Codes stored before they were HMACs (as
    /// a plain SHA-256) are still accepted, once.
    public func acceptRecoveryCode(_ session: WebSession, _ code: String) async throws -> Bool {
        let normalised = Self.normaliseRecoveryCode(code)
        guard normalised.count == 10 else { return false }
        let hash = try Self.recoveryHash(normalised, box), legacy = Self.legacyRecoveryHash(normalised)
        let used = try await pool.execute("""
            UPDATE mfa_recovery_codes SET used_at = now()
            WHERE user_id = \(session.userID) AND code_hash IN (\(hash), \(legacy)) AND used_at IS NULL
            """)
        return used >= 1
    }

    /// The first code of a new secret: the secret and its recovery codes become the user's.
    public func confirmEnrolment(_ session: WebSession, _ code: String) async throws -> Bool {
        guard let pending = session.pendingSecret, let (secret, needsReseal) = box.opened(pending, purpose: Self.mfaPurpose),
              let step = try TOTP(secret: secret).matchingStep(code, at: Date()) else { return false }
        let sealed = needsReseal ? try box.seal(secret, purpose: Self.mfaPurpose) : pending
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

    /// Completes a sign-in whose second factor (`method`: `totp`, `recovery_code`,
    /// `enrolment`) proved right in `attempt`: the session is MFA-verified, and the failures
    /// before it (this attempt's included) are cleared — attempts begun after it stay counted.
    /// Audited `mfa.enrolled` or `mfa.verified`.
    public func completeSignIn(_ session: WebSession, attempt: SignInAttempt, method: String, ip: String?) async throws {
        try await pool.execute("UPDATE web_sessions SET mfa_verified_at = now(), mfa_method = \(method) WHERE id = \(session.id)")
        try await pool.execute("DELETE FROM sign_in_failures WHERE user_id = \(session.userID) AND id <= \(attempt.id)")
        try await accounts.record(method == "enrolment" ? "mfa.enrolled" : "mfa.verified", actor: session.userID, detail: ["method": method], ip: ip)
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
