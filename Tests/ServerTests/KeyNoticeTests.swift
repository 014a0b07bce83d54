import Events
import Foundation
import Hummingbird
import HummingbirdTesting
import Policy
import Postgres
import Server
import ServerTestSupport
import Tenancy
import Testing
import Vault

/// The key events no request causes (SPEC §14): `key.expiring` 7 days and 1 day before
/// `expires_at` and `key.expired` after it, each once however many instances scan, noticed
/// within the scan interval; and `key.blocked`, one per key a policy change newly blocks.
@Suite struct KeyNoticeTests {
    static func keyID(_ world: ServerWorld, _ secret: String) async throws -> UUID {
        try await world.pool.query("SELECT id FROM api_keys WHERE prefix = \(String(secret.prefix(12)))")[0].decode(UUID.self, at: 0)
    }

    static func outbox(_ world: ServerWorld, _ type: String) async throws -> [String] {
        try await world.pool.query("SELECT payload FROM webhook_outbox WHERE type = \(type) ORDER BY id").map { try $0.decode(String.self, at: 0) }
    }

    /// A key expiring within a day is announced within a minute (the scan runs each second here,
    /// each 30 s by default), signed, once, though two instances scan.
    @Test func aKeyExpiringWithinADayIsAnnouncedOnceWithinTheInterval() async throws {
        try await WebhookReceiver.with { receiver in
            try await ServerWorld.with { world in
                let acme = try await WebhookTests.acme(world)
                let (_, secret) = try await world.client(settings: WebhookTests.settings) { client in
                    try await WebhookTests.endpoint(client, acme, url: receiver.url, events: ["key.expiring", "key.expired"])
                }
                let soon = try await world.key(for: acme.ada, organisation: acme.id, expiresAt: Date().addingTimeInterval(12 * 3600))
                let personal = try await world.key(for: acme.ada, expiresAt: Date().addingTimeInterval(3600))
                let started = ContinuousClock.now
                let scanners = (0..<2).map { _ in KeyNoticeScanner(pool: world.pool, interval: .seconds(1)) }
                let running = Task {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for scanner in scanners { group.addTask { try await scanner.run() } }
                        group.addTask { try await WebhookTests.dispatcher(world).run() }
                        try await group.waitForAll()
                    }
                }
                defer { running.cancel() }
                let received = try await receiver.waitFor(1, seconds: 60)
                let elapsed = ContinuousClock.now - started
                try #require(received.count == 1)
                #expect(elapsed < .seconds(60), "noticed in \(elapsed)")
                print("key.expiring delivered \(elapsed) after the key fell due (scan interval 1 s)")
                let payload = WebhookTests.payload(received[0])
                #expect(payload["type"] as? String == "key.expiring" && WebhookTests.verified(received[0], secret: secret))
                let data = payload["data"] as? [String: Any] ?? [:]
                #expect(data["id"] as? String == (try await Self.keyID(world, soon)).uuidString.lowercased())
                #expect(data["expires_at"] is String && data["hash"] == nil)
                // More scans give nothing more: once per notice, not per instance or per scan.
                for scanner in scanners { #expect(try await scanner.scan() == 0) }
                try await Task.sleep(for: .seconds(2))
                #expect(receiver.received.count == 1)
                let notices = try await world.pool.query("SELECT notice FROM key_notices").map { try $0.decode(String.self, at: 0) }
                #expect(notices == ["expiring_1d"], "the personal key (no organisation) is not announced")
                #expect(try await world.pool.query("SELECT count(*) FROM audit_events WHERE action = 'key.expiring'")[0].decode(Int.self, at: 0) == 1)
                _ = personal

                // Once past its expiry: key.expired, once.
                try await world.pool.execute("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = \(try await Self.keyID(world, soon))")
                let expired = try await receiver.waitFor(2, seconds: 30)
                try #require(expired.count == 2)
                #expect(WebhookTests.payload(expired[1])["type"] as? String == "key.expired")
                try await Task.sleep(for: .seconds(2))
                #expect(receiver.received.count == 2)
                running.cancel()
                _ = await running.result
            }
        }
    }

    /// Seven days out, then one day out: two notices, in order; a revoked key gets none; keys
    /// that expired before the notices existed are not announced (the migration marks them).
    @Test func sevenDaysThenOneDayAndNothingForRevokedKeys() async throws {
        try await ServerWorld.with { world in
            let acme = try await WebhookTests.acme(world)
            try await world.client(settings: WebhookTests.settings) { client in
                _ = try await WebhookTests.endpoint(client, acme, url: "http://127.0.0.1:9/hook", events: ["key.expiring", "key.expired"])
            }
            let week = try await world.key(for: acme.ada, organisation: acme.id, expiresAt: Date().addingTimeInterval(3 * 86400))
            _ = try await world.key(for: acme.ada, organisation: acme.id, expiresAt: Date().addingTimeInterval(3600), revoked: true)
            _ = try await world.key(for: acme.ada, organisation: acme.id, expiresAt: Date().addingTimeInterval(30 * 86400))
            let scanner = KeyNoticeScanner(pool: world.pool, interval: .seconds(1))
            #expect(try await scanner.scan() == 1)
            #expect(try await scanner.scan() == 0)
            let id = try await Self.keyID(world, week)
            try await world.pool.execute("UPDATE api_keys SET expires_at = now() + interval '2 hours' WHERE id = \(id)")
            #expect(try await scanner.scan() == 1)
            let notices = try await world.pool.query("SELECT notice FROM key_notices WHERE key_id = \(id) ORDER BY given_at, notice")
                .map { try $0.decode(String.self, at: 0) }
            #expect(Set(notices) == ["expiring_7d", "expiring_1d"] && notices.count == 2)
            #expect(try await Self.outbox(world, "key.expiring").count == 2)
            #expect(try await world.pool.query("SELECT count(*) FROM key_notices")[0].decode(Int.self, at: 0) == 2, "nothing for the revoked or the distant key")
        }
    }

    /// A tighter policy: one `key.blocked` per key it newly blocks (with the rule), none for keys
    /// already blocked or unaffected, none when nothing changes; loosening and tightening again
    /// blocks them anew.
    @Test func aPolicyChangeAnnouncesEachNewlyBlockedKey() async throws {
        try await ServerWorld.with { world in
            let acme = try await WebhookTests.acme(world)
            try await world.client(settings: WebhookTests.settings) { client in
                _ = try await WebhookTests.endpoint(client, acme, url: "http://127.0.0.1:9/hook", events: ["key.blocked"])
            }
            let open = try await world.key(for: acme.ada, organisation: acme.id)
            _ = try await world.key(for: acme.ada, organisation: acme.id, allowedCIDRs: ["10.0.0.0/8"])
            _ = try await world.key(for: acme.ada, organisation: acme.id, revoked: true)
            let elsewhere = try await world.organisation("beta", members: [(acme.ada, "viewer")])
            _ = try await world.key(for: acme.ada, organisation: elsewhere)
            let tenancy = Tenancy(vault: world.dependencies.vault)
            let cidrs = KeyPolicy(requireAllowedCIDRs: true)
            try await tenancy.setKeyPolicy(cidrs, organisationID: acme.id, actor: acme.owner, via: "api")
            var blocked = try await Self.outbox(world, "key.blocked")
            // The open key and the admin's own key (no allowlist either); not the allowlisted,
            // the revoked, or beta's.
            let ids = try await [Self.keyID(world, open), Self.keyID(world, acme.admin)].map { $0.uuidString.lowercased() }
            #expect(blocked.count == 2 && ids.allSatisfy { id in blocked.contains { $0.contains(id) } }, "\(blocked)")
            let rules = try await world.pool.query("SELECT detail->>'rule' FROM audit_events WHERE action = 'key.blocked'").map { try $0.decode(String.self, at: 0) }
            #expect(rules.count == 2 && rules.allSatisfy { $0.contains("require_allowed_cidrs") })

            // The same policy again, and a further rule that blocks no new key: nothing more.
            try await tenancy.setKeyPolicy(cidrs, organisationID: acme.id, actor: acme.owner, via: "api")
            try await tenancy.setKeyPolicy(KeyPolicy(requireAllowedCIDRs: true, requireApproval: true), organisationID: acme.id, actor: acme.owner, via: "api")
            #expect(try await Self.outbox(world, "key.blocked").count == 2)
            // Capabilities beyond the new maximum block the allowlisted key too (view+superuser of the admin's stays blocked).
            try await tenancy.setKeyPolicy(KeyPolicy(requireAllowedCIDRs: true, maxCapabilities: []), organisationID: acme.id, actor: acme.owner, via: "api")
            blocked = try await Self.outbox(world, "key.blocked")
            #expect(blocked.count == 3, "\(blocked)")
            // Open again, then tight again: blocked anew.
            try await tenancy.setKeyPolicy(.open, organisationID: acme.id, actor: acme.owner, via: "api")
            #expect(try await Self.outbox(world, "key.blocked").count == 3)
            try await tenancy.setKeyPolicy(cidrs, organisationID: acme.id, actor: acme.owner, via: "cli")
            #expect(try await Self.outbox(world, "key.blocked").count == 5)
        }
    }
}
