import Accounts
import Foundation
import Postgres
import TestSupport
import Testing
import Vault

/// Passkeys against PostgreSQL (SPEC §10, §14): challenges single-use, session-bound and stored
/// only as MACs; an assertion verifies once (a replay fails), an unknown credential or another
/// user's is refused, the counter must go forward, credential ids are unique; passwordless
/// sign-in needs the opaque user handle; `require_passkey` reaches the session; audited.
@Suite struct PasskeyStoreTests {
    static let party = RelyingParty(publicURL: "http://localhost:8080")!

    struct World {
        let pool: PGPool
        let sessions: WebSessions

        func user(_ name: String) async throws -> Int64 {
            try await pool.query("""
                INSERT INTO users (username, email, tier) VALUES (\(name), \(name + "@example.com"), 'free') RETURNING id
                """)[0].decode(Int64.self, at: 0)
        }

        func session(_ userID: Int64) async throws -> WebSession {
            let token = try await sessions.create(userID: userID, ip: nil)
            let cookie = try #require(SessionCookie(token))
            return try #require(try await sessions.read(cookie))
        }

        func audit(_ action: String) async throws -> [String] {
            try await pool.query("SELECT detail::text FROM audit_events WHERE action = \(action) ORDER BY id").map { try $0.decode(String.self, at: 0) }
        }
    }

    static func withWorld(_ body: (World) async throws -> Void) async throws {
        try await TestDatabase.withMigratedPool { pool in
            let vault = Vault(pool: pool, passwordHasher: PasswordHasher(parameters: ScryptParameters(log2N: 10)))
            let box = try #require(SecretBox(key: [UInt8](repeating: 7, count: 32)))
            try await body(World(pool: pool, sessions: Accounts(vault: vault).webSessions(box: box)))
        }
    }

    /// Adds a passkey of `authenticator` in `session`.
    static func add(_ authenticator: SoftwareAuthenticator, _ session: WebSession, _ world: World, name: String = "laptop") async throws {
        let options = try await world.sessions.registrationOptions(session, party)
        let (client, attestation) = authenticator.register(options.challenge)
        try await world.sessions.addPasskey(session, name: name, clientDataJSON: client, attestationObject: attestation, party: party, ip: "192.0.2.1")
    }

    @Test func registrationAndAssertionRoundTrip() async throws {
        try await Self.withWorld { world in
            let alice = try await world.user("alice")
            let session = try await world.session(alice)
            let authenticator = try SoftwareAuthenticator()
            let options = try await world.sessions.registrationOptions(session, Self.party)
            #expect(options.rpID == "localhost")
            #expect(options.userHandle?.count == 32)
            let (client, attestation) = authenticator.register(options.challenge)
            try await world.sessions.addPasskey(session, name: "laptop", clientDataJSON: client, attestationObject: attestation, party: Self.party, ip: nil)
            // The registration's challenge is used up.
            await #expect(throws: WebAuthnError.unknownChallenge) {
                try await world.sessions.addPasskey(session, name: "again", clientDataJSON: client, attestationObject: attestation, party: Self.party, ip: nil)
            }
            let listed = try await world.sessions.passkeys(of: session)
            #expect(listed.map(\.name) == ["laptop"])
            #expect(listed[0].lastUsedAt == nil)
            // The handle stays the user's: opaque, the same next time, not stored.
            let again = try await world.sessions.registrationOptions(session, Self.party)
            #expect(again.userHandle == options.userHandle)
            #expect(again.credentialIDs == [authenticator.credentialID])

            let challenge = try await world.sessions.assertionOptions(session, Self.party)
            #expect(challenge.credentialIDs == [authenticator.credentialID])
            let assertion = try authenticator.assert(challenge.challenge)
            #expect(try await world.sessions.verifyAssertion(assertion, in: session, party: Self.party) == alice)
            #expect(try await world.sessions.passkeys(of: session)[0].lastUsedAt != nil)
            // Replaying the very same assertion fails: its challenge is gone.
            await #expect(throws: WebAuthnError.unknownChallenge) {
                try await world.sessions.verifyAssertion(assertion, in: session, party: Self.party)
            }
            #expect(try await world.audit("passkey.added") == [#"{"name": "laptop"}"#])
        }
    }

    @Test func refusalsChangeNothing() async throws {
        try await Self.withWorld { world in
            let alice = try await world.user("alice"), bob = try await world.user("bob")
            let session = try await world.session(alice), bobSession = try await world.session(bob)
            let authenticator = try SoftwareAuthenticator()
            try await Self.add(authenticator, session, world)

            // A challenge never issued.
            await #expect(throws: WebAuthnError.unknownChallenge) {
                try await world.sessions.verifyAssertion(try authenticator.assert(try SecureRandom.bytes(32)), in: session, party: Self.party)
            }
            // Another session's challenge.
            let bobs = try await world.sessions.assertionOptions(bobSession, Self.party)
            await #expect(throws: WebAuthnError.unknownChallenge) {
                try await world.sessions.verifyAssertion(try authenticator.assert(bobs.challenge), in: session, party: Self.party)
            }
            // Alice's passkey is no second factor for Bob.
            let forBob = try await world.sessions.assertionOptions(bobSession, Self.party)
            await #expect(throws: WebAuthnError.unknownCredential) {
                try await world.sessions.verifyAssertion(try authenticator.assert(forBob.challenge), in: bobSession, party: Self.party)
            }
            // An unknown credential.
            let stranger = try SoftwareAuthenticator()
            let options = try await world.sessions.assertionOptions(session, Self.party)
            await #expect(throws: WebAuthnError.unknownCredential) {
                try await world.sessions.verifyAssertion(try stranger.assert(options.challenge), in: session, party: Self.party)
            }
            // The counter must go forward: an assertion that does not advance it (a clone) fails.
            let first = try await world.sessions.assertionOptions(session, Self.party)
            _ = try await world.sessions.verifyAssertion(try authenticator.assert(first.challenge), in: session, party: Self.party)
            let second = try await world.sessions.assertionOptions(session, Self.party)
            await #expect(throws: WebAuthnError.counterWentBack) {
                try await world.sessions.verifyAssertion(try authenticator.assert(second.challenge, advance: false), in: session, party: Self.party)
            }
            // A wrong origin, even with a live challenge.
            let third = try await world.sessions.assertionOptions(session, Self.party)
            await #expect(throws: WebAuthnError.wrongContext("wrong origin")) {
                try await world.sessions.verifyAssertion(try authenticator.assert(third.challenge, origin: "https://evil.example"), in: session, party: Self.party)
            }
            // The same credential cannot be added twice (by anyone).
            await #expect(throws: WebAuthnError.duplicateCredential) { try await Self.add(authenticator, bobSession, world) }
            #expect(try await world.sessions.passkeys(of: bobSession).isEmpty)
            // Bob cannot remove Alice's passkey; Alice can, once.
            let id = try await world.sessions.passkeys(of: session)[0].id
            #expect(try await world.sessions.removePasskey(id, of: bobSession, ip: nil) == false)
            #expect(try await world.sessions.removePasskey(id, of: session, ip: nil))
            #expect(try await world.sessions.removePasskey(id, of: session, ip: nil) == false)
            #expect(try await world.audit("passkey.removed") == [#"{"name": "laptop"}"#])
        }
    }

    @Test func passwordlessSignInNeedsTheUserHandle() async throws {
        try await Self.withWorld { world in
            let alice = try await world.user("alice")
            let session = try await world.session(alice)
            let authenticator = try SoftwareAuthenticator()
            try await Self.add(authenticator, session, world)
            let handle = try #require(try await world.sessions.registrationOptions(session, Self.party).userHandle)

            let options = try await world.sessions.assertionOptions(nil, Self.party)
            #expect(options.credentialIDs.isEmpty)
            // A second-factor challenge does not serve a sign-in, nor the reverse.
            await #expect(throws: WebAuthnError.unknownChallenge) {
                try await world.sessions.verifyAssertion(try authenticator.assert(options.challenge, userHandle: handle), in: session, party: Self.party)
            }
            let fresh = try await world.sessions.assertionOptions(nil, Self.party)
            await #expect(throws: WebAuthnError.unknownCredential) {
                try await world.sessions.verifyAssertion(try authenticator.assert(fresh.challenge, userHandle: [UInt8](repeating: 0, count: 32)), in: nil, party: Self.party)
            }
            let good = try await world.sessions.assertionOptions(nil, Self.party)
            let userID = try await world.sessions.verifyAssertion(try authenticator.assert(good.challenge, userHandle: handle), in: nil, party: Self.party)
            #expect(userID == alice)
            let token = try await world.sessions.createWithPasskey(userID: userID, ip: nil)
            let cookie = try #require(SessionCookie(token))
            let signedIn = try #require(try await world.sessions.read(cookie))
            #expect(signedIn.mfaVerified && signedIn.mfaMethod == "passkey" && signedIn.secondFactorAccepted)
            #expect(try await world.audit("login").contains(#"{"method": "passkey"}"#))
        }
    }

    @Test func challengesAreStoredOnlyAsMACsAndExpire() async throws {
        try await Self.withWorld { world in
            let alice = try await world.user("alice")
            let session = try await world.session(alice)
            let options = try await world.sessions.assertionOptions(session, Self.party)
            let stored = try await world.pool.query("SELECT challenge_mac FROM passkey_challenges").map { Array(try $0.decode(Data.self, at: 0)) }
            #expect(stored.count == 1 && stored[0] != options.challenge && stored[0] != SHA256Digest(hashing: options.challenge).bytes)
            try await world.pool.execute("UPDATE passkey_challenges SET expires_at = now() - interval '1 second'")
            let authenticator = try SoftwareAuthenticator()
            try await Self.add(authenticator, session, world)
            await #expect(throws: WebAuthnError.unknownChallenge) {
                try await world.sessions.verifyAssertion(try authenticator.assert(options.challenge), in: session, party: Self.party)
            }
        }
    }

    @Test func requirePasskeyReachesTheSession() async throws {
        try await Self.withWorld { world in
            let alice = try await world.user("alice"), bob = try await world.user("bob")
            let org = try await world.pool.query("INSERT INTO organisations (slug, name) VALUES ('acme', 'Acme') RETURNING id")[0].decode(Int64.self, at: 0)
            try await world.pool.execute("INSERT INTO organisation_memberships (organisation_id, user_id, role) VALUES (\(org), \(alice), 'viewer')")
            #expect(try await world.session(alice).passkeyRequired == false)
            try await world.pool.execute("INSERT INTO key_policies (organisation_id, require_passkey) VALUES (\(org), true)")
            let session = try await world.session(alice)
            #expect(session.passkeyRequired)
            #expect(try await world.session(bob).passkeyRequired == false)
        }
    }
}
