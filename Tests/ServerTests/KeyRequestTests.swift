import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Policy
import ServerTestSupport
import Testing
import Postgres
import Vault

/// Key requests (SPEC §14) through the real router and PostgreSQL: a member who is not an admin
/// of an organisation requiring approval asks, an admin approves or denies (never their own,
/// never another organisation's), the member collects the key once — issued then, through the
/// ordinary issuance and policy checks — and every step is audited and sent as a webhook. What an
/// attacker would try is refused and changes nothing.
@Suite struct KeyRequestTests {
    struct World {
        var acme: Int64, globex: Int64
        var olive: Int64, adam: Int64, vera: Int64, gina: Int64
        /// adam's key in acme with view and superuser: decides acme's requests.
        var adminKey: String
        /// vera's personal key (in no organisation, so view only): she asks with it.
        var veraKey: String
        /// vera's key in acme with view and edit: it may collect the view-and-edit keys she asks for.
        var veraWriter: String
        /// gina's key in globex with superuser: an admin of another organisation.
        var globexAdmin: String
    }

    static func seed(_ world: ServerWorld, policy: String = "require_approval = true") async throws -> World {
        let olive = try await world.user("olive", tier: .organisation)
        let adam = try await world.user("adam", tier: .organisation)
        let vera = try await world.user("vera", tier: .organisation)
        let gina = try await world.user("gina", tier: .organisation)
        let acme = try await world.organisation("acme", owner: olive, members: [(adam, "admin"), (vera, "viewer")])
        let globex = try await world.organisation("globex", owner: gina, members: [(gina, "admin"), (adam, "viewer")])
        try await world.pool.execute(PGQuery(stringLiteral: "INSERT INTO key_policies (organisation_id) VALUES (\(acme)), (\(globex))"))
        try await world.pool.execute(PGQuery(stringLiteral: "UPDATE key_policies SET \(policy)"))
        return World(
            acme: acme, globex: globex, olive: olive, adam: adam, vera: vera, gina: gina,
            adminKey: try await world.key(for: adam, organisation: acme, capabilities: ["view", "superuser"]),
            veraKey: try await world.key(for: vera),
            veraWriter: try await world.key(for: vera, organisation: acme, capabilities: ["view", "edit"]),
            globexAdmin: try await world.key(for: gina, organisation: globex, capabilities: ["view", "superuser"]))
    }

    static let asks = "/api/key-requests/"
    static let decides = "/api/organisations/acme/key-requests/"

    /// A request body for acme: `extra` fields ("name":value JSON) replace the defaults.
    static func ask(_ changes: [String: String] = [:]) -> String {
        let soon = Date().addingTimeInterval(30 * 86_400).formatted(.iso8601)
        let fields = [("organisation", #""acme""#), ("name", #""ci""#), ("key_expires_at", "\"\(soon)\""), ("capabilities", #"["view","edit"]"#),
                      ("allowed_cidrs", #"["10.0.0.0/8"]"#), ("reason", #""The nightly export""#)]
        return "{" + fields.compactMap { name, value in (changes[name] ?? value).isEmpty ? nil : "\"\(name)\":\(changes[name] ?? value)" }
            .joined(separator: ",") + "}"
    }

    static func count(_ world: ServerWorld, _ action: String) async throws -> Int {
        try await world.pool.query("SELECT count(*) FROM audit_events WHERE action = \(action)")[0].decode(Int.self, at: 0)
    }

    @Test func aMemberAsksAnAdminApprovesTheMemberCollectsOnce() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            try await world.pool.execute("""
                INSERT INTO webhook_endpoints (organisation_id, url, events, secret)
                VALUES (\(w.acme), 'https://hooks.example.com/a', '{key.request.created,key.request.approved,key.request.denied,key.issued}', 'v1:x')
                """)
            try await world.client { client in
                let made = try await client.send(Self.asks, method: .post, key: w.veraKey, body: Self.ask())
                #expect(made.status == .created, "\(made.status) \(made.text)")
                let id = try #require(made.object["id"] as? String)
                #expect(made.object["status"] as? String == "pending" && made.object["user"] as? String == "vera")
                #expect(made.object["capabilities"] as? [String] == ["view", "edit"] && made.object["reason"] as? String == "The nightly export")
                let own = try await client.send(Self.asks, key: w.veraKey)
                #expect(own.status == .ok && own.items.map { $0["id"] as? String } == [id])

                // Not yet: pending is no key.
                let early = try await client.send(Self.asks + "\(id)/collect/", method: .post, key: w.veraKey)
                #expect(early.status == .conflict && early.object["code"] as? String == "REQUEST_CLOSED", "\(early.status) \(early.text)")

                // The admins see it; another organisation's admin does not, nor can decide it.
                let listed = try await client.send(Self.decides, key: w.adminKey)
                #expect(listed.status == .ok && listed.items.map { $0["id"] as? String } == [id], "\(listed.text)")
                for uri in [Self.decides, Self.decides + "\(id)/approve/"] {
                    let method: HTTPRequest.Method = uri.hasSuffix("approve/") ? .post : .get
                    #expect(try await client.send(uri, method: method, key: w.globexAdmin).status == .notFound, "\(uri) as globex's admin")
                }
                #expect(try await client.send("/api/organisations/globex/key-requests/\(id)/approve/", method: .post, key: w.globexAdmin).status == .notFound,
                        "acme's request through globex")
                #expect(try await client.send(Self.decides + "\(id)/approve/", method: .post, key: w.veraKey).status == .forbidden, "a member approving")

                let approved = try await client.send(Self.decides + "\(id)/approve/", method: .post, key: w.adminKey, body: #"{"note":"ok for a month"}"#)
                #expect(approved.status == .ok, "\(approved.status) \(approved.text)")
                #expect(approved.object["status"] as? String == "approved" && approved.object["decided_by"] as? String == "adam"
                        && approved.object["note"] as? String == "ok for a month")
                let again = try await client.send(Self.decides + "\(id)/deny/", method: .post, key: w.adminKey)
                #expect(again.status == .conflict, "deciding twice: \(again.status)")

                // Someone else's request is not found, whoever asks.
                let oliveKey = try await world.key(for: w.olive)
                #expect(try await client.send(Self.asks + "\(id)/collect/", method: .post, key: oliveKey).status == .notFound)

                // No key collects a key that reaches further than itself: vera's personal key
                // (view only) is refused and nothing is issued; a key of hers holding view and
                // edit in acme collects.
                let keysBefore = try await world.pool.query("SELECT count(*) FROM api_keys")[0].decode(Int.self, at: 0)
                let narrower = try await client.send(Self.asks + "\(id)/collect/", method: .post, key: w.veraKey)
                #expect(narrower.status == .forbidden && narrower.object["code"] as? String == "DENY_CAPABILITY_GRANT" && narrower.object["key"] == nil,
                        "\(narrower.status) \(narrower.text)")
                #expect(try await world.pool.query("SELECT count(*) FROM api_keys")[0].decode(Int.self, at: 0) == keysBefore)
                let collected = try await client.send(Self.asks + "\(id)/collect/", method: .post, key: w.veraWriter)
                #expect(collected.status == .created, "\(collected.status) \(collected.text)")
                #expect(collected.headers[.cacheControl] == "no-store")
                let secret = try #require(collected.object["key"] as? String)
                #expect(collected.object["capabilities"] as? [String] == ["view", "edit"] && collected.object["allowed_cidrs"] as? [String] == ["10.0.0.0/8"])
                #expect((collected.object["organisation"] as? NSNumber)?.int64Value == w.acme)
                let twice = try await client.send(Self.asks + "\(id)/collect/", method: .post, key: w.veraWriter)
                #expect(twice.status == .conflict && twice.object["key"] == nil, "collected twice: \(twice.status)")
                let listedAfter = try await client.send(Self.asks, key: w.veraKey)
                #expect(listedAfter.items.first?["status"] as? String == "collected")
                #expect(listedAfter.items.first?["key_id"] as? String == collected.object["id"] as? String)

                // The key is vera's, in acme, issued as adam's issuance; its raw form stored nowhere.
                let row = try await world.pool.query("""
                    SELECT user_id, created_by, organisation_id FROM api_keys WHERE id = \(UUID(uuidString: collected.object["id"] as? String ?? "")!)
                    """)
                let (owner, issuer, organisation) = try #require(row.first).decode((Int64, Int64?, Int64?).self)
                #expect(owner == w.vera && issuer == w.adam && organisation == w.acme)
                let stored = try await world.pool.query("SELECT coalesce(string_agg(row_to_json(r)::text, ''), '') FROM key_requests r")[0].decode(String.self, at: 0)
                let audit = try await world.pool.query("SELECT string_agg(detail::text, '') FROM audit_events")[0].decode(String.self, at: 0)
                #expect(!stored.contains(secret) && !audit.contains(secret) && !stored.contains(String(secret.suffix(20))))
            }
            for action in ["key.requested", "key.request_approved", "key.collected", "key.issued"] {
                let rows = try await world.pool.query("SELECT organisation_id FROM audit_events WHERE action = \(action)")
                #expect(try rows.map { try $0.decode(Int64?.self, at: 0) } == [w.acme], "\(action)")
            }
            let sent = try await world.pool.query("SELECT type, payload FROM webhook_outbox ORDER BY id")
            #expect(try sent.map { try $0.decode(String.self, at: 0) } == ["key.request.created", "key.request.approved", "key.issued"])
            let payload = try sent.first.map { try $0.decode(String.self, at: 1) } ?? ""
            #expect(payload.contains(#""name": "ci""#) && payload.contains(#""user": "vera""#), "\(payload)")
        }
    }

    @Test func aDeniedOrExpiredRequestCannotBeActedOn() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            try await world.client { client in
                var ids: [String] = []
                for name in ["one", "two", "three"] {
                    let made = try await client.send(Self.asks, method: .post, key: w.veraKey, body: Self.ask(["name": "\"\(name)\""]))
                    ids.append(try #require(made.object["id"] as? String, "\(made.text)"))
                }
                let denied = try await client.send(Self.decides + "\(ids[0])/deny/", method: .post, key: w.adminKey, body: #"{"note":"use the shared key"}"#)
                #expect(denied.status == .ok && denied.object["status"] as? String == "denied" && denied.object["note"] as? String == "use the shared key")
                #expect(try await client.send(Self.asks + "\(ids[0])/collect/", method: .post, key: w.veraKey).status == .conflict)
                #expect(try await client.send(Self.decides + "\(ids[0])/approve/", method: .post, key: w.adminKey).status == .conflict)

                // Seven days on: a pending request cannot be decided, an approved one not collected.
                #expect(try await client.send(Self.decides + "\(ids[2])/approve/", method: .post, key: w.adminKey).status == .ok)
                try await world.pool.execute("UPDATE key_requests SET expires_at = now() - interval '1 second', created_at = now() - interval '7 days'")
                let stale = try await client.send(Self.decides + "\(ids[1])/approve/", method: .post, key: w.adminKey)
                #expect(stale.status == .conflict && stale.detail?.contains("expired") == true, "\(stale.text)")
                let late = try await client.send(Self.asks + "\(ids[2])/collect/", method: .post, key: w.veraKey)
                #expect(late.status == .conflict && late.detail?.contains("expired") == true, "\(late.text)")
                let listed = try await client.send(Self.asks, key: w.veraKey)
                #expect(Set(listed.items.compactMap { $0["status"] as? String }) == ["denied", "expired"], "\(listed.text)")
            }
            #expect(try await Self.count(world, "key.request_denied") == 1)
            #expect(try await world.pool.query("SELECT count(*) FROM api_keys WHERE user_id = \(w.vera)")[0].decode(Int.self, at: 0) == 2, "only the two seeded")
        }
    }

    @Test func collectionIsTheIssuanceOfNow() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            try await world.client { client in
                func ask(_ name: String, _ capabilities: String = #"["view","edit"]"#) async throws -> String {
                    let made = try await client.send(Self.asks, method: .post, key: w.veraKey, body: Self.ask(["name": "\"\(name)\"", "capabilities": capabilities]))
                    return try #require(made.object["id"] as? String, "\(made.text)")
                }
                let (tightened, approvedFirst, leaver) = (try await ask("a"), try await ask("b"), try await ask("c", #"["view"]"#))
                #expect(try await client.send(Self.decides + "\(approvedFirst)/approve/", method: .post, key: w.adminKey).status == .ok)

                // The policy tightens: an approval of a shape beyond it is refused, and so is the
                // collection of one approved before (the asked-for 30 days now exceed the
                // organisation's 7; vera's collecting key, made today, is not blocked by it).
                try await world.pool.execute("UPDATE key_policies SET max_lifetime_days = 7")
                world.dependencies.vault.flushCache()
                let refused = try await client.send(Self.decides + "\(tightened)/approve/", method: .post, key: w.adminKey)
                #expect(refused.status == .badRequest && refused.object["code"] as? String == "POLICY_VIOLATION", "\(refused.text)")
                let blocked = try await client.send(Self.asks + "\(approvedFirst)/collect/", method: .post, key: w.veraWriter)
                #expect(blocked.status == .badRequest && blocked.object["code"] as? String == "POLICY_VIOLATION", "\(blocked.text)")
                try await world.pool.execute("UPDATE key_policies SET max_lifetime_days = NULL")
                world.dependencies.vault.flushCache()

                // Five collections at once: one key.
                let replies = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for _ in 0..<5 {
                        group.addTask { try await client.send(Self.asks + "\(approvedFirst)/collect/", method: .post, key: w.veraWriter).status }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(replies.filter { $0 == .created }.count == 1 && replies.filter { $0 == .conflict }.count == 4, "\(replies)")

                // The requester leaves: the approval no longer issues anything.
                #expect(try await client.send(Self.decides + "\(leaver)/approve/", method: .post, key: w.adminKey).status == .ok)
                try await world.pool.execute("DELETE FROM organisation_memberships WHERE user_id = \(w.vera) AND organisation_id = \(w.acme)")
                let gone = try await client.send(Self.asks + "\(leaver)/collect/", method: .post, key: w.veraKey)
                #expect(gone.status == .forbidden, "\(gone.status) \(gone.text)")
                let pending = try await client.send(Self.asks + "\(tightened)/collect/", method: .post, key: w.veraKey)
                #expect(pending.status == .conflict)
            }
            #expect(try await Self.count(world, "key.collected") == 1)
            #expect(try await world.pool.query("SELECT count(*) FROM key_requests WHERE status = 'collected'")[0].decode(Int.self, at: 0) == 1)
        }
    }

    @Test func whoMayAskAndDecide() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            let adamPersonal = try await world.key(for: w.adam)
            let fine = try await world.key(for: w.vera, permissions: try KeyPermissions(verbs: ["surveys": ["view"]]))
            let plainAdmin = try await world.key(for: w.adam, organisation: w.acme, capabilities: ["view", "edit"])
            let acmeKey = try await world.key(for: w.vera, organisation: w.acme)
            try await world.client { client in
                // An admin issues directly; a fine-grained key asks nothing; globex is not vera's.
                let admin = try await client.send(Self.asks, method: .post, key: adamPersonal, body: Self.ask())
                #expect(admin.status == .badRequest && admin.detail?.contains("administer") == true, "\(admin.text)")
                #expect(try await client.send(Self.asks, method: .post, key: fine, body: Self.ask()).status == .forbidden)
                let foreign = try await client.send(Self.asks, method: .post, key: w.veraKey, body: Self.ask(["organisation": #""globex""#]))
                let nowhere = try await client.send(Self.asks, method: .post, key: w.veraKey, body: Self.ask(["organisation": #""nowhere""#]))
                #expect(foreign.status == .notFound && nowhere.status == .notFound && foreign.text == nowhere.text, "no existence oracle")
                // A key confined to acme asks only in acme.
                #expect(try await client.send(Self.asks, method: .post, key: acmeKey, body: Self.ask(["organisation": #""globex""#])).status == .notFound)
                // Bad bodies: 400 naming the field.
                let bodies: [(String, String)] = [
                    ("{}", "'organisation' is required"),
                    (Self.ask(["reason": ""]), "'reason' is required"),
                    (Self.ask(["reason": #""   ""#]), "reason"),
                    (Self.ask(["name": #""""#]), "name"),
                    (Self.ask(["capabilities": #"["fly"]"#]), "capabilities"),
                    (Self.ask(["capabilities": "[]"]), "capabilities"),
                    (Self.ask(["allowed_cidrs": #"["not a range"]"#]), "allowed_cidrs"),
                    (Self.ask(["key_expires_at": #""2001-01-01T00:00:00Z""#]), "expiry"),
                    (Self.ask(["key_expires_at": #""tomorrow""#]), "key_expires_at"),
                    (Self.ask(["reason": "\"\(String(repeating: "x", count: 1001))\""]), "reason"),
                    (Self.ask(["reason": #""a\u0000b""#]), "reason"),
                    (Self.ask(["name": #""a\u0007b""#]), "name"),
                    (#"{"colour":"red"}"#, "colour"),
                    ("[]", "object"),
                    ("nonsense", "JSON"),
                ]
                for (body, named) in bodies {
                    let reply = try await client.send(Self.asks, method: .post, key: w.veraKey, body: body)
                    #expect(reply.status == .badRequest && reply.detail?.contains(named) == true, "\(body): \(reply.status) \(reply.text)")
                }
                // Deciding needs an admin's superuser key issued in the organisation.
                for key in [plainAdmin, adamPersonal, w.veraKey] {
                    #expect(try await client.send(Self.decides, key: key).status == .forbidden)
                }
                for bad in ["not-a-uuid", UUID().uuidString] {
                    #expect(try await client.send(Self.decides + "\(bad)/approve/", method: .post, key: w.adminKey).status == .notFound)
                    #expect(try await client.send(Self.asks + "\(bad)/collect/", method: .post, key: w.veraKey).status == .notFound)
                }
                #expect(try await client.send(Self.asks).status == .unauthorized)
            }
            #expect(try await world.pool.query("SELECT count(*) FROM key_requests")[0].decode(Int.self, at: 0) == 0, "nothing stored")
            #expect(try await Self.count(world, "key.requested") == 0)
        }
    }

    @Test func withoutApprovalRequiredThereIsNothingToAskAndNobodyDecidesTheirOwn() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world, policy: "require_approval = false")
            try await world.client { client in
                let open = try await client.send(Self.asks, method: .post, key: w.veraKey, body: Self.ask())
                #expect(open.status == .badRequest && open.detail?.contains("require_approval") == true, "\(open.text)")
            }
            #expect(try await world.pool.query("SELECT count(*) FROM key_requests")[0].decode(Int.self, at: 0) == 0, "nothing stored")
            // An admin demoted to member after asking, then promoted again, cannot approve their own.
            try await world.pool.execute("UPDATE key_policies SET require_approval = true")
            try await world.pool.execute("UPDATE organisation_memberships SET role = 'viewer' WHERE user_id = \(w.adam) AND organisation_id = \(w.acme)")
            let adamPersonal = try await world.key(for: w.adam)
            try await world.client { client in
                let made = try await client.send(Self.asks, method: .post, key: adamPersonal, body: Self.ask())
                let id = try #require(made.object["id"] as? String, "\(made.text)")
                try await world.pool.execute("UPDATE organisation_memberships SET role = 'admin' WHERE user_id = \(w.adam) AND organisation_id = \(w.acme)")
                world.dependencies.vault.flushCache()
                let own = try await client.send(Self.decides + "\(id)/approve/", method: .post, key: w.adminKey)
                #expect(own.status == .forbidden && own.detail?.contains("own") == true, "\(own.status) \(own.text)")
            }
        }
    }
}
