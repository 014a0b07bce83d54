import Foundation
import Postgres
import Vault

/// A user's passkey as the security page lists it (SPEC §10).
public struct PasskeySummary: Sendable {
    public let id: Int64
    public let name: String
    public let createdAt: Date
    public let lastUsedAt: Date?
}

/// What the browser needs to start a ceremony: the challenge, the RP ID, the user's opaque
/// handle (registration) and the credential ids to exclude or allow.
public struct PasskeyOptions: Sendable {
    public let challenge: [UInt8]
    public let rpID: String
    public let userHandle: [UInt8]?
    public let credentialIDs: [[UInt8]]
}

/// Passkeys (SPEC §10): added by a signed-in user, then a second factor instead of a TOTP code
/// or, with user verification, a passwordless sign-in. Audited `passkey.added`,
/// `passkey.removed`, `mfa.verified` and `login` with `method: passkey`.
extension WebSessions {
    public static let maxPasskeyName = 100

    /// The user's passkeys, oldest first.
    public func passkeys(of session: WebSession) async throws -> [PasskeySummary] {
        let rows = try await pool.query("""
            SELECT id, name, created_at, last_used_at FROM passkeys WHERE user_id = \(session.userID) ORDER BY id
            """)
        return try rows.map {
            PasskeySummary(id: try $0.decode(Int64.self, named: "id"), name: try $0.decode(String.self, named: "name"),
                           createdAt: try $0.decode(Date.self, named: "created_at"), lastUsedAt: try $0.decode(Date?.self, named: "last_used_at"))
        }
    }

    /// Options to add a passkey in `session`: a challenge, the user's opaque handle and their
    /// passkeys to exclude.
    public func registrationOptions(_ session: WebSession, _ party: RelyingParty) async throws -> PasskeyOptions {
        PasskeyOptions(challenge: try await newChallenge(.register, session: session), rpID: party.id,
                       userHandle: try userHandle(session.userID), credentialIDs: try await credentialIDs(session.userID))
    }

    /// The opaque user handle of `userID`'s passkeys: an HMAC of the id under the MAC key, so it
    /// says nothing about the user to anyone without the deployment's secret, and needs no row.
    func userHandle(_ userID: Int64) throws -> [UInt8] {
        try box.mac(Array("passkey-user-handle:\(userID)".utf8))
    }

    /// Options to prove a passkey: as the second factor of `session` (its user's passkeys
    /// allowed), or for a passwordless sign-in (`nil`: any discoverable passkey).
    public func assertionOptions(_ session: WebSession?, _ party: RelyingParty) async throws -> PasskeyOptions {
        let purpose: PasskeyPurpose = session == nil ? .signIn : .secondFactor
        let allowed = if let session { try await credentialIDs(session.userID) } else { [[UInt8]]() }
        return PasskeyOptions(challenge: try await newChallenge(purpose, session: session), rpID: party.id, userHandle: nil,
                              credentialIDs: allowed)
    }

    private func credentialIDs(_ userID: Int64) async throws -> [[UInt8]] {
        try await pool.query("SELECT credential_id FROM passkeys WHERE user_id = \(userID) ORDER BY id").map { Array(try $0.decode(Data.self, at: 0)) }
    }

    /// Adds the passkey a browser created in `session` under `name`, after checking it against
    /// `party` and using up its challenge. Audited `passkey.added`. A credential id already
    /// registered (by anyone) is `WebAuthnError.duplicateCredential`.
    public func addPasskey(
        _ session: WebSession, name: String, clientDataJSON: [UInt8], attestationObject: [UInt8], party: RelyingParty, ip: String?
    ) async throws {
        let registration = try party.registration(clientDataJSON: clientDataJSON, attestationObject: attestationObject)
        try await consumeChallenge(registration.challenge, .register, session: session)
        let id: Int64? = try await pool.withTransaction { connection in
            let rows = try await connection.query("""
                INSERT INTO passkeys (user_id, credential_id, public_key, sign_count, name)
                VALUES (\(session.userID), \(Data(registration.credentialID)), \(Data(registration.publicKey)), \(Int64(registration.signCount)), \(name))
                ON CONFLICT (credential_id) DO NOTHING RETURNING id
                """)
            guard let id = try rows.first?.decode(Int64.self, at: 0) else { return nil }
            try await AuditLog.record("passkey.added", actor: session.userID, target: "passkey:\(id)", detail: ["name": name], ip: ip, on: connection)
            return id
        }
        guard id != nil else { throw WebAuthnError.duplicateCredential }
    }

    /// Removes one of the session user's passkeys; `false` when they have none with `id`.
    /// Audited `passkey.removed`.
    public func removePasskey(_ id: Int64, of session: WebSession, ip: String?) async throws -> Bool {
        try await pool.withTransaction { connection in
            let rows = try await connection.query("DELETE FROM passkeys WHERE id = \(id) AND user_id = \(session.userID) RETURNING name")
            guard let name = try rows.first?.decode(String.self, at: 0) else { return false }
            try await AuditLog.record("passkey.removed", actor: session.userID, target: "passkey:\(id)", detail: ["name": name], ip: ip, on: connection)
            return true
        }
    }

    /// Verifies an assertion for `purpose` (in `session`, except for a sign-in): the origin,
    /// RP ID hash and user verification (``RelyingParty``), its challenge (used up), the
    /// credential (the session user's, or for a sign-in the one whose opaque `userHandle` the
    /// authenticator returned), the signature and the counter, which is stored only if no other
    /// use of the passkey stored one meanwhile. Returns the passkey's user.
    public func verifyAssertion(
        _ assertion: PasskeyAssertion, in session: WebSession?, party: RelyingParty
    ) async throws -> Int64 {
        let checked = try party.assertion(clientDataJSON: assertion.clientDataJSON, authenticatorData: assertion.authenticatorData,
                                          signature: assertion.signature)
        try await consumeChallenge(checked.challenge, session == nil ? .signIn : .secondFactor, session: session)
        let rows = try await pool.query("""
            SELECT p.id, p.user_id, p.public_key, p.sign_count
            FROM passkeys p JOIN users u ON u.id = p.user_id
            WHERE p.credential_id = \(Data(assertion.credentialID)) AND u.is_active
            """)
        guard let row = rows.first else { throw WebAuthnError.unknownCredential }
        let userID = try row.decode(Int64.self, named: "user_id")
        if let session, session.userID != userID { throw WebAuthnError.unknownCredential }
        if session == nil {
            guard let given = assertion.userHandle, ConstantTime.equals(given, try userHandle(userID)) else { throw WebAuthnError.unknownCredential }
        }
        let stored = try row.decode(Int64.self, named: "sign_count")
        let count = try checked.verify(with: Array(try row.decode(Data.self, named: "public_key")), storedCount: UInt32(clamping: stored))
        let updated = try await pool.execute("""
            UPDATE passkeys SET sign_count = \(Int64(count)), last_used_at = now()
            WHERE id = \(try row.decode(Int64.self, named: "id")) AND sign_count = \(stored)
            """)
        guard updated == 1 else { throw WebAuthnError.counterWentBack }
        return userID
    }

    /// A new session for `userID` signed in with a passkey alone (user verification stood for
    /// the password and the second factor): MFA-verified by `passkey`, the account's failures
    /// cleared, audited `login` with `method: passkey`. Returns the cookie's raw token.
    public func createWithPasskey(userID: Int64, ip: String?) async throws -> String {
        let token = try SecureRandom.token()
        try await pool.withTransaction { connection in
            try await connection.execute("""
                INSERT INTO web_sessions (user_id, token_hash, expires_at, ip, mfa_verified_at, mfa_method)
                VALUES (\(userID), \(Data(SHA256Digest(hashing: token).bytes)), now() + make_interval(secs => \(Self.absoluteLifetime)), \(ip), now(), 'passkey')
                """)
            try await connection.execute("DELETE FROM sign_in_failures WHERE user_id = \(userID)")
            try await AuditLog.record("login", actor: userID, detail: ["method": "passkey"], ip: ip, on: connection)
        }
        return token
    }
}

/// What a browser sent back from `navigator.credentials.get`, decoded from base64url.
public struct PasskeyAssertion: Sendable {
    public let credentialID: [UInt8]
    public let clientDataJSON: [UInt8]
    public let authenticatorData: [UInt8]
    public let signature: [UInt8]
    /// The opaque user handle (discoverable credentials return it).
    public let userHandle: [UInt8]?

    public init(credentialID: [UInt8], clientDataJSON: [UInt8], authenticatorData: [UInt8], signature: [UInt8], userHandle: [UInt8]?) {
        self.credentialID = credentialID
        self.clientDataJSON = clientDataJSON
        self.authenticatorData = authenticatorData
        self.signature = signature
        self.userHandle = userHandle
    }
}
