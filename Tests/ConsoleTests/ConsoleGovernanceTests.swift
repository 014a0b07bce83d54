import Console
import Events
import Foundation
import Hummingbird
import HummingbirdTesting
import Policy
import Postgres
import Server
import ServerTestSupport
import Testing
import Vault

/// An organisation's key policy and webhooks in the console (SPEC §14): for its admins and owner
/// only, the API's rules and words, every change audited, and never another organisation's.
@Suite struct ConsoleGovernanceTests {
    @Test func anAdminReadsAndChangesTheKeyPolicyWithTheAPIsWords() async throws {
        try await ServerWorld.with { world in
            let admin = try await world.person("admin", tier: .organisation)
            let member = try await world.person("member", tier: .organisation)
            let acme = try await world.organisation("acme", members: [(admin, "admin"), (member, "viewer")])
            try await world.client(settings: ServerWorld.consoleSettings) { client in
                let browser = try await ConsoleSafetyTests.signedIn(client, "admin")
                #expect(try await browser.get("/org/acme/keys").html.contains(#"<a href="/org/acme/policy">Key policy</a>"#), "the admin pages link it")
                let page = try await browser.get("/org/acme/policy")
                #expect(page.status == .ok && page.html.contains(#"<label for="max_lifetime_days">"#) && page.html.contains(">Save policy</button>"))
                #expect(page.html.contains(#"<a href="/org/acme/policy" aria-current="page">Key policy</a>"#))

                let saved = try await browser.post("/org/acme/policy", [
                    ("csrf", page.csrf), ("max_lifetime_days", "30"), ("require_expiry", "true"), ("limit_capabilities", "true"),
                    ("max_capabilities", "view"), ("max_capabilities", "add"),
                ])
                #expect(saved.location == "/org/acme/policy?saved=1", "\(saved.html)")
                let wanted = KeyPolicy(maxLifetimeDays: 30, requireExpiry: true, maxCapabilities: [.view, .add])
                let stored = try await world.pool.withConnection { try await KeyPolicy.read(organisation: acme, on: $0) }
                #expect(stored == wanted)
                let audit = try await world.pool.query("""
                    SELECT actor_id, detail->>'via', detail->'after'->>'max_lifetime_days' FROM audit_events WHERE action = 'policy.updated'
                    """).map { try $0.decode((Int64?, String, String).self) }
                #expect(audit.count == 1 && audit.first?.0 == admin && audit.first?.1 == "console" && audit.first?.2 == "30")
                let shown = try await browser.get("/org/acme/policy?saved=1")
                #expect(shown.html.contains("The key policy is saved.") && shown.field("max_lifetime_days") == "30")
                #expect(shown.html.contains(#"name="require_expiry" value="true" checked"#) && !shown.html.contains(#"name="require_approval" value="true" checked"#))
                #expect(shown.html.contains(#"name="max_capabilities" value="view" checked"#) && !shown.html.contains(#"name="max_capabilities" value="edit" checked"#))

                // Bad values: the API's words, 400, nothing changed, what was typed kept.
                for (field, value, words) in [
                    ("max_lifetime_days", "0", "'max_lifetime_days' must be null or an integer from 1 to 3650"),
                    ("max_lifetime_days", "thirty", "'max_lifetime_days' must be null or an integer from 1 to 3650"),
                    ("max_capabilities", "launch", "'max_capabilities' may hold only view, add, edit, delete and superuser"),
                ] {
                    var fields = [("csrf", page.csrf), ("limit_capabilities", "true"), (field, value)]
                    if field != "max_capabilities" { fields.append(("max_capabilities", "view")) }
                    let refused = try await browser.post("/org/acme/policy", fields)
                    #expect(refused.status == .badRequest && refused.html.contains(HTML.escape(words)), "\(field)=\(value): \(refused.html)")
                    if field == "max_lifetime_days" { #expect(refused.field("max_lifetime_days") == value) }
                }
                #expect(try await world.pool.withConnection { try await KeyPolicy.read(organisation: acme, on: $0) } == wanted)
                // A form without the session's token changes nothing.
                #expect(try await browser.post("/org/acme/policy", [("csrf", "x"), ("max_lifetime_days", "")]).status == .forbidden)
                // Loosening it back: an empty lifetime is no limit, unticked capabilities any.
                #expect(try await browser.post("/org/acme/policy", [("csrf", page.csrf), ("max_lifetime_days", "")]).location == "/org/acme/policy?saved=1")
                #expect(try await world.pool.withConnection { try await KeyPolicy.read(organisation: acme, on: $0) } == .open)
            }
            try await world.client(settings: ServerWorld.consoleSettings) { client in
                let browser = try await ConsoleSafetyTests.signedIn(client, "member")
                let csrf = try await browser.get("/account/keys").csrf
                #expect(try await browser.get("/org/acme/policy").status == .notFound)
                #expect(try await browser.post("/org/acme/policy", [("csrf", csrf), ("require_expiry", "true")]).status == .notFound)
                #expect(try await world.pool.withConnection { try await KeyPolicy.read(organisation: acme, on: $0) } == .open)
            }
        }
    }

    /// Add an endpoint (secret once), list it, send a test event through the outbox to a real
    /// receiver, see the delivery, delete it after a confirmation.
    @Test func anAdminManagesWebhooksAndSendsATestEvent() async throws {
        try await ServerWorld.with { world in
            let admin = try await world.person("admin", tier: .organisation)
            let deputy = try await world.person("deputy", tier: .organisation)
            let acme = try await world.organisation("acme", members: [(admin, "admin"), (deputy, "admin")])
            try await WebhookReceiver.with { receiver in
                try await world.client(settings: APISettings(secretBox: ServerWorld.secretBox, webhookTargets: .any)) { client in
                    let browser = try await ConsoleSafetyTests.signedIn(client, "admin")
                    #expect(try await browser.get("/org/acme/keys").html.contains(#"<a href="/org/acme/webhooks">Webhooks</a>"#))
                    let page = try await browser.get("/org/acme/webhooks")
                    #expect(page.status == .ok && page.html.contains("No endpoints yet.") && page.html.contains(#"<label for="url">URL</label>"#))
                    #expect(page.html.contains(#"value="key.expiring""#) && page.html.contains(">Add endpoint</button>"))

                    let refused = try await browser.post("/org/acme/webhooks", [("csrf", page.csrf), ("url", receiver.url), ("events", "key.launched")])
                    #expect(refused.status == .badRequest && refused.html.contains("Unknown event type") && refused.field("url") == receiver.url)
                    let none = try await browser.post("/org/acme/webhooks", [("csrf", page.csrf), ("url", receiver.url)])
                    #expect(none.status == .badRequest && none.html.contains("Events must name at least one event type"))
                    #expect(try await world.pool.query("SELECT count(*) FROM webhook_endpoints").first?.decode(Int.self, at: 0) == 0)

                    let added = try await browser.post("/org/acme/webhooks", [
                        ("csrf", page.csrf), ("url", receiver.url), ("events", "key.revoked"), ("events", "policy.updated"),
                    ])
                    #expect(added.status == .created, "\(added.html)")
                    let secret = try #require(added.code(id: "webhook-secret"))
                    #expect(secret.hasPrefix("whsec_"))
                    #expect(added.html.contains("key.revoked, policy.updated") && added.html.contains("enabled"))
                    let listed = try await browser.get("/org/acme/webhooks")
                    #expect(!listed.html.contains(secret) && listed.html.contains(receiver.url), "the secret is shown once")
                    let id = try await world.pool.query("SELECT id FROM webhook_endpoints WHERE organisation_id = \(acme)")[0].decode(UUID.self, at: 0)
                    let path = "/org/acme/webhooks/\(id.uuidString.lowercased())"
                    let detail = try await browser.get(path)
                    #expect(detail.status == .ok && detail.html.contains("Nothing delivered yet.") && detail.html.contains(">Send test event</button>"))

                    #expect(try await browser.post("\(path)/test", [("csrf", detail.csrf)]).location == "\(path)?sent=1")
                    let dispatcher = WebhookDispatcher(pool: world.pool, secretBox: ServerWorld.secretBox, targets: .any, timeout: 5)
                    #expect(await dispatcher.deliverDue() == 1)
                    let received = try await receiver.waitFor(1)
                    #expect(received.count == 1)
                    let event = try #require(received.first)
                    #expect(event.text.contains(#""type": "webhook.test""#) || event.text.contains(#""type":"webhook.test""#), "\(event.text)")
                    #expect(WebhookSignature.verify(id: event.id, timestamp: Int64(event.timestamp) ?? 0, body: event.body, header: event.signature,
                                                    secret: secret, now: Int64(Date().timeIntervalSince1970)))
                    let deliveries = try await browser.get(path)
                    #expect(deliveries.html.contains("<td>webhook.test</td>") && deliveries.html.contains(">200</span>") && deliveries.html.contains(" ms</td>"))
                    #expect(try await world.pool.query("SELECT count(*) FROM audit_events WHERE action = 'webhook.tested'")[0].decode(Int.self, at: 0) == 1)

                    let confirm = try await browser.get("\(path)/delete")
                    #expect(confirm.status == .ok && confirm.html.contains(receiver.url) && confirm.html.contains(#"<button type="submit" class="danger">Delete</button>"#))
                    #expect(try await world.pool.query("SELECT count(*) FROM webhook_endpoints").first?.decode(Int.self, at: 0) == 1, "the confirmation page deletes nothing")
                    #expect(try await browser.post("\(path)/delete", [("csrf", confirm.csrf)]).location == "/org/acme/webhooks?deleted=1")
                    #expect(try await world.pool.query("SELECT count(*) FROM webhook_endpoints").first?.decode(Int.self, at: 0) == 0)
                    #expect(try await browser.get(path).status == .notFound)
                    #expect(try await browser.post("\(path)/test", [("csrf", confirm.csrf)]).status == .notFound)
                }
            }
            // With public targets only, a loopback URL is refused in words.
            try await world.client(settings: ServerWorld.consoleSettings) { client in
                let browser = try await ConsoleSafetyTests.signedIn(client, "deputy")
                let page = try await browser.get("/org/acme/webhooks")
                let refused = try await browser.post("/org/acme/webhooks", [("csrf", page.csrf), ("url", "http://127.0.0.1:9/hook"), ("events", "key.revoked")])
                #expect(refused.status == .badRequest && refused.code(id: "webhook-secret") == nil)
                #expect(try await world.pool.query("SELECT count(*) FROM webhook_endpoints").first?.decode(Int.self, at: 0) == 0)
            }
        }
    }
}
