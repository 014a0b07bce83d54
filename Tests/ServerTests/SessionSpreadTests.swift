import Accounts
import Foundation
import Hummingbird
import HummingbirdTesting
import ServerTestSupport
import Testing
import Vault

/// API sessions (`authtoken`) are held in memory on every instance like keys (issue #32), so
/// each way a session ends must reach the other instances: ended (logout), its key revoked, its
/// user's password changed — on one instance, the other refuses it within a second and the one
/// that made the change at once — or ended by an operator's SQL (every instance within a second).
@Suite struct SessionSpreadTests {
    enum Ending: CaseIterable {
        case logout, keyRevoked, passwordChanged, sql
    }

    @Test func sessionsEndedOnOneInstanceAreRefusedByTheOther() async throws {
        try await ServerWorld.twoInstances { a, b in
            let alice = try await a.user("alice")
            try await a.client { onA in
                try await b.client { onB in
                    for ending in Ending.allCases {
                        let key = try await a.key(for: alice)
                        let login = try await onA.send("/api/auth/login/", method: .post, body: #"{"apikey":"\#(key)"}"#)
                        let token = try #require(login.object["token-id"] as? String)
                        let session: HTTPFields = [HTTPFields.Element.Name("authtoken")!: token]
                        // Both instances read the session, and then answer from memory.
                        for client in [onA, onB] as [any TestClientProtocol] {
                            #expect(try await client.send("/api/surveys/", headers: session).status == .ok)
                            #expect(try await client.send("/api/surveys/", headers: session).status == .ok)
                        }
                        switch ending {
                        case .logout:
                            #expect(try await onA.send("/api/auth/logout/", method: .post, headers: session).status == .ok)
                        case .keyRevoked:
                            #expect(try await onA.send("/api/keys/current/", method: .delete, key: key).status == .noContent)
                        case .passwordChanged:
                            _ = try await Accounts(vault: a.dependencies.vault).setPassword(username: "alice", password: "another password \(token.prefix(6))")
                        case .sql:
                            try await a.pool.execute("UPDATE session_tokens SET revoked_at = now() WHERE revoked_at IS NULL")
                        }
                        let ended = ContinuousClock.now
                        if ending != .sql {
                            #expect(try await onA.send("/api/surveys/", headers: session).status == .unauthorized, "\(ending) on A")
                        }
                        var refusedByB = false
                        while ContinuousClock.now - ended < .seconds(5) {
                            if try await onB.send("/api/surveys/", headers: session).status == .unauthorized { refusedByB = true; break }
                            try await Task.sleep(for: .milliseconds(5))
                        }
                        let took = ContinuousClock.now - ended
                        #expect(refusedByB && took <= .seconds(1), "\(ending): B refused the session after \(took)")
                        #expect(try await onA.send("/api/surveys/", headers: session).status == .unauthorized, "\(ending) on A")
                    }
                }
            }
        }
    }
}
