import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServerTestSupport
import Testing
import TestSupport
import Vault

/// `POST /v1/keys/revoke-leaked` (SPEC §2): holding a key is proof enough to kill it; the answer
/// never tells which strings were keys.
@Suite struct LeakTests {
    static func report(_ client: some TestClientProtocol, _ body: String) async throws -> Reply {
        try await client.send("/v1/keys/revoke-leaked", method: .post, body: body)
    }

    @Test func leakedKeysDieAtOnceAndTheAnswerSaysNothing() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.user("ada")
            let leaked = try await world.key(for: ada)
            let kept = try await world.key(for: ada)
            let unknown = try KeyFormat.generate(.live).secret
            try await world.client { client in
                let login = try await client.send("/api/auth/login/", method: .post, body: #"{"apikey":"\#(leaked)"}"#)
                let token = try #require(login.object["token-id"] as? String)
                let before = try await world.tableFingerprints()

                // Strings that are no live key change nothing, and get the same answer.
                let nothing = try await Self.report(client, #"{"credentials":["\#(unknown)","not a key","ct_live_short","\#(unknown)"]}"#)
                #expect(nothing.status == .accepted && nothing.text == #"{"accepted":4}"#)
                #expect(try await world.tableFingerprints() == before)

                let reply = try await Self.report(client, #"{"credentials":["\#(leaked)","not a key","\#(unknown)","\#(leaked)"]}"#)
                #expect(reply.status == .accepted && reply.text == nothing.text, "no oracle")
                #expect(try await client.send("/api/surveys/", key: leaked).status == .unauthorized)
                #expect(try await client.send("/api/surveys/", headers: [HTTPFields.Element.Name("authtoken")!: token]).status == .unauthorized)
                #expect(try await client.send("/api/surveys/", key: kept).status == .ok)
                let audit = try await world.pool.query("""
                    SELECT detail->>'source', detail->>'reason' FROM audit_events WHERE action = 'key.revoked_leak'
                    """).map { try $0.decode((String?, String?).self) }
                #expect(audit.count == 1 && audit[0] == ("revoke-leaked", "leaked"))
                #expect(try await world.pool.query("SELECT revoke_reason FROM api_keys WHERE revoked_at IS NOT NULL")[0].decode(String.self, at: 0) == "leaked")
                // Again: still 202, nothing more.
                #expect(try await Self.report(client, #"{"credentials":["\#(leaked)"]}"#).status == .accepted)
                #expect(try await world.pool.query("SELECT count(*) FROM audit_events WHERE action = 'key.revoked_leak'")[0].decode(Int.self, at: 0) == 1)
            }
        }
    }

    @Test func badReportsAre400AndChangeNothing() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.user("ada")
            let key = try await world.key(for: ada)
            let many = (0...1_000).map { _ in #""\#(key)""# }.joined(separator: ",")
            try await world.client { client in
                let before = try await world.tableFingerprints()
                for body in ["", "{}", #"{"credentials":[]}"#, #"{"credentials":"\#(key)"}"#, #"{"credentials":[42]}"#,
                             #"{"credentials":["\#(key)"],"extra":1}"#, "[1]", "nope", #"{"credentials":[\#(many)]}"#] {
                    let reply = try await Self.report(client, body)
                    #expect(reply.status == .badRequest, "\(body.prefix(60)): \(reply.status)")
                }
                #expect(try await world.tableFingerprints() == before)
                #expect(try await client.send("/api/surveys/", key: key).status == .ok)
                #expect(try await client.send("/v1/keys/revoke-leaked").status == .methodNotAllowed)
            }
        }
    }

    @Test func theOtherInstanceRefusesALeakedKeyWithinASecond() async throws {
        try await ServerWorld.twoInstances { a, b in
            let ada = try await a.user("ada")
            let key = try await a.key(for: ada)
            try await b.client { onB in
                // B has verified the key and keeps it in its cache.
                #expect(try await onB.send("/api/surveys/", key: key).status == .ok)
                let (reported, after) = try await a.client { onA in
                    (try await Self.report(onA, #"{"credentials":["\#(key)"]}"#).status, try await onA.send("/api/surveys/", key: key).status)
                }
                #expect(reported == .accepted && after == .unauthorized)
                let start = ContinuousClock.now
                var refused = false
                while !refused, ContinuousClock.now - start < .seconds(1) {
                    refused = try await onB.send("/api/surveys/", key: key).status == .unauthorized
                    if !refused { try await Task.sleep(for: .milliseconds(10)) }
                }
                #expect(refused, "the other instance still accepted the key 1 s after the report")
                print("leaked key refused by the other instance after \(ContinuousClock.now - start)")
            }
        }
    }
}
