import Foundation
import Hummingbird
import HummingbirdTesting
import Policy
import Postgres
import Server
import ServerTestSupport
import Testing
import Usage
import Vault

/// The organisation admin pages (SPEC §10): members' keys, **Issue key**, **Revoke** and the
/// audit log — for the organisation's admins and owner only, and never another organisation's.
@Suite struct ConsoleAdminTests {
    @Test func anAdminIssuesAndRevokesMembersKeysAndReadsTheAuditLog() async throws {
        try await ServerWorld.with { world in
            let admin = try await world.person("admin", tier: .organisation)
            let member = try await world.person("member", tier: .organisation)
            let outsider = try await world.person("outsider", tier: .organisation)
            let acme = try await world.organisation("acme", members: [(admin, "admin"), (member, "viewer")])
            let beta = try await world.organisation("beta", owner: outsider, members: [(outsider, "admin"), (member, "viewer")])
            let betaKey = try await world.key(for: member, organisation: beta)
            try await world.client(settings: ServerWorld.consoleSettings) { client in
                let browser = try await ConsoleSafetyTests.signedIn(client, "admin")
                let keys = try await browser.get("/org/acme/keys")
                #expect(keys.status == .ok)
                #expect(keys.html.contains(#"<label for="member">Member</label>"#) && keys.html.contains(">Issue key</button>"))
                #expect(!keys.html.contains(String(betaKey.prefix(12))), "another organisation's key is not listed")
                #expect(try await browser.get("/account/keys").html.contains("/org/acme/keys"), "the frame links the admin page")

                let issued = try await browser.post("/org/acme/keys", [
                    ("csrf", keys.csrf), ("member", "member"), ("name", "Member pipeline"), ("capabilities", "view"), ("capabilities", "edit"),
                ])
                #expect(issued.status == .created, "\(issued.html)")
                let key = try #require(issued.code(id: "new-key"))
                let stored = try await world.pool.query("SELECT user_id, organisation_id, capabilities FROM api_keys WHERE name = 'Member pipeline'")[0]
                    .decode((Int64, Int64?, [String]).self)
                #expect(stored.0 == member && stored.1 == acme && stored.2 == ["view", "edit"])
                #expect(try await client.send("/api/surveys/", key: key).status == .ok)

                // Not a member, or a member of another organisation: refused in words, nothing issued.
                let stranger = try await browser.post("/org/acme/keys", [("csrf", keys.csrf), ("member", "outsider"), ("name", "x"), ("capabilities", "view")])
                #expect(stranger.status == .badRequest && stranger.html.contains("Choose a member of"))
                let superuser = try await browser.post("/org/acme/keys", [("csrf", keys.csrf), ("member", "member"), ("name", "x"), ("capabilities", "superuser")])
                #expect(superuser.status == .badRequest)

                let id = try await world.pool.query("SELECT id FROM api_keys WHERE name = 'Member pipeline'")[0].decode(UUID.self, at: 0)
                let path = "/org/acme/keys/\(id.uuidString.lowercased())/revoke"
                let confirm = try await browser.get(path)
                #expect(confirm.status == .ok && confirm.html.contains("member"))
                #expect(try await browser.post(path, [("csrf", confirm.csrf)]).location == "/org/acme/keys?revoked=1")
                #expect(try await client.send("/api/surveys/", key: key).status == .unauthorized)

                // Another organisation's key through this organisation's pages: not found.
                let betaID = try await world.pool.query("SELECT id FROM api_keys WHERE organisation_id = \(beta)")[0].decode(UUID.self, at: 0)
                let crossPath = "/org/acme/keys/\(betaID.uuidString.lowercased())/revoke"
                #expect(try await browser.get(crossPath).status == .notFound)
                #expect(try await browser.post(crossPath, [("csrf", confirm.csrf)]).status == .notFound)
                #expect(try await client.send("/api/surveys/", key: betaKey).status == .ok)

                #expect(try await browser.get("/org/acme/keys").html.contains(#"<a href="/org/acme/audit">Audit log</a>"#))
                let audit = try await browser.get("/org/acme/audit")
                #expect(audit.status == .ok && audit.html.contains("key.issued") && audit.html.contains("key.revoked"))
                let filtered = try await browser.get("/org/acme/audit?action=key.revoked")
                #expect(filtered.html.contains("<td>key.revoked</td>") && !filtered.html.contains("<td>key.issued</td>"))

                // The pages of an organisation the admin does not administer do not exist for them.
                for page in ["/org/beta/keys", "/org/beta/audit", "/org/nowhere/keys"] {
                    #expect(try await browser.get(page).status == .notFound, "\(page)")
                }
                #expect(try await browser.post("/org/beta/keys", [("csrf", keys.csrf), ("member", "member"), ("name", "x"), ("capabilities", "view")]).status == .notFound)
            }
            // A plain member sees no admin page.
            try await world.client(settings: ServerWorld.consoleSettings) { client in
                let browser = try await ConsoleSafetyTests.signedIn(client, "member")
                #expect(try await browser.get("/org/acme/keys").status == .notFound)
                #expect(try await browser.get("/org/acme/audit").status == .notFound)
            }
        }
    }

    /// A team admin issues and revokes their members' keys held outside any organisation; keys
    /// of an organisation, and other teams' members, are not theirs.
    @Test func aTeamAdminIssuesAndRevokesMembersKeys() async throws {
        try await ServerWorld.with { world in
            let lead = try await world.person("lead", tier: .team)
            let member = try await world.person("member", tier: .team)
            let other = try await world.person("other", tier: .team)
            let acme = try await world.organisation("acme", members: [(member, "viewer")])
            try await world.team("red", members: [(lead, "admin"), (member, "viewer")])
            try await world.team("blue", members: [(other, "admin")])
            let orgKey = try await world.key(for: member, organisation: acme)
            let otherKey = try await world.key(for: other)
            try await world.client(settings: ServerWorld.consoleSettings) { client in
                let browser = try await ConsoleSafetyTests.signedIn(client, "lead")
                let page = try await browser.get("/team/red/keys")
                #expect(page.status == .ok && page.html.contains(">Issue key</button>"))
                #expect(try await browser.get("/account/keys").html.contains("/team/red/keys"), "the frame links the team page")
                #expect(!page.html.contains(String(orgKey.prefix(12))) && !page.html.contains(String(otherKey.prefix(12))))
                #expect(!page.html.contains(#"value="edit""#), "team keys hold view only")

                let issued = try await browser.post("/team/red/keys", [("csrf", page.csrf), ("member", "member"), ("name", "Team key"), ("capabilities", "view")])
                #expect(issued.status == .created, "\(issued.html)")
                let key = try #require(issued.code(id: "new-key"))
                #expect(try await client.send("/api/surveys/", key: key).status == .ok)
                #expect(try await browser.post("/team/red/keys", [("csrf", page.csrf), ("member", "other"), ("name", "x"), ("capabilities", "view")]).status == .badRequest)

                let id = try await world.pool.query("SELECT id FROM api_keys WHERE name = 'Team key'")[0].decode(UUID.self, at: 0)
                let path = "/team/red/keys/\(id.uuidString.lowercased())/revoke"
                #expect(try await browser.post(path, [("csrf", page.csrf)]).location == "/team/red/keys?revoked=1")
                #expect(try await client.send("/api/surveys/", key: key).status == .unauthorized)
                let audited = try await world.pool.query("SELECT detail->>'decision' FROM audit_events WHERE action = 'key.issued'")[0].decode(String.self, at: 0)
                #expect(audited == "ALLOW_TEAM_ADMIN")

                for other in ["/team/blue/keys", "/team/nowhere/keys", "/team/red/audit"] {
                    #expect(try await browser.get(other).status == .notFound, "\(other)")
                }
            }
        }
    }

    /// Random worlds: an admin of one organisation, on every console page of every
    /// organisation, sees nothing of the others — no key, no member, no audit event, no use, no
    /// webhook endpoint — and no form changes another's keys, policy or webhooks.
    @Test(arguments: [21, 22, 23] as [UInt64])
    func noConsolePageReachesAnotherOrganisation(seed: UInt64) async throws {
        try await ServerWorld.with { world in
            var random = SplitMix(seed: seed)
            var tenants: [(slug: String, admin: String, prefixes: [String], keyIDs: [String], webhookIDs: [String])] = []
            for index in 0..<3 {
                let admin = "admin\(index)"
                let adminID = try await world.person(admin, tier: .organisation)
                let member = try await world.person("member\(index)", tier: .organisation)
                let slug = "org\(index)"
                let id = try await world.organisation(slug, members: [(adminID, "admin"), (member, "creator")])
                // The team of the same index: its admin is the organisation's, its keys personal.
                try await world.team("team\(index)", members: [(adminID, "admin"), (member, "viewer")])
                var secrets: [String] = []
                for _ in 0..<(1 + Int(random.next() % 3)) {
                    secrets.append(try await world.key(for: random.next() % 2 == 0 ? member : adminID, organisation: id))
                }
                secrets.append(try await world.key(for: member))
                let ids = try await world.pool.query("SELECT id FROM api_keys WHERE prefix = ANY(\(secrets.map { String($0.prefix(12)) }))")
                    .map { try $0.decode(UUID.self, at: 0).uuidString.lowercased() }
                try await world.pool.execute("INSERT INTO audit_events (organisation_id, action, target) VALUES (\(id), \("secret.event.\(slug)"), 'x')")
                // Each tenant's keys used from its own addresses (shown on a key's usage page).
                try await world.recordUses(ids.map { (.valid, UUID(uuidString: $0)!, "198.18.\(index).1", Date(), 1) })
                // Its webhook endpoints (the URL names the tenant) and its key policy.
                var webhookIDs: [String] = []
                for number in 0..<(1 + Int(random.next() % 2)) {
                    webhookIDs.append(try await world.pool.query("""
                        INSERT INTO webhook_endpoints (organisation_id, url, events, secret)
                        VALUES (\(id), \("https://hooks.example.com/secret-hook-\(slug)/\(number)"), ARRAY['key.revoked'], 'sealed') RETURNING id
                        """)[0].decode(UUID.self, at: 0).uuidString.lowercased())
                }
                try await world.pool.execute("INSERT INTO key_policies (organisation_id, max_lifetime_days) VALUES (\(id), \(Int32(100 + index)))")
                tenants.append((slug, admin, secrets.map { String($0.prefix(12)) }, ids, webhookIDs))
            }
            let before = try await world.tableFingerprints()
            try await world.client(settings: ServerWorld.consoleSettings) { [tenants] client in
                var checks = 0
                for viewer in tenants {
                    let browser = try await ConsoleSafetyTests.signedIn(client, viewer.admin)
                    let csrf = try await browser.get("/account/keys").csrf
                    // Every page, with whether it must be a 404 for this viewer (another tenant's).
                    var pages: [(String, foreign: Bool)] = [("/account/keys", false), ("/account/password", false)]
                    for other in tenants {
                        let number = other.slug.dropFirst(3), foreign = other.slug != viewer.slug
                        pages += ["/org/\(other.slug)/keys", "/org/\(other.slug)/audit", "/org/\(other.slug)/usage", "/team/team\(number)/keys",
                                  "/org/\(other.slug)/policy", "/org/\(other.slug)/webhooks"].map { ($0, foreign) }
                        pages += other.webhookIDs.flatMap { id in
                            ["/org/\(other.slug)/webhooks/\(id)", "/org/\(other.slug)/webhooks/\(id)/delete",
                             "/org/\(viewer.slug)/webhooks/\(id)", "/org/\(viewer.slug)/webhooks/\(id)/delete"].map { ($0, foreign) }
                        }
                        pages += other.keyIDs.flatMap { id in
                            ["/org/\(other.slug)/keys/\(id)/revoke", "/team/team\(number)/keys/\(id)/revoke", "/account/keys/\(id)/revoke",
                             "/account/keys/\(id)/roll", "/account/keys/\(id)"].map { ($0, foreign) }
                        }
                    }
                    for (path, foreign) in pages {
                        let page = try await browser.get(path)
                        for other in tenants where other.slug != viewer.slug {
                            for prefix in other.prefixes { #expect(!page.html.contains(prefix), "seed \(seed): \(viewer.admin) saw \(other.slug)'s key on \(path)") }
                            #expect(!page.html.contains("secret.event.\(other.slug)"), "seed \(seed): \(viewer.admin) saw \(other.slug)'s audit on \(path)")
                            #expect(!page.html.contains("198.18.\(other.slug.dropFirst(3)).1"), "seed \(seed): \(viewer.admin) saw \(other.slug)'s usage on \(path)")
                            #expect(!page.html.contains("member\(other.slug.dropFirst(3))@"), "seed \(seed): \(viewer.admin) saw \(other.slug)'s members on \(path)")
                            #expect(!page.html.contains("secret-hook-\(other.slug)/"), "seed \(seed): \(viewer.admin) saw \(other.slug)'s webhooks on \(path)")
                            #expect(!page.html.contains(#"value="\#(100 + Int(other.slug.dropFirst(3))!)""#), "seed \(seed): \(viewer.admin) saw \(other.slug)'s policy on \(path)")
                            checks += 6
                        }
                        if foreign {
                            #expect(page.status == .notFound, "seed \(seed): \(viewer.admin) got \(page.status) for \(path)")
                            checks += 1
                        }
                    }
                    // Forms aimed at another tenant change nothing: issue for its member, revoke its keys,
                    // change its policy, add, test or delete its webhooks (also through one's own slug).
                    for other in tenants where other.slug != viewer.slug {
                        let number = other.slug.dropFirst(3)
                        #expect(try await browser.post("/org/\(other.slug)/policy", [("csrf", csrf), ("max_lifetime_days", "1")]).status == .notFound)
                        #expect(try await browser.post("/org/\(other.slug)/webhooks", [("csrf", csrf), ("url", "https://hooks.example.com/x"), ("events", "key.revoked")]).status == .notFound)
                        for id in other.webhookIDs {
                            for slug in [other.slug, viewer.slug] {
                                #expect(try await browser.post("/org/\(slug)/webhooks/\(id)/test", [("csrf", csrf)]).status == .notFound)
                                #expect(try await browser.post("/org/\(slug)/webhooks/\(id)/delete", [("csrf", csrf)]).status == .notFound)
                                checks += 2
                            }
                        }
                        for base in ["/org/\(other.slug)/keys", "/team/team\(number)/keys"] {
                            let issue = try await browser.post(base, [("csrf", csrf), ("member", "member\(number)"), ("name", "intruder"), ("capabilities", "view")])
                            #expect(issue.status == .notFound, "seed \(seed): \(viewer.admin) issued through \(base)")
                            for id in other.keyIDs {
                                #expect(try await browser.post("\(base)/\(id)/revoke", [("csrf", csrf)]).status == .notFound)
                                #expect(try await browser.post("/account/keys/\(id)/revoke", [("csrf", csrf)]).status == .notFound)
                                #expect(try await browser.post("/account/keys/\(id)/roll", [("csrf", csrf), ("grace_hours", "0")]).status == .notFound)
                                checks += 3
                            }
                        }
                    }
                }
                print("console isolation, seed \(seed): \(checks) checks")
            }
            var after = try await world.tableFingerprints()
            for table in ["audit_events", "web_sessions", "users", "sign_in_failures", "mfa_recovery_codes"] { after[table] = before[table] }
            #expect(after == before, "seed \(seed): a cross-tenant form changed \(after.filter { before[$0.key] != $0.value }.keys.sorted())")
        }
    }
}

/// A small deterministic generator for the random worlds.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
