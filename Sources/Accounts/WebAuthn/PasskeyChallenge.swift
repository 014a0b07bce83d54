import Foundation
import Postgres
import Vault

/// What a passkey challenge is for (`passkey_challenges.purpose`): adding a passkey and the
/// second factor belong to a browser session, a passwordless sign-in to none.
public enum PasskeyPurpose: String, Sendable {
    case register
    case secondFactor = "second_factor"
    case signIn = "sign_in"
}

/// Passkey challenges (SPEC §10): 32 random bytes handed to the browser, stored only as their
/// MAC under the deployment's MAC key, answered at most once and within five minutes.
extension WebSessions {
    public static let challengeLifetime: TimeInterval = 300

    /// A new challenge for `purpose` (in `session`, except for a sign-in); expired ones go.
    func newChallenge(_ purpose: PasskeyPurpose, session: WebSession?) async throws -> [UInt8] {
        let challenge = try SecureRandom.bytes(32)
        try await pool.execute("DELETE FROM passkey_challenges WHERE expires_at < now()")
        try await pool.execute("""
            INSERT INTO passkey_challenges (challenge_mac, purpose, web_session_id, expires_at)
            VALUES (\(try challengeMAC(challenge)), \(purpose.rawValue), \(session?.id), now() + make_interval(secs => \(Self.challengeLifetime)))
            """)
        return challenge
    }

    /// Uses up `challenge`: it must be live, for `purpose` and of `session`. Whatever follows,
    /// it cannot be answered again. `WebAuthnError.unknownChallenge` otherwise.
    func consumeChallenge(_ challenge: [UInt8], _ purpose: PasskeyPurpose, session: WebSession?) async throws {
        guard challenge.count == 32 else { throw WebAuthnError.unknownChallenge }
        let used = try await pool.execute("""
            DELETE FROM passkey_challenges
            WHERE challenge_mac = \(try challengeMAC(challenge)) AND purpose = \(purpose.rawValue)
              AND web_session_id IS NOT DISTINCT FROM \(session?.id) AND expires_at > now()
            """)
        guard used == 1 else { throw WebAuthnError.unknownChallenge }
    }

    private func challengeMAC(_ challenge: [UInt8]) throws -> Data {
        Data(try box.mac(Array("passkey-challenge:".utf8) + challenge))
    }
}
