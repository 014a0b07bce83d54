import Foundation
import Hummingbird
import Postgres
import ServerTestSupport
import TestSupport
import Testing

/// Bearer keys → caller, or 401/403/503 exactly as SPEC §3 words them.
@Suite struct AuthenticationTests {
    static let challenge = #"Bearer realm="api""#

    @Test func everyKeyStatusMapsToItsAnswer() async throws {
        try await ServerWorld.with { world in
            let paid = try await world.user("paid")
            let free = try await world.user("free", tier: .free)
            let gone = try await world.user("gone", active: false)
            let valid = try await world.key(for: paid)
            let expired = try await world.key(for: paid, expiresAt: Date(timeIntervalSinceNow: -60))
            let revoked = try await world.key(for: paid, revoked: true)
            let freeKey = try await world.key(for: free)
            let inactive = try await world.key(for: gone)
            var characters = Array(valid)
            characters[20] = characters[20] == "a" ? "b" : "a"
            let flipped = String(characters)
            let unknown = try KeyFormatSample.wellFormedUnknown()

            try await world.client { client in
                let reply1 = try await client.send("/api/surveys/", key: valid)
                #expect(reply1.status == .ok)

                for (label, key) in [("malformed", "ct_live_nope"), ("checksum", flipped), ("unknown", unknown),
                                     ("revoked", revoked), ("inactive", inactive)] {
                    let reply = try await client.send("/api/surveys/", key: key)
                    #expect(reply.status == .unauthorized, "\(label)")
                    #expect(reply.detail == "Invalid API key.", "\(label)")
                    #expect(reply.headers[.wwwAuthenticate] == Self.challenge, "\(label)")
                }

                let late = try await client.send("/api/surveys/", key: expired)
                #expect(late.status == .unauthorized)
                #expect(late.detail == "API key has expired.")
                #expect(late.headers[.wwwAuthenticate] == Self.challenge)

                let poor = try await client.send("/api/surveys/", key: freeKey)
                #expect(poor.status == .forbidden)
                #expect(poor.detail == "API access requires a paid account tier.")
            }
        }
    }

    @Test func otherAuthorizationSchemesAreInvalidKeys() async throws {
        try await ServerWorld.with { world in
            try await world.client { client in
                for value in ["Basic dXNlcjpwYXNz", "Bearer", "Bearer a b", "Token ct_live_x", ""] {
                    let reply = try await client.send("/api/surveys/", headers: [.authorization: value])
                    #expect(reply.status == .unauthorized, "\(value)")
                    #expect(reply.detail == "Invalid API key.", "\(value)")
                }
            }
        }
    }

    @Test func healthNeedsNoCredentials() async throws {
        try await ServerWorld.with { world in
            try await world.client { client in
                let reply = try await client.send("/api/health")
                #expect(reply.status == .ok)
                #expect(reply.text == #"{"status":"ok"}"#)
            }
        }
    }

    @Test func databaseOutageAnswers503NotA500() async throws {
        try await TestDatabase.withMigratedPoolForOutage { deadPool in
            let world = ServerWorld(pool: deadPool)
            let key = try KeyFormatSample.wellFormedUnknown()
            try await world.client { client in
                let auth = try await client.send("/api/surveys/", key: key)
                #expect(auth.status == .serviceUnavailable)
                #expect(auth.headers[.contentType] == "application/json")
                #expect(auth.detail != nil)
                let reply2 = try await client.send("/api/health")
                #expect(reply2.status == .serviceUnavailable)
            }
        }
    }
}
