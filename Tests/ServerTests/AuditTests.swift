import Foundation
import Hummingbird
import HummingbirdTesting
import ServerTestSupport
import Testing
import Vault

/// `GET /api/audit/` (SPEC §2): an organisation's audit events for its admins and owner, newest
/// first, in cursor pages, filtered by action, actor and time; never another organisation's.
@Suite struct AuditTests {
    struct World {
        var acme: Int64, globex: Int64
        var owner: Int64, admin: Int64, viewer: Int64
        /// acme's events, newest first: (id, action, actor).
        var events: [(id: Int64, action: String, actor: Int64?)]
    }

    /// Two organisations with 25 events each, one a minute apart, by three actors.
    static func seed(_ world: ServerWorld) async throws -> World {
        let owner = try await world.user("olive", tier: .organisation)
        let admin = try await world.user("adam", tier: .organisation)
        let viewer = try await world.user("vera", tier: .organisation)
        let acme = try await world.organisation("acme", owner: owner, members: [(admin, "admin"), (viewer, "viewer")])
        let globex = try await world.organisation("globex", owner: viewer, members: [(admin, "viewer")])
        let actions = ["key.issued", "key.revoked", "login"]
        for organisation in [acme, globex] {
            for minute in 0..<25 {
                let actor = [owner, admin, viewer][minute % 3]
                try await world.pool.execute("""
                    INSERT INTO audit_events (at, actor_id, organisation_id, action, target, detail, ip)
                    VALUES (timestamptz '2026-11-01T10:00:00Z' + make_interval(mins => \(Int32(minute))), \(actor), \(organisation),
                            \(actions[minute % 3]), \("target-\(minute)"), jsonb_build_object('n', \(Int32(minute))), '192.0.2.1')
                    """)
            }
        }
        let events = try await world.pool.query("""
            SELECT id, action, actor_id FROM audit_events WHERE organisation_id = \(acme) ORDER BY at DESC, id DESC
            """).map { (id: try $0.decode(Int64.self, at: 0), action: try $0.decode(String.self, at: 1), actor: try $0.decode(Int64?.self, at: 2)) }
        return World(acme: acme, globex: globex, owner: owner, admin: admin, viewer: viewer, events: events)
    }

    /// Every page from `uri` on, following `next`: the ids in order, and the pages seen.
    static func walk(_ client: some TestClientProtocol, _ uri: String, key: String) async throws -> (ids: [Int64], pages: Int) {
        var ids: [Int64] = [], pages = 0
        var next: String? = uri
        while let link = next, pages < 100 {
            let reply = try await client.send(link, key: key)
            #expect(reply.status == .ok, "\(link): \(reply.text.prefix(200))")
            let results = reply.object["results"] as? [[String: Any]] ?? []
            ids += results.compactMap { ($0["id"] as? NSNumber)?.int64Value }
            next = reply.object["next"] as? String
            pages += 1
        }
        return (ids, pages)
    }

    @Test func adminsReadTheirOrganisationsEventsNewestFirstInPages() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            let adminKey = try await world.key(for: w.admin, organisation: w.acme)
            let ownerKey = try await world.key(for: w.owner, organisation: w.acme)
            try await world.client { client in
                let first = try await client.send("/api/audit/", key: adminKey)
                #expect(first.status == .ok)
                let results = try #require(first.object["results"] as? [[String: Any]])
                #expect(results.count == 25 && first.object["next"] is NSNull, "default page of 100 holds all 25")
                let newest = results[0]
                #expect(newest["action"] as? String == w.events[0].action && newest["target"] as? String == "target-24")
                #expect((newest["detail"] as? [String: Any])?["n"] as? Int == 24 && newest["ip"] as? String == "192.0.2.1")
                #expect(newest["at"] as? String == "2026-11-01T10:24:00Z")
                #expect((newest["organisation"] as? NSNumber)?.int64Value == w.acme)

                // Pages of 4, following `next`: every event once, in order; the owner sees the same.
                let walked = try await Self.walk(client, "/api/audit/?limit=4", key: adminKey)
                #expect(walked.ids == w.events.map(\.id) && walked.pages == 7)
                #expect(try await Self.walk(client, "/api/audit/?limit=4", key: ownerKey).ids == walked.ids)

                // The cursor alone, given as ?cursor= (bare or as the whole link), with another page size.
                let page = try await client.send("/api/audit/?limit=10", key: adminKey)
                let link = try #require(page.object["next"] as? String)
                let cursor = String(try #require(link.split(separator: "cursor=").last))
                for uri in ["/api/audit/?cursor=\(cursor)&limit=20", "/api/audit/?limit=20&cursor=\(link.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"] {
                    let second = try await client.send(uri, key: adminKey)
                    #expect(second.status == .ok && second.ids == Set(w.events[10..<25].map(\.id)), "\(uri)")
                    #expect(second.object["next"] is NSNull)
                }
            }
        }
    }

    @Test func filtersSelectAndTheCursorKeepsThem() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            let key = try await world.key(for: w.admin, organisation: w.acme)
            try await world.client { client in
                let revoked = try await Self.walk(client, "/api/audit/?action=key.revoked&limit=3", key: key)
                #expect(revoked.ids == w.events.filter { $0.action == "key.revoked" }.map(\.id) && revoked.pages == 3)
                let byViewer = try await Self.walk(client, "/api/audit/?actor=\(w.viewer)&limit=2", key: key)
                #expect(byViewer.ids == w.events.filter { $0.actor == w.viewer }.map(\.id))
                // Minutes 5 to 9 inclusive, by RFC 3339 times in two zones.
                let window = try await Self.walk(client, "/api/audit/?since=2026-11-01T10:05:00Z&until=2026-11-01T11:09:00%2B01:00&limit=2", key: key)
                #expect(window.ids == Array(w.events.map(\.id)[15...19]) && window.pages == 3)
                let combined = try await client.send("/api/audit/?action=login&actor=\(w.viewer)&since=2026-11-01T10:00:00Z", key: key)
                #expect(combined.ids == Set(w.events.filter { $0.action == "login" && $0.actor == w.viewer }.map(\.id)))
                #expect(try await client.send("/api/audit/?action=no.such.action", key: key).ids.isEmpty)
            }
        }
    }

    @Test func onlyAdminsAndOwnersReadAndOnlyTheirOrganisations() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            let viewerInAcme = try await world.key(for: w.viewer, organisation: w.acme)
            let adminInGlobex = try await world.key(for: w.admin, organisation: w.globex)
            let ownerOfGlobex = try await world.key(for: w.viewer, organisation: w.globex)
            let adminUnbound = try await world.key(for: w.admin)
            let stranger = try await world.user("sam", tier: .organisation)
            let strangerKey = try await world.key(for: stranger)
            try await world.client { client in
                #expect(try await client.send("/api/audit/").status == .unauthorized)
                for key in [viewerInAcme, adminInGlobex, strangerKey] {
                    let reply = try await client.send("/api/audit/", key: key)
                    #expect(reply.status == .forbidden && reply.text.contains("DENY_ROLE"))
                }
                // The owner of globex (a mere viewer in acme) sees globex's events only.
                let globex = try await Self.walk(client, "/api/audit/?limit=50", key: ownerOfGlobex)
                let globexIDs = try await world.pool.query("SELECT id FROM audit_events WHERE organisation_id = \(w.globex)").map { try $0.decode(Int64.self, at: 0) }
                #expect(Set(globex.ids) == Set(globexIDs) && globex.ids.count == 25)
                // A key issued in no organisation reads nothing, whatever its user administers
                // (SPEC §2: the key's own organisation only).
                let unbound = try await client.send("/api/audit/?limit=50", key: adminUnbound)
                #expect(unbound.status == .forbidden && unbound.text.contains("DENY_ROLE"))
                // A cursor made from globex's pages reads nothing of globex with an acme key.
                let link = try #require(try await client.send("/api/audit/?limit=1", key: ownerOfGlobex).object["next"] as? String)
                let acmeKey = try await world.key(for: w.owner, organisation: w.acme)
                let crossed = try await client.send(link, key: acmeKey)
                #expect(crossed.status == .ok && Set(crossed.ids).isSubset(of: Set(w.events.map(\.id))))
            }
        }
    }

    @Test func badFiltersAre400() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            let key = try await world.key(for: w.admin, organisation: w.acme)
            try await world.client { client in
                let bad = ["limit=0", "limit=1001", "limit=ten", "actor=bob", "actor=0", "since=yesterday", "until=2026-13-01T00:00:00Z",
                           "since=2026-11-02T00:00:00Z&until=2026-11-01T00:00:00Z", "cursor=%%%", "cursor=bm9wZQ", "cursor=",
                           "action=", "action=\(String(repeating: "a", count: 201))", "action=a%00b", "limit=1&limit=2", "action=a&action=b"]
                for query in bad {
                    let reply = try await client.send("/api/audit/?\(query)", key: key)
                    #expect(reply.status == .badRequest && reply.detail != nil, "\(query.prefix(40)): \(reply.status)")
                }
            }
        }
    }

    @Test func noEventHoldsASecretHashOrPassword() async throws {
        try await ServerWorld.with { world in
            let owner = try await world.user("olive", tier: .organisation)
            let acme = try await world.organisation("acme", owner: owner)
            let key = try await world.key(for: owner, organisation: acme, capabilities: ["view", "add", "edit", "delete"])
            let issued = [key, SHA256Digest(hashing: key).hex]
            try await world.client { client in
                var secrets = issued
                let login = try await client.send("/api/auth/login/", method: .post, body: #"{"apikey":"\#(key)"}"#)
                let token = try #require(login.object["token-id"] as? String)
                secrets += [token, SHA256Digest(hashing: token).hex]
                let rolled = try await client.send("/api/keys/current/roll/", method: .post, key: key, body: #"{"grace_hours":1}"#)
                let new = try #require(rolled.object["key"] as? String)
                secrets += [new, SHA256Digest(hashing: new).hex]
                #expect(try await client.send("/v1/keys/revoke-leaked", method: .post, body: #"{"credentials":["\#(new)"]}"#).status == .accepted)
                let page = try await client.send("/api/audit/", key: key)
                let actions = (page.object["results"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
                #expect(Set(actions).isSuperset(of: ["login", "key.rolled", "key.revoked_leak"]), "\(actions)")
                for secret in secrets { #expect(!page.text.contains(secret)) }
                #expect(!page.text.lowercased().contains("password"))
            }
        }
    }
}
