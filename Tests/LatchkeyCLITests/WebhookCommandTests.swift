import Foundation
import Postgres
import TestSupport
import Testing

/// `latchkey orgs webhooks <slug> list|add|remove|deliveries` (SPEC §14): the secret printed once
/// alone on its line and stored sealed, the endpoints listed without it, bad input refused naming
/// what is wrong and changing nothing, another organisation's endpoint not reachable by its id.
@Suite("webhook command")
struct WebhookCommandTests {
    static let secretKey = Data(repeating: 9, count: 32).base64EncodedString()

    @Test func operatorsAddListShowAndRemoveWebhooks() async throws {
        try await LatchkeyCommand.withMigrated { plain, pool in
            var latchkey = plain
            latchkey.environment = ["LATCHKEY_SECRET_KEY": Self.secretKey, "LATCHKEY_WEBHOOK_TARGETS": "any"]
            #expect(try latchkey("orgs", "create", "--slug", "acme", "--name", "Acme").status == 0)
            #expect(try latchkey("orgs", "create", "--slug", "beta", "--name", "Beta").status == 0)
            #expect(try latchkey("orgs", "webhooks", "acme", "list").lines == [])

            let added = try latchkey("orgs", "webhooks", "acme", "add", "--url", "http://127.0.0.1:9/hook", "--event", "key.revoked", "--event", "policy.updated")
            #expect(added.status == 0 && added.lines.count == 1, "\(added.stdout) \(added.stderr)")
            let secret = added.lines.first ?? ""
            #expect(secret.hasPrefix("whsec_") && Data(base64Encoded: String(secret.dropFirst(6)))?.count == 32)
            let stored = try await pool.query("SELECT id, secret, organisation_id = (SELECT id FROM organisations WHERE slug = 'acme') FROM webhook_endpoints")
            try #require(stored.count == 1)
            let (storedID, sealed, inAcme) = try stored[0].decode((UUID, String, Bool).self)
            #expect(sealed != secret && !sealed.contains(secret) && inAcme, "sealed, in acme")
            let id = storedID.uuidString.lowercased()
            #expect(try await pool.query("SELECT count(*) FROM audit_events WHERE action = 'webhook.created' AND actor_id IS NULL")[0].decode(Int.self, at: 0) == 1)

            let listed = try latchkey("orgs", "webhooks", "acme", "list")
            #expect(listed.lines == ["\(id)\thttp://127.0.0.1:9/hook\tkey.revoked,policy.updated\tenabled"], "\(listed.stdout)")
            #expect(!listed.stdout.contains(secret))
            #expect(try latchkey("orgs", "webhooks", "beta", "list").lines == [], "beta has none")

            // A delivery recorded by a sender shows as a line.
            try await pool.execute("""
                INSERT INTO webhook_deliveries (endpoint_id, event_id, type, status, attempt, duration_ms)
                VALUES (\(UUID(uuidString: id)!), 'msg_1', 'key.revoked', 503, 2, 41)
                """)
            let deliveries = try latchkey("orgs", "webhooks", "acme", "deliveries", id)
            #expect(deliveries.status == 0 && deliveries.lines.count == 1 && deliveries.lines[0].hasSuffix("\tkey.revoked\t503\t2\t41\tmsg_1"), "\(deliveries.stdout)")

            // Refusals: one line saying why, exit non-zero, nothing written.
            let before = try await pool.query("SELECT count(*) FROM webhook_endpoints")[0].decode(Int.self, at: 0)
            for (arguments, words) in [
                (["acme", "add", "--url", "http://127.0.0.1:9/x", "--event", "key.launched"], "unknown event type"),
                (["acme", "add", "--url", "ftp://example.com/x", "--event", "key.revoked"], "http"),
                (["acme", "add", "--url", "http://127.0.0.1:9/x"], "--event"),
                (["acme", "remove"], "id"),
                (["acme", "list", id], "list takes no id"),
                (["nowhere", "list"], "nowhere"),
                (["beta", "remove", id], "no webhook"),
                (["beta", "deliveries", id], "no webhook"),
                (["acme", "remove", "not-a-uuid"], "no webhook"),
                (["acme", "launch"], "launch"),
            ] {
                let refused = try latchkey(["orgs", "webhooks"] + arguments)
                #expect(refused.status != 0 && refused.stderr.lowercased().contains(words.lowercased()), "\(arguments): \(refused.stderr)")
            }
            // Public targets only (the default): a loopback URL is refused; without the secret key, nothing can be added.
            var publicOnly = plain
            publicOnly.environment = ["LATCHKEY_SECRET_KEY": Self.secretKey]
            #expect(try publicOnly("orgs", "webhooks", "acme", "add", "--url", "https://127.0.0.1/x", "--event", "key.revoked").status != 0)
            let keyless = try plain("orgs", "webhooks", "acme", "add", "--url", "https://hooks.example.com/x", "--event", "key.revoked")
            #expect(keyless.status != 0 && keyless.stderr.contains("LATCHKEY_SECRET_KEY"), "\(keyless.stderr)")
            #expect(try await pool.query("SELECT count(*) FROM webhook_endpoints")[0].decode(Int.self, at: 0) == before)

            let removed = try latchkey("orgs", "webhooks", "acme", "remove", id)
            #expect(removed.status == 0 && removed.lines == ["removed webhook \(id)"], "\(removed.stderr)")
            #expect(try latchkey("orgs", "webhooks", "acme", "list").lines == [])
            #expect(try await pool.query("SELECT count(*) FROM audit_events WHERE action = 'webhook.deleted'")[0].decode(Int.self, at: 0) == 1)
        }
    }
}
