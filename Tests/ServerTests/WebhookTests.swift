import Accounts
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

/// Standard Webhooks signing against the specification's published test vector.
@Suite struct WebhookSignatureTests {
    /// The vector of the Standard Webhooks specification (and of its libraries' tests).
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    @Test func signsLikeTheStandardWebhooksVector() throws {
        let body = Array(#"{"test": 2432232314}"#.utf8)
        let signature = try WebhookSignature.signature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1614265330, body: body, secret: Self.secret)
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        #expect(WebhookSignature.verify(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1614265330, body: body,
                                        header: "v1,bm9wZQ== " + signature, secret: Self.secret, now: 1614265330))
        #expect(!WebhookSignature.verify(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1614265330, body: body + [32],
                                         header: signature, secret: Self.secret, now: 1614265330))
        // Too old a timestamp is refused, as a receiver's library refuses it.
        #expect(!WebhookSignature.verify(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1614265330, body: body,
                                         header: signature, secret: Self.secret, now: 1614265330 + 301))
    }

    @Test func secretsAreWhsecAndThirtyTwoRandomBytes() throws {
        let one = try WebhookSignature.newSecret(), two = try WebhookSignature.newSecret()
        #expect(one.hasPrefix("whsec_") && one != two)
        #expect(WebhookSignature.key(of: one)?.count == 32)
    }

    @Test func publicTargetsAreHTTPSAndNotInternal() throws {
        #expect(throws: WebhookError.self) { try WebhookTargets.public.check("http://example.com/hook") }
        for url in ["https://127.0.0.1/x", "https://10.1.2.3/x", "https://[::1]/x", "https://localhost/x", "https://169.254.169.254/latest",
                    "https://user:pw@example.com/x", "ftp://example.com/x", "not a url"] {
            #expect(throws: WebhookError.self, "\(url)") { try WebhookTargets.public.check(url) }
        }
        #expect(try WebhookTargets.public.check("https://hooks.example.com/latchkey").absoluteString == "https://hooks.example.com/latchkey")
        #expect(try WebhookTargets.any.check("http://127.0.0.1:8080/x").absoluteString == "http://127.0.0.1:8080/x")
    }

    /// A name that passes the URL check but resolves to loopback is refused when each delivery
    /// resolves it again (DNS rebinding between creation and delivery; DECISIONS says why the
    /// HTTP client's own resolution cannot reach an internal service either).
    @Test func aNameResolvingToLoopbackIsRefusedAtDelivery() async throws {
        var candidates = ["localhost.", ProcessInfo.processInfo.hostName, "ip6-localhost", "ip6-loopback"]
        candidates += (try? String(contentsOfFile: "/etc/hosts", encoding: .utf8))?.split(separator: "\n")
            .filter { $0.hasPrefix("127.") || $0.hasPrefix("::1") }.flatMap { $0.split(whereSeparator: \.isWhitespace).dropFirst().map(String.init) } ?? []
        var found: String?
        for name in candidates where found == nil {
            guard (try? WebhookTargets.public.check("https://\(name)/hook")) != nil else { continue }
            let addresses = await WebhookTargets.resolve(name)
            if !addresses.isEmpty, addresses.allSatisfy(WebhookTargets.isInternal) { found = name }
        }
        let name = try #require(found, "no name here resolves to loopback while passing the URL check: \(candidates)")
        await #expect(throws: WebhookError.invalid("\(name) resolves to an internal address")) { try await WebhookTargets.public.checkResolved(host: name) }
        // `any` (development) does not resolve; a public name that does not resolve is refused too.
        try await WebhookTargets.any.checkResolved(host: name)
        await #expect(throws: WebhookError.self) { try await WebhookTargets.public.checkResolved(host: "no-such-host.invalid") }
    }
}

/// Webhooks end to end (SPEC §14): the real router and PostgreSQL, events written by the
/// changing transaction, delivered by the dispatcher to a real HTTP receiver, signed.
@Suite struct WebhookTests {
    static let box = SecretBox(key: [UInt8](repeating: 7, count: 32))!
    static let settings = APISettings(secretBox: box, webhookTargets: .any)

    /// An organisation `acme` with owner `olive` (whose superuser key is `admin`) and member `ada`.
    struct Acme {
        var owner: Int64
        var ada: Int64
        var id: Int64
        var admin: String
    }

    static func acme(_ world: ServerWorld) async throws -> Acme {
        let owner = try await world.user("olive", tier: .organisation)
        let ada = try await world.user("ada", tier: .pro)
        let acme = try await world.organisation("acme", owner: owner, members: [(ada, "viewer")])
        let admin = try await world.key(for: owner, organisation: acme, capabilities: ["view", "superuser"])
        return Acme(owner: owner, ada: ada, id: acme, admin: admin)
    }

    /// Makes an endpoint through the API; returns its id and secret.
    static func endpoint(_ client: any TestClientProtocol, _ acme: Acme, url: String, events: [String]) async throws -> (id: String, secret: String) {
        let body = #"{"url":"\#(url)","events":[\#(events.map { "\"\($0)\"" }.joined(separator: ","))]}"#
        let reply = try await client.send("/api/organisations/acme/webhooks/", method: .post, key: acme.admin, body: body)
        #expect(reply.status == .created, "\(reply.text)")
        return (reply.object["id"] as? String ?? "", reply.object["secret"] as? String ?? "")
    }

    static func dispatcher(_ world: ServerWorld, retryDelays: [Duration] = WebhookDispatcher.standardRetryDelays, interval: Duration = .seconds(1)) -> WebhookDispatcher {
        WebhookDispatcher(pool: world.pool, secretBox: box, targets: .any, interval: interval, retryDelays: retryDelays, timeout: 5)
    }

    static func payload(_ received: WebhookReceiver.Received) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(received.body))) as? [String: Any] ?? [:]
    }

    static func verified(_ received: WebhookReceiver.Received, secret: String) -> Bool {
        guard let timestamp = Int64(received.timestamp) else { return false }
        return WebhookSignature.verify(id: received.id, timestamp: timestamp, body: received.body, header: received.signature, secret: secret)
    }

    /// Waits (at most 10 s) until the outbox holds nothing undelivered.
    static func waitUntilDelivered(_ world: ServerWorld) async throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, try await !world.pool.query("SELECT 1 FROM webhook_outbox WHERE delivered_at IS NULL").isEmpty {
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test func issuingAKeyDeliversKeyIssuedSigned() async throws {
        try await WebhookReceiver.with { receiver in
            try await ServerWorld.with { world in
                let acme = try await Self.acme(world)
                try await world.client(settings: Self.settings) { client in
                    let (endpointID, secret) = try await Self.endpoint(client, acme, url: receiver.url, events: ["key.issued", "key.revoked"])
                    #expect(secret.hasPrefix("whsec_"))
                    let issued = try await world.dependencies.vault.issue(.init(username: "ada", name: "ci deploy", organisationSlug: "acme"))
                    // The outbox row was written with the key, before any worker ran.
                    #expect(try await world.pool.query("SELECT 1 FROM webhook_outbox WHERE delivered_at IS NULL").count == 1)
                    #expect(await Self.dispatcher(world).deliverDue() == 1)
                    let received = try await receiver.waitFor(1)
                    try #require(received.count == 1)
                    #expect(received[0].id.hasPrefix("msg_"))
                    #expect(Self.verified(received[0], secret: secret))
                    #expect(!Self.verified(received[0], secret: try WebhookSignature.newSecret()))
                    let payload = Self.payload(received[0])
                    #expect(payload["type"] as? String == "key.issued")
                    #expect((payload["timestamp"] as? String)?.hasSuffix("Z") == true)
                    let data = payload["data"] as? [String: Any] ?? [:]
                    #expect(data["id"] as? String == issued.record.id.uuidString.lowercased())
                    #expect(data["name"] as? String == "ci deploy")
                    #expect(data["prefix"] as? String == issued.record.prefix)
                    #expect(data["organisation"] as? Int64 == acme.id)
                    // Every field GET /api/keys/current/ shows (SPEC §2, §14), null ones too.
                    for field in ["id", "name", "prefix", "last4", "organisation", "capabilities", "created_at", "expires_at",
                                  "last_used_at", "allowed_cidrs", "rolled_to"] {
                        #expect(data.keys.contains(field), "key.issued data lacks \(field)")
                    }
                    #expect(data["hash"] == nil && !received[0].text.contains(issued.secret))
                    #expect(try await world.pool.query("SELECT 1 FROM webhook_outbox WHERE delivered_at IS NOT NULL").count == 1)

                    let deliveries = try await client.send("/api/organisations/acme/webhooks/\(endpointID)/deliveries/", key: acme.admin)
                    #expect(deliveries.status == .ok, "\(deliveries.text)")
                    let results = deliveries.object["results"] as? [[String: Any]] ?? []
                    #expect(results.count == 1)
                    #expect(results.first?["status"] as? Int == 200 && results.first?["attempt"] as? Int == 1)
                    #expect(results.first?["event"] as? String == "key.issued" && results.first?["id"] as? String == received[0].id)

                    // Revocation and rolling are events too; rolls are not subscribed here.
                    try await world.dependencies.vault.revoke(keyID: issued.record.id)
                    #expect(await Self.dispatcher(world).deliverDue() == 1)
                    let revoked = try await receiver.waitFor(2)
                    #expect(Self.payload(revoked[1])["type"] as? String == "key.revoked")
                    #expect((Self.payload(revoked[1])["data"] as? [String: Any])?["revoked_at"] is String)
                    #expect(Self.verified(revoked[1], secret: secret))
                }
            }
        }
    }

    @Test func aFailureIsRetriedWithTheSameWebhookID() async throws {
        try await WebhookReceiver.with { receiver in
            try await ServerWorld.with { world in
                let acme = try await Self.acme(world)
                receiver.answer([500])
                try await world.client(settings: Self.settings) { client in
                    let (endpointID, secret) = try await Self.endpoint(client, acme, url: receiver.url, events: ["key.issued"])
                    _ = try await world.dependencies.vault.issue(.init(username: "ada", name: "k", organisationSlug: "acme"))
                    let dispatcher = Self.dispatcher(world, retryDelays: [.milliseconds(1), .milliseconds(1)])
                    #expect(await dispatcher.deliverDue() == 1)
                    try await Task.sleep(for: .milliseconds(20))
                    #expect(await dispatcher.deliverDue() == 1)
                    let received = try await receiver.waitFor(2)
                    try #require(received.count == 2)
                    #expect(received[0].id == received[1].id)
                    #expect(received[0].body == received[1].body)
                    #expect(Self.verified(received[1], secret: secret))
                    let deliveries = try await client.send("/api/organisations/acme/webhooks/\(endpointID)/deliveries/", key: acme.admin)
                    let results = deliveries.object["results"] as? [[String: Any]] ?? []
                    #expect(results.map { $0["status"] as? Int } == [200, 500])
                    #expect(results.map { $0["attempt"] as? Int } == [2, 1])
                    // Delivered: nothing more is sent.
                    #expect(await dispatcher.deliverDue() == 0)
                }
            }
        }
    }

    @Test func afterTheLastFailureTheEndpointIsDisabledAndAudited() async throws {
        try await WebhookReceiver.with { receiver in
            try await ServerWorld.with { world in
                let acme = try await Self.acme(world)
                receiver.alwaysAnswer(503)
                try await world.client(settings: Self.settings) { client in
                    let (endpointID, _) = try await Self.endpoint(client, acme, url: receiver.url, events: ["key.issued"])
                    _ = try await world.dependencies.vault.issue(.init(username: "ada", name: "k", organisationSlug: "acme"))
                    let dispatcher = Self.dispatcher(world, retryDelays: [.milliseconds(1)])
                    #expect(await dispatcher.deliverDue() == 1)
                    try await Task.sleep(for: .milliseconds(20))
                    #expect(await dispatcher.deliverDue() == 1)
                    try await Task.sleep(for: .milliseconds(20))
                    #expect(await dispatcher.deliverDue() == 0)
                    #expect(receiver.received.count == 2)
                    let list = try await client.send("/api/organisations/acme/webhooks/", key: acme.admin)
                    let endpoints = list.object["results"] as? [[String: Any]] ?? []
                    #expect(endpoints.first?["id"] as? String == endpointID && endpoints.first?["enabled"] as? Bool == false)
                    let audited = try await world.pool.query("SELECT target FROM audit_events WHERE action = 'webhook.disabled' AND organisation_id = \(acme.id)")
                    #expect(try audited.map { try $0.decode(String.self, at: 0) } == ["webhook:\(endpointID)"])
                    // A disabled endpoint gets no new events.
                    _ = try await world.dependencies.vault.issue(.init(username: "ada", name: "k2", organisationSlug: "acme"))
                    #expect(try await world.pool.query("SELECT 1 FROM webhook_outbox").count == 1)
                }
            }
        }
    }

    @Test func anEventWrittenWhileNoWorkerRunsIsDeliveredWhenOneStarts() async throws {
        try await WebhookReceiver.with { receiver in
            try await ServerWorld.with { world in
                let acme = try await Self.acme(world)
                try await world.client(settings: Self.settings) { client in
                    let (_, secret) = try await Self.endpoint(client, acme, url: receiver.url, events: ["key.issued", "key.leaked", "member.removed"])
                    let issued = try await world.dependencies.vault.issue(.init(username: "ada", name: "k", organisationSlug: "acme"))
                    try await world.dependencies.vault.revokeLeaked([.init(issued.secret)], source: "revoke-leaked")
                    try await Tenancy(vault: world.dependencies.vault).removeMember("ada", from: .organisation("acme"))
                    try await Task.sleep(for: .milliseconds(300))
                    #expect(receiver.received.isEmpty)
                    let worker = Task { try await Self.dispatcher(world, interval: .milliseconds(100)).run() }
                    defer { worker.cancel() }
                    let received = try await receiver.waitFor(3)
                    // Sent concurrently: in no particular order.
                    #expect(Set(received.compactMap { Self.payload($0)["type"] as? String }) == ["key.issued", "key.leaked", "member.removed"])
                    #expect(received.allSatisfy { Self.verified($0, secret: secret) })
                    let removed = received.map(Self.payload).first { $0["type"] as? String == "member.removed" }
                    #expect((removed?["data"] as? [String: Any])?["username"] as? String == "ada")
                    try await Self.waitUntilDelivered(world)
                }
            }
        }
    }

    /// `member.removed` whoever removes the member (SPEC §14): the users directory, the command
    /// line and an operator's SQL each send one event naming the member; a deactivation is no
    /// removal and sends none.
    @Test func aMemberRemovedIsAnEventWhoeverRemovesThem() async throws {
        try await ServerWorld.with { world in
            let acme = try await Self.acme(world)
            let (bea, cy, dee) = (try await world.user("bea", tier: .pro), try await world.user("cy", tier: .pro), try await world.user("dee", tier: .pro))
            for user in [bea, cy, dee] {
                try await world.pool.execute("INSERT INTO organisation_memberships (organisation_id, user_id, role) VALUES (\(acme.id), \(user), 'viewer')")
            }
            try await world.pool.execute("UPDATE users SET is_staff = false")
            try await world.client(settings: Self.settings) { client in
                _ = try await Self.endpoint(client, acme, url: "http://127.0.0.1:9/never", events: ["member.removed"])
                #expect(try await client.send("/api/user/\(acme.ada)/", method: .delete, key: acme.admin).status == .noContent)
            }
            try await Tenancy(vault: world.dependencies.vault).removeMember("bea", from: .organisation("acme"))
            try await world.pool.execute("DELETE FROM organisation_memberships WHERE user_id = \(cy)")
            try await world.pool.execute("UPDATE users SET is_active = false WHERE id = \(dee)")
            let rows = try await world.pool.query("SELECT type, payload FROM webhook_outbox ORDER BY id")
                .map { (type: try $0.decode(String.self, at: 0), payload: try $0.decode(String.self, at: 1)) }
            #expect(rows.map(\.type) == ["member.removed", "member.removed", "member.removed"], "\(rows.map(\.payload))")
            let named = rows.map { ((try? JSONSerialization.jsonObject(with: Data($0.payload.utf8))) as? [String: Any])?["data"] as? [String: Any] ?? [:] }
            #expect(named.map { $0["username"] as? String } == ["ada", "bea", "cy"])
            #expect(named.allSatisfy { ($0["organisation"] as? NSNumber)?.int64Value == acme.id })
        }
    }

    /// Keys ended together are each `key.revoked` (audited and sent): a password change and an
    /// offboarding, with the reason; a key of no organisation is no one's event.
    @Test func keysEndedTogetherAreEachRevokedEvents() async throws {
        try await ServerWorld.with { world in
            let acme = try await Self.acme(world)
            try await world.pool.execute("UPDATE users SET is_staff = false")
            try await world.client(settings: Self.settings) { client in
                _ = try await Self.endpoint(client, acme, url: "http://127.0.0.1:9/never", events: ["key.revoked"])
            }
            let vault = world.dependencies.vault
            let first = try await vault.issue(.init(username: "ada", name: "first", organisationSlug: "acme"))
            let second = try await vault.issue(.init(username: "ada", name: "second", organisationSlug: "acme"))
            _ = try await vault.issue(.init(username: "ada", name: "personal"))
            _ = try await Accounts(vault: vault).setPassword(username: "ada", password: "a brand new horse")
            let third = try await vault.issue(.init(username: "ada", name: "third", organisationSlug: "acme"))
            try await world.pool.execute("DELETE FROM organisation_memberships WHERE user_id = \(acme.ada)")
            let rows = try await world.pool.query("SELECT type, payload FROM webhook_outbox ORDER BY id").map { try $0.decode(String.self, at: 1) }
            let data = rows.map { ((try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any])?["data"] as? [String: Any] ?? [:] }
            #expect(Set(data.prefix(2).compactMap { $0["id"] as? String }) == Set([first, second].map { $0.record.id.uuidString.lowercased() }))
            #expect(data.dropFirst(2).compactMap { $0["id"] as? String } == [third.record.id.uuidString.lowercased()])
            #expect(data.map { $0["revoke_reason"] as? String } == ["password_change", "password_change", "membership_ended"])
            let audited = try await world.pool.query("""
                SELECT detail->>'reason' FROM audit_events WHERE action = 'key.revoked' ORDER BY id
                """).map { try $0.decode(String.self, at: 0) }
            #expect(audited == ["password_change", "password_change", "password_change", "membership_ended"], "the personal key too, in no organisation")
        }
    }

    /// Rolls are events, and a key confined to a team is an event of the team's organisation
    /// (its revocation is audited without one); a key of no organisation is no one's event.
    @Test func rollsAndTeamKeysAreEventsOfTheirOrganisation() async throws {
        try await ServerWorld.with { world in
            let acme = try await Self.acme(world)
            let team = try await world.team("acme-ops", organisation: acme.id, members: [(acme.ada, "admin")])
            try await world.client(settings: Self.settings) { client in
                _ = try await Self.endpoint(client, acme, url: "http://127.0.0.1:9/never", events: ["key.rolled", "key.revoked"])
            }
            let vault = world.dependencies.vault
            let issued = try await vault.issue(.init(username: "ada", name: "rolled", organisationSlug: "acme"))
            let rolled = try await vault.roll(keyID: issued.record.id, graceHours: 1)
            let teamKey = try await world.key(for: acme.ada, team: team)
            let teamKeyID = try await world.pool.query("SELECT id FROM api_keys WHERE hash = \(Data(try KeyFormat.parse(teamKey, as: .live).digest.bytes))")[0]
                .decode(UUID.self, at: 0)
            try await vault.revoke(keyID: teamKeyID)
            let loose = try await vault.issue(.init(username: "ada", name: "loose"))
            try await vault.revoke(keyID: loose.record.id)
            let rows = try await world.pool.query("SELECT type, payload FROM webhook_outbox ORDER BY id")
                .map { (type: try $0.decode(String.self, at: 0), payload: try $0.decode(String.self, at: 1)) }
            #expect(rows.map(\.type) == ["key.rolled", "key.revoked"])
            func data(_ text: String) -> [String: Any] {
                ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any])?["data"] as? [String: Any] ?? [:]
            }
            try #require(rows.count == 2)
            #expect(data(rows[0].payload)["id"] as? String == issued.record.id.uuidString.lowercased())
            #expect(data(rows[0].payload)["rolled_to"] as? String == rolled.record.id.uuidString.lowercased())
            #expect(data(rows[1].payload)["id"] as? String == teamKeyID.uuidString.lowercased())
            #expect(data(rows[1].payload)["team"] as? Int64 == team && data(rows[1].payload)["organisation"] as? Int64 == acme.id)
        }
    }

    @Test func twoWorkersDeliverEachEventOnce() async throws {
        try await WebhookReceiver.with { receiver in
            try await ServerWorld.with { world in
                let acme = try await Self.acme(world)
                try await world.client(settings: Self.settings) { client in
                    _ = try await Self.endpoint(client, acme, url: receiver.url, events: ["key.issued"])
                    _ = try await Self.endpoint(client, acme, url: receiver.url, events: ["key.issued"])
                    for index in 0..<12 {
                        _ = try await world.dependencies.vault.issue(.init(username: "olive", name: "k\(index)", organisationSlug: "acme"))
                    }
                    let workers = (0..<2).map { _ in
                        Task { try await WebhookDispatcher(pool: world.pool, secretBox: Self.box, targets: .any, interval: .milliseconds(20), batchSize: 3).run() }
                    }
                    defer { workers.forEach { $0.cancel() } }
                    let received = try await receiver.waitFor(24)
                    try await Self.waitUntilDelivered(world)
                    try await Task.sleep(for: .milliseconds(500))
                    // Two endpoints: each event once per endpoint, the same webhook-id to both.
                    #expect(receiver.received.count == 24)
                    let ids = receiver.received.map(\.id)
                    #expect(Set(ids).count == 12)
                    #expect(Dictionary(grouping: ids, by: { $0 }).values.allSatisfy { $0.count == 2 })
                    #expect(received.count == 24)
                    #expect(try await world.pool.query("SELECT 1 FROM webhook_outbox WHERE delivered_at IS NULL").count == 0)
                }
            }
        }
    }

    @Test func theAPIRefusesWhatItMustAndStoresNothing() async throws {
        try await ServerWorld.with { world in
            let acme = try await Self.acme(world)
            let viewerKey = try await world.key(for: acme.ada, organisation: acme.id, capabilities: ["view", "superuser"])
            let plainAdmin = try await world.key(for: acme.owner, organisation: acme.id, capabilities: ["view", "edit"])
            let unconfined = try await world.key(for: acme.owner, capabilities: ["view", "superuser"])
            let other = try await world.user("oscar", tier: .organisation)
            _ = try await world.organisation("other", owner: other)
            let path = "/api/organisations/acme/webhooks/"
            let good = #"{"url":"https://hooks.example.com/x","events":["key.issued"]}"#
            try await world.client(settings: APISettings(secretBox: Self.box)) { client in
                for (body, words) in [
                    (#"{"url":"http://hooks.example.com/x","events":["key.issued"]}"#, "https"),
                    (#"{"url":"https://127.0.0.1/x","events":["key.issued"]}"#, "internal"),
                    (#"{"url":"https://hooks.example.com/x","events":["key.nope"]}"#, "unknown event type"),
                    (#"{"url":"https://hooks.example.com/x","events":[]}"#, "at least one"),
                    (#"{"url":"https://hooks.example.com/x"}"#, "events"),
                    (#"{"url":"https://hooks.example.com/x","events":["key.issued"],"secret":"x"}"#, "secret"),
                    (#"{"url":5,"events":["key.issued"]}"#, "url"),
                    ("not json", "JSON"),
                ] {
                    let reply = try await client.send(path, method: .post, key: acme.admin, body: body)
                    #expect(reply.status == .badRequest, "\(body): \(reply.text)")
                    #expect(reply.detail?.contains(words) == true, "\(body): \(reply.text)")
                }
                for key in [viewerKey, plainAdmin, unconfined] {
                    #expect(try await client.send(path, method: .post, key: key, body: good).status == .forbidden)
                    #expect(try await client.send(path, key: key).status == .forbidden)
                }
                #expect(try await client.send(path, method: .post, body: good).status == .unauthorized)
                #expect(try await client.send("/api/organisations/other/webhooks/", method: .post, key: acme.admin, body: good).status == .notFound)
                #expect(try await client.send("/api/organisations/nowhere/webhooks/", key: acme.admin).status == .notFound)
                #expect(try await world.pool.query("SELECT 1 FROM webhook_endpoints").count == 0)

                let made = try await client.send(path, method: .post, key: acme.admin, body: good)
                #expect(made.status == .created)
                #expect(made.headers[.cacheControl] == "no-store")
                let id = made.object["id"] as? String ?? ""
                let list = try await client.send(path, key: acme.admin)
                #expect(list.status == .ok && !list.text.contains("whsec_") && list.text.contains(id))
                // The secret is sealed at rest.
                let stored = try await world.pool.query("SELECT secret FROM webhook_endpoints")[0].decode(String.self, at: 0)
                #expect(stored.hasPrefix("v1:") && !stored.contains("whsec_"))
                #expect(Self.box.open(stored, purpose: WebhookEndpoints.sealingPurpose).map { String(decoding: $0, as: UTF8.self) } == made.object["secret"] as? String)
                #expect(try await client.send("\(path)\(UUID().uuidString.lowercased())/", method: .delete, key: acme.admin).status == .notFound)
                #expect(try await client.send("\(path)not-a-uuid/deliveries/", key: acme.admin).status == .notFound)
                #expect(try await client.send("\(path)\(id)/", method: .delete, key: acme.admin).status == .noContent)
                #expect(try await client.send("\(path)\(id)/", method: .delete, key: acme.admin).status == .notFound)
                let audited = try await world.pool.query("SELECT action FROM audit_events WHERE action LIKE 'webhook.%' ORDER BY id").map { try $0.decode(String.self, at: 0) }
                #expect(audited == ["webhook.created", "webhook.deleted"])
            }
            // Without the deployment's secret: 503 with words saying why.
            try await world.client { client in
                let reply = try await client.send(path, method: .post, key: acme.admin, body: good)
                #expect(reply.status == .serviceUnavailable)
                #expect(reply.detail?.contains("LATCHKEY_SECRET_KEY") == true)
            }
        }
    }
}
