import Foundation
import Hummingbird
import HummingbirdTesting
import Policy
import Postgres
import Server
import ServerTestSupport
import Testing
import Vault

/// Key requests in the console (SPEC §14): a member of an organisation that requires approval
/// asks (**Request key**), an admin approves or denies at `/org/<slug>/requests` (with a note),
/// and the member collects the key once (**Collect key**, shown in `<code id="new-key">`).
/// Nobody reaches another organisation's requests, and a refusal is shown in words.
@Suite struct ConsoleKeyRequestTests {
    @Test func aMemberRequestsAnAdminApprovesTheMemberCollectsOnce() async throws {
        try await ServerWorld.with { world in
            let admin = try await world.person("admin", tier: .organisation)
            let member = try await world.person("member", tier: .organisation)
            let outsider = try await world.person("outsider", tier: .organisation)
            let acme = try await world.organisation("acme", members: [(admin, "admin"), (member, "viewer")])
            _ = try await world.organisation("beta", owner: outsider, members: [(outsider, "admin")])
            try await world.pool.execute("INSERT INTO key_policies (organisation_id, require_approval) VALUES (\(acme), true)")
            try await world.client(settings: ServerWorld.consoleSettings) { client in
                let asker = try await ConsoleSafetyTests.signedIn(client, "member")
                let keys = try await asker.get("/account/keys")
                #expect(keys.html.contains(#"action="/account/keys/request""#) && keys.html.contains(">Request key</button>"), "the keys page offers a request")
                // Generating a key in acme directly is refused in words.
                let direct = try await asker.post("/account/keys", [("csrf", keys.csrf), ("name", "x"), ("organisation", "acme"), ("capabilities", "view")])
                #expect(direct.status == .forbidden && direct.code(id: "new-key") == nil && direct.html.contains("Not allowed"), "\(direct.status)")

                let form = try await asker.get("/account/keys/request")
                #expect(form.status == .ok)
                for label in ["Name", "Expires", "Allowed addresses", "Reason"] { #expect(form.html.contains(">\(label)</label>"), "\(label)") }
                #expect(form.html.contains(">Request key</button>") && !form.html.contains(#"value="superuser""#))
                let noReason = try await asker.post("/account/keys/request", [("csrf", form.csrf), ("organisation", "acme"), ("name", "Export"), ("capabilities", "view")])
                #expect(noReason.status == .badRequest && noReason.html.contains("needs a reason"), "\(noReason.status)")
                let badRange = try await asker.post("/account/keys/request", [
                    ("csrf", form.csrf), ("organisation", "acme"), ("name", "Export"), ("capabilities", "view"), ("allowed_cidrs", "nowhere"), ("reason", "r"),
                ])
                #expect(badRange.status == .badRequest)
                #expect(try await world.pool.query("SELECT count(*) FROM key_requests")[0].decode(Int.self, at: 0) == 0, "nothing stored")

                let asked = try await asker.post("/account/keys/request", [
                    ("csrf", form.csrf), ("organisation", "acme"), ("name", "Nightly export"), ("capabilities", "view"), ("capabilities", "edit"),
                    ("allowed_cidrs", "10.0.0.0/8"), ("reason", "The nightly export to the warehouse"),
                ])
                #expect(asked.location == "/account/keys?requested=1", "\(asked.status) \(asked.html)")
                let waiting = try await asker.get("/account/keys?requested=1")
                #expect(waiting.html.contains("Nightly export") && waiting.html.contains(#"<span class="status pending">pending</span>"#))
                #expect(!waiting.html.contains(">Collect key</button>"))
                let id = try await world.pool.query("SELECT id FROM key_requests")[0].decode(UUID.self, at: 0).uuidString.lowercased()
                #expect(try await asker.get("/org/acme/requests").status == .notFound, "a member decides nothing")
                #expect(try await asker.post("/org/acme/requests/\(id)", [("csrf", form.csrf), ("decision", "approve")]).status == .notFound)

                // The admin approves, with a note; another organisation's admin cannot.
                let approver = try await ConsoleSafetyTests.signedIn(client, "admin")
                let pending = try await approver.get("/org/acme/requests")
                #expect(pending.status == .ok && pending.html.contains("The nightly export to the warehouse"))
                #expect(pending.html.contains(#"value="approve">Approve</button>"#) && pending.html.contains(#"value="deny" class="danger">Deny</button>"#))
                #expect(pending.html.contains(#"<label for="note-\#(id)">Note</label>"#))
                let stranger = try await ConsoleSafetyTests.signedIn(client, "outsider")
                #expect(try await stranger.get("/org/acme/requests").status == .notFound)
                let strangerPage = try await stranger.get("/org/beta/requests")
                #expect(strangerPage.status == .ok && !strangerPage.html.contains("Nightly export"))
                #expect(try await stranger.post("/org/beta/requests/\(id)", [("csrf", strangerPage.csrf), ("decision", "approve")]).status == .notFound)

                let approved = try await approver.post("/org/acme/requests/\(id)", [("csrf", pending.csrf), ("decision", "approve"), ("note", "Until the migration ends")])
                #expect(approved.location == "/org/acme/requests?decided=approved", "\(approved.status) \(approved.html)")
                let twice = try await approver.post("/org/acme/requests/\(id)", [("csrf", pending.csrf), ("decision", "deny")])
                #expect(twice.status == .conflict && twice.html.contains("approved"), "\(twice.status)")

                // The member collects the key once.
                let ready = try await asker.get("/account/keys")
                #expect(ready.html.contains(">Collect key</button>") && ready.html.contains("Until the migration ends"))
                let collected = try await asker.post("/account/keys/requests/\(id)/collect", [("csrf", ready.csrf)])
                #expect(collected.status == .created, "\(collected.status)")
                let key = try #require(collected.code(id: "new-key"))
                #expect(try await world.dependencies.vault.verify(key).from("10.1.2.3").status == .valid, "the key works from its range")
                let stored = try await world.pool.query("SELECT user_id, organisation_id, capabilities, created_by FROM api_keys WHERE name = 'Nightly export'")
                let (owner, organisation, capabilities, issuer) = try #require(stored.first).decode((Int64, Int64?, [String], Int64?).self)
                #expect(owner == member && organisation == acme && capabilities == ["view", "edit"] && issuer == admin)
                let again = try await asker.post("/account/keys/requests/\(id)/collect", [("csrf", ready.csrf)])
                #expect(again.status == .conflict && again.code(id: "new-key") == nil && again.html.contains("already collected"))
                #expect(!(try await asker.get("/account/keys").html.contains(key)), "shown once")

                // A denial reaches the member with its note.
                let second = try await asker.post("/account/keys/request", [
                    ("csrf", form.csrf), ("organisation", "acme"), ("name", "Another"), ("capabilities", "view"), ("reason", "Just in case"),
                ])
                #expect(second.location == "/account/keys?requested=1")
                let other = try await world.pool.query("SELECT id FROM key_requests WHERE name = 'Another'")[0].decode(UUID.self, at: 0).uuidString.lowercased()
                let denied = try await approver.post("/org/acme/requests/\(other)", [("csrf", pending.csrf), ("decision", "deny"), ("note", "Use the shared one")])
                #expect(denied.location == "/org/acme/requests?decided=denied")
                let after = try await asker.get("/account/keys")
                #expect(after.html.contains(#"<span class="status denied">denied</span>"#) && after.html.contains("Use the shared one"))
                #expect(try await asker.post("/account/keys/requests/\(other)/collect", [("csrf", ready.csrf)]).status == .conflict)
            }
            let actions = try await world.pool.query("SELECT action FROM audit_events WHERE organisation_id = \(acme) ORDER BY id").map { try $0.decode(String.self, at: 0) }
            for action in ["key.requested", "key.request_approved", "key.collected", "key.issued", "key.request_denied"] {
                #expect(actions.contains(action), "\(action) in \(actions)")
            }
        }
    }
}
