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

/// Usage analytics (SPEC §13): every use of a known key counted under its outcome on every path
/// that sees keys, flushed to PostgreSQL, read back through the API by the key itself and by its
/// organisation's admins — never another organisation's.
@Suite struct UsageTests {
    /// The id of the key `secret`.
    static func id(of secret: String, _ world: ServerWorld) async throws -> String {
        let digest = try KeyFormat.parse(secret, as: .live).digest
        return try await world.pool.query("SELECT id FROM api_keys WHERE hash = \(Data(digest.bytes))")[0].decode(UUID.self, at: 0).uuidString.lowercased()
    }

    /// The totals `/api/usage/?key=` shows for key `secret`, asked with `admin`.
    static func totals(_ client: any TestClientProtocol, of secret: String, admin: String, _ world: ServerWorld) async throws -> [String: Int] {
        let id = try await id(of: secret, world)
        let reply = try await client.send("/api/usage/?key=\(id)", key: admin)
        #expect(reply.status == .ok, "\(reply.text)")
        return (reply.object["totals"] as? [String: Int] ?? [:]).filter { $0.value > 0 }
    }

    @Test func everyUseOfAKnownKeyIsCountedUnderItsOutcome() async throws {
        try await ServerWorld.with { world in
            let owner = try await world.user("olive", tier: .organisation)
            let ada = try await world.user("ada", tier: .pro)
            let free = try await world.user("fred", tier: .free)
            let gone = try await world.user("gone", tier: .pro)
            let acme = try await world.organisation("acme", owner: owner, members: [(ada, "viewer"), (free, "viewer"), (gone, "viewer")])
            let admin = try await world.key(for: owner, organisation: acme)
            let valid = try await world.key(for: ada, organisation: acme)
            let expired = try await world.key(for: ada, organisation: acme, expiresAt: Date().addingTimeInterval(-60))
            let revoked = try await world.key(for: ada, organisation: acme, revoked: true)
            let blocked = try await world.key(for: free, organisation: acme)
            let inactive = try await world.key(for: gone)
            try await world.pool.execute("UPDATE users SET is_active = false WHERE id = \(gone)")
            let fenced = try await world.key(for: ada, organisation: acme, allowedCIDRs: ["10.0.0.0/8"])
            let limited = try await world.key(for: ada, organisation: acme)
            try await world.pool.execute("UPDATE api_keys SET rate_limit = '2/min' WHERE id = \(UUID(uuidString: try await Self.id(of: limited, world))!)")
            let shared = APIDependencies()
            try await Self.useEveryWay(Keys(valid: valid, expired: expired, revoked: revoked, blocked: blocked, inactive: inactive,
                                            fenced: fenced, limited: limited), acme: acme, world, shared)
            // Over a socket, whose peer (127.0.0.1) is outside the allowlist.
            try await Self.useFromLoopback(fenced, world, shared)
            // Nothing is written until the flush.
            #expect(try await world.pool.query("SELECT 1 FROM key_usage").count == 0)
            await UsageRecorder(counter: shared.usage, pool: world.pool).flush()
            #expect(shared.usage.take().isEmpty)

            try await world.client { client in
                let validTotals = try await Self.totals(client, of: valid, admin: admin, world)
                #expect(validTotals == ["valid": 6, "denied": 1])
                let expiredTotals = try await Self.totals(client, of: expired, admin: admin, world)
                #expect(expiredTotals == ["expired": 1])
                let revokedTotals = try await Self.totals(client, of: revoked, admin: admin, world)
                #expect(revokedTotals == ["revoked": 1])
                let blockedTotals = try await Self.totals(client, of: blocked, admin: admin, world)
                #expect(blockedTotals == ["blocked": 1])
                let fencedTotals = try await Self.totals(client, of: fenced, admin: admin, world)
                #expect(fencedTotals == ["ip_not_allowed": 2])
                let limitedTotals = try await Self.totals(client, of: limited, admin: admin, world)
                #expect(limitedTotals == ["valid": 2, "rate_limited": 3])
                // The admin's own reads were not flushed: nothing counted for it yet.
                let adminTotals = try await Self.totals(client, of: admin, admin: admin, world)
                #expect(adminTotals == [:])
            }
            // The inactive user's key is issued in no organisation: its own count.
            let inactiveID = try #require(UUID(uuidString: try await Self.id(of: inactive, world)))
            let inactiveUsage = try await UsageReport(pool: world.pool).series(key: inactiveID, .last(days: 1))
            #expect(inactiveUsage.totals[.blocked] == 1 && inactiveUsage.totals.total == 1)
            let total = try await world.pool.query("SELECT coalesce(sum(count), 0)::int8 FROM key_usage")[0].decode(Int64.self, at: 0)
            #expect(total == 18)
        }
    }

    struct Keys: Sendable {
        var valid, expired, revoked, blocked, inactive, fenced, limited: String
    }

    /// Uses `keys` on every path, each ending as its name says.
    static func useEveryWay(_ keys: Keys, acme: Int64, _ world: ServerWorld, _ shared: APIDependencies) async throws {
        let (valid, expired, revoked, blocked, inactive, fenced, limited) = (keys.valid, keys.expired, keys.revoked, keys.blocked, keys.inactive, keys.fenced, keys.limited)
        let unknown = try KeyFormat.generate(.live).secret
        let settings = APISettings(throttle: ThrottleSettings(enabled: true, user: ThrottleRate(limit: 1000, seconds: 60)))
        try await world.client(settings: settings, shared: shared) { client in
            for _ in 0..<3 { #expect(try await client.send("/api/surveys/", key: valid).status == .ok) }
            // Authenticated, the action refused: a viewer's key may not create.
            let create = try await client.send("/api/surveys/", method: .post, key: valid, body: #"{"name":"x","organisation":\#(acme)}"#)
            #expect(create.status == .forbidden, "\(create.text)")
            // A session made from the key counts for it: the login and each use.
            let login = try await client.send("/api/auth/login/", method: .post, body: #"{"apikey":"\#(valid)"}"#)
            let token = try #require(login.object["token-id"] as? String)
            #expect(try await client.send("/api/surveys/", headers: [HTTPFields.Element.Name("authtoken")!: token]).status == .ok)
            // verify about it, for a backend.
            let verified = try await client.send("/v1/keys/verify", method: .post, key: world.service, body: #"{"key":"\#(valid)"}"#)
            #expect(verified.object["valid"] as? Bool == true)

            #expect(try await client.send("/api/surveys/", key: expired).status == .unauthorized)
            #expect(try await client.send("/api/surveys/", key: revoked).status == .unauthorized)
            #expect(try await client.send("/api/surveys/", key: blocked).status == .forbidden)
            #expect(try await client.send("/api/auth/login/", method: .post, body: #"{"apikey":"\#(inactive)"}"#).status == .unauthorized)
            let fencedVerify = try await client.send("/v1/keys/verify", method: .post, key: world.service, body: #"{"key":"\#(fenced)","ip":"192.0.2.1"}"#)
            #expect(fencedVerify.object["code"] as? String == "IP_NOT_ALLOWED")
            for status in [HTTPResponse.Status.ok, .ok, .tooManyRequests, .tooManyRequests] {
                #expect(try await client.send("/api/surveys/", key: limited).status == status)
            }
            // verify of a key over its limit: the backend will refuse it.
            _ = try await client.send("/v1/keys/verify", method: .post, key: world.service, body: #"{"key":"\#(limited)"}"#)
            // Unknown keys are no key's use.
            #expect(try await client.send("/api/surveys/", key: unknown).status == .unauthorized)
        }
    }

    /// Uses `key` over a socket, whose peer is 127.0.0.1 (the decision API is not told the
    /// address here: no agreement to check).
    static func useFromLoopback(_ key: String, _ world: ServerWorld, _ shared: APIDependencies) async throws {
        try await DecisionAgreement.$exempt.withValue(true) {
            try await world.client(shared: shared, over: .live) { (client: any TestClientProtocol) async throws in
                let refused = try await client.send("/api/surveys/", key: key)
                #expect(refused.status == .forbidden)
            }
        }
    }

    @Test func aKeyReadsItsOwnUsageByDayOrHourWithItsAddresses() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.user("ada", tier: .pro)
            let key = try await world.key(for: ada)
            let id = try #require(UUID(uuidString: try await Self.id(of: key, world)))
            let counter = UsageCounter()
            let now = Date()
            let day = 86_400.0
            // Two days ago: 3 valid in one hour, 1 in the next, 2 rate-limited; today: 4 valid.
            let twoDaysAgo = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / day).rounded(.down) * day - 2 * day + 3600)
            for _ in 0..<3 { counter.record(.valid, key: id, address: "192.0.2.1", at: twoDaysAgo) }
            counter.record(.valid, key: id, address: "192.0.2.2", at: twoDaysAgo.addingTimeInterval(3600))
            for _ in 0..<2 { counter.record(.rateLimited, key: id, address: nil, at: twoDaysAgo.addingTimeInterval(3600)) }
            for index in 0..<4 { counter.record(.valid, key: id, address: "2001:db8::\(index)", at: now.addingTimeInterval(-Double(index))) }
            // And something older than the default range (in a month that has its partition).
            try await UsagePartitions.maintain(pool: world.pool, retentionDays: 90, now: now.addingTimeInterval(-40 * day))
            counter.record(.valid, key: id, address: nil, at: now.addingTimeInterval(-40 * day))
            await UsageRecorder(counter: counter, pool: world.pool).flush()

            try await world.client { client in
                let daily = try await client.send("/api/keys/current/usage/", key: key)
                #expect(daily.status == .ok, "\(daily.text)")
                #expect(daily.object["key"] as? String == id.uuidString.lowercased() && daily.object["granularity"] as? String == "day")
                let series = daily.object["series"] as? [[String: Any]] ?? []
                #expect(series.map { $0["valid"] as? Int } == [4, 4] && series.map { $0["rate_limited"] as? Int } == [2, 0], "\(series)")
                #expect((series.first?["start"] as? String)?.hasSuffix("T00:00:00Z") == true)
                #expect((daily.object["totals"] as? [String: Int])?["valid"] == 8)
                let addresses = (daily.object["addresses"] as? [[String: Any]] ?? []).compactMap { $0["ip"] as? String }
                #expect(addresses == ["2001:db8::0", "2001:db8::1", "2001:db8::2", "2001:db8::3", "192.0.2.2", "192.0.2.1"], "\(addresses)")

                let since = ISO8601DateFormatter().string(from: twoDaysAgo.addingTimeInterval(-1))
                let until = ISO8601DateFormatter().string(from: twoDaysAgo.addingTimeInterval(2 * 3600))
                let hourly = try await client.send("/api/keys/current/usage/?granularity=hour&since=\(since)&until=\(until)", key: key)
                let hours = hourly.object["series"] as? [[String: Any]] ?? []
                #expect(hours.map { $0["valid"] as? Int } == [3, 1] && hours.map { $0["rate_limited"] as? Int } == [0, 2], "\(hourly.text)")
                let old = try await client.send("/api/keys/current/usage/?since=2020-01-01T00:00:00Z", key: key)
                #expect((old.object["totals"] as? [String: Int])?["valid"] == 9)
            }
            // At most ten addresses, the latest.
            for index in 0..<12 { counter.record(.valid, key: id, address: "198.51.100.\(index)", at: now.addingTimeInterval(Double(index))) }
            await UsageRecorder(counter: counter, pool: world.pool).flush()
            let kept = try await UsageReport(pool: world.pool).addresses(key: id).map(\.ip)
            #expect(kept == (2..<12).reversed().map { "198.51.100.\($0)" })
            #expect(try await world.pool.query("SELECT 1 FROM key_usage_addresses").count == 10)
        }
    }

    @Test func theClientAddressIsTheOneBehindTrustedProxies() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.user("ada", tier: .pro)
            let key = try await world.key(for: ada)
            let shared = APIDependencies()
            try await world.client(settings: APISettings(trustedProxies: ["127.0.0.1"]), shared: shared, over: .live) { client in
                let reply = try await client.send("/api/surveys/", key: key, headers: [HTTPFields.Element.Name("X-Forwarded-For")!: "203.0.113.9"])
                #expect(reply.status == .ok)
            }
            await UsageRecorder(counter: shared.usage, pool: world.pool).flush()
            let id = try #require(UUID(uuidString: try await Self.id(of: key, world)))
            #expect(try await UsageReport(pool: world.pool).addresses(key: id).map(\.ip) == ["203.0.113.9"])
        }
    }

    @Test func anOrganisationsUsageIsForItsAdminsAlone() async throws {
        try await ServerWorld.with { world in
            let owner = try await world.user("olive", tier: .organisation)
            let ada = try await world.user("ada", tier: .pro)
            let gus = try await world.user("gus", tier: .organisation)
            let acme = try await world.organisation("acme", owner: owner, members: [(ada, "viewer")])
            let globex = try await world.organisation("globex", owner: gus)
            let admin = try await world.key(for: owner, organisation: acme)
            let busy = try await world.key(for: ada, organisation: acme)
            let stale = try await world.key(for: ada, organisation: acme)
            let fresh = try await world.key(for: ada, organisation: acme)
            let dead = try await world.key(for: ada, organisation: acme, revoked: true)
            let theirs = try await world.key(for: gus, organisation: globex)
            let unconfined = try await world.key(for: owner)
            let fineGrained = try await world.key(for: owner, organisation: acme, permissions: KeyPermissions([.init(type: "surveys", capabilities: .view)]))
            // stale: made 40 days ago, never used; fresh: made 40 days ago, used yesterday.
            for secret in [stale, fresh, dead] {
                try await world.pool.execute("UPDATE api_keys SET created_at = now() - interval '40 days' WHERE id = \(UUID(uuidString: try await Self.id(of: secret, world))!)")
            }
            try await world.pool.execute("UPDATE api_keys SET last_used_at = now() - interval '1 day' WHERE id = \(UUID(uuidString: try await Self.id(of: fresh, world))!)")
            let counter = UsageCounter()
            for (secret, uses) in [(busy, 5), (fresh, 2), (theirs, 9)] {
                let id = try #require(UUID(uuidString: try await Self.id(of: secret, world)))
                for _ in 0..<uses { counter.record(.valid, key: id, address: nil) }
                counter.record(.denied, key: id, address: nil)
            }
            await UsageRecorder(counter: counter, pool: world.pool).flush()

            try await world.client { client in
                let keys = try await client.send("/api/usage/keys/", key: admin)
                #expect(keys.status == .ok, "\(keys.text)")
                let results = keys.object["results"] as? [[String: Any]] ?? []
                let ids = try await [busy, fresh].asyncMap { try await Self.id(of: $0, world) }
                #expect(results.prefix(2).map { $0["key"] as? String } == ids, "most used first")
                #expect(results.first?["valid"] as? Int == 5 && results.first?["refused"] as? Int == 1 && results.first?["user"] as? String == "ada")
                #expect(results.count == 6, "every key issued in acme, not globex's: \(results.count)")
                let staleList = try await client.send("/api/usage/keys/?stale_days=30", key: admin)
                #expect((staleList.object["results"] as? [[String: Any]] ?? []).map { $0["key"] as? String } == [try await Self.id(of: stale, world)])

                // Another organisation's key is not found; an admin of globex sees none of acme's.
                #expect(try await client.send("/api/usage/?key=\(try await Self.id(of: theirs, world))", key: admin).status == .notFound)
                let gusKey = try await world.key(for: gus, organisation: globex)
                #expect(try await client.send("/api/usage/?key=\(try await Self.id(of: busy, world))", key: gusKey).status == .notFound)
                let globexKeys = try await client.send("/api/usage/keys/", key: gusKey).object["results"] as? [[String: Any]] ?? []
                #expect(Set(globexKeys.compactMap { $0["key"] as? String }) == Set([try await Self.id(of: theirs, world), try await Self.id(of: gusKey, world)]))
                // A member, an unconfined key and a fine-grained key are refused.
                for (who, code) in [(busy, "DENY_ROLE"), (unconfined, "DENY_ROLE"), (fineGrained, "DENY_CAPABILITY")] {
                    for uri in ["/api/usage/keys/", "/api/usage/?key=\(try await Self.id(of: busy, world))"] {
                        let refused = try await client.send(uri, key: who)
                        #expect(refused.status == .forbidden && refused.object["code"] as? String == code, "\(uri): \(refused.text)")
                    }
                }
                // Each key still reads its own.
                #expect((try await client.send("/api/keys/current/usage/", key: busy).object["totals"] as? [String: Int])?["valid"] == 5)
                #expect(try await client.send("/api/keys/current/usage/", key: dead).status == .unauthorized)
            }
        }
    }

    /// An organisation's series adds up its keys' uses per bucket and outcome, by day and by
    /// hour, and nothing of another organisation's keys or of keys confined to none.
    @Test func anOrganisationsSeriesAddsUpItsKeys() async throws {
        try await ServerWorld.with { world in
            let owner = try await world.user("olive", tier: .organisation)
            let gus = try await world.user("gus", tier: .organisation)
            let acme = try await world.organisation("acme", owner: owner)
            let globex = try await world.organisation("globex", owner: gus)
            var ids: [UUID] = []
            for secret in [try await world.key(for: owner, organisation: acme), try await world.key(for: owner, organisation: acme),
                           try await world.key(for: gus, organisation: globex), try await world.key(for: owner)] {
                ids.append(try #require(UUID(uuidString: try await Self.id(of: secret, world))))
            }
            let counter = UsageCounter()
            let day = 86_400.0
            let now = Date()
            let twoDaysAgo = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / day).rounded(.down) * day - 2 * day + 3600)
            // Two days ago, one hour: 2 + 3 valid and 1 denied; the next hour 4 valid; today 5 valid.
            for _ in 0..<2 { counter.record(.valid, key: ids[0], address: nil, at: twoDaysAgo) }
            for _ in 0..<3 { counter.record(.valid, key: ids[1], address: nil, at: twoDaysAgo) }
            counter.record(.denied, key: ids[1], address: nil, at: twoDaysAgo)
            for _ in 0..<4 { counter.record(.valid, key: ids[0], address: nil, at: twoDaysAgo.addingTimeInterval(3600)) }
            for _ in 0..<5 { counter.record(.valid, key: ids[1], address: nil, at: now) }
            // Globex's key and the unconfined key, at the same times: not acme's.
            for id in ids[2...] {
                for time in [twoDaysAgo, now] { for _ in 0..<7 { counter.record(.valid, key: id, address: nil, at: time) } }
            }
            await UsageRecorder(counter: counter, pool: world.pool).flush()

            let report = UsageReport(pool: world.pool)
            let daily = try await report.series(organisation: acme, .last(days: 30))
            #expect(daily.buckets.map { $0.counts[.valid] } == [9, 5] && daily.buckets.map { $0.counts[.denied] } == [1, 0], "\(daily)")
            #expect(daily.buckets.first?.start == twoDaysAgo.addingTimeInterval(-3600))
            #expect(daily.totals[.valid] == 14 && daily.totals.refused == 1)
            let hourly = try await report.series(organisation: acme, UsageRange(since: twoDaysAgo, until: twoDaysAgo.addingTimeInterval(2 * 3600), granularity: .hour))
            #expect(hourly.buckets.map(\.start) == [twoDaysAgo, twoDaysAgo.addingTimeInterval(3600)])
            #expect(hourly.buckets.map { $0.counts[.valid] } == [5, 4] && hourly.buckets.map { $0.counts[.denied] } == [1, 0], "\(hourly)")
            #expect(try await report.series(organisation: globex, .last(days: 30)).totals[.valid] == 14)
        }
    }

    @Test func badParametersAreRefusedWithA400() async throws {
        try await ServerWorld.with { world in
            let owner = try await world.user("olive", tier: .organisation)
            let acme = try await world.organisation("acme", owner: owner)
            let admin = try await world.key(for: owner, organisation: acme)
            let id = try await Self.id(of: admin, world)
            try await world.client { client in
                for uri in [
                    "/api/keys/current/usage/?granularity=week", "/api/keys/current/usage/?granularity=", "/api/keys/current/usage/?since=yesterday",
                    "/api/keys/current/usage/?until=2026-13-01T00:00:00Z", "/api/keys/current/usage/?since=2026-12-02T00:00:00Z&until=2026-12-01T00:00:00Z",
                    "/api/keys/current/usage/?since=2026-12-01T00:00:00Z&since=2026-12-02T00:00:00Z",
                    "/api/usage/", "/api/usage/?key=12", "/api/usage/?key=\(id)&granularity=minute",
                    "/api/usage/keys/?stale_days=-1", "/api/usage/keys/?stale_days=many", "/api/usage/keys/?until=soon",
                ] {
                    let reply = try await client.send(uri, key: admin)
                    #expect(reply.status == .badRequest && reply.detail?.isEmpty == false, "\(uri): \(reply.status) \(reply.text)")
                }
            }
        }
    }

    @Test func partitionsAreMadeAheadAndDroppedPastRetention() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.user("ada", tier: .pro)
            let id = try #require(UUID(uuidString: try await Self.id(of: try await world.key(for: ada), world)))
            let formatter = ISO8601DateFormatter()
            // A deployment that ran in early 2025: its partitions and a use then.
            let then = try #require(formatter.date(from: "2025-01-15T12:00:00Z"))
            try await UsagePartitions.maintain(pool: world.pool, retentionDays: 90, now: then)
            let counter = UsageCounter()
            counter.record(.valid, key: id, address: nil, at: then)
            counter.record(.valid, key: id, address: nil)
            await UsageRecorder(counter: counter, pool: world.pool).flush()
            #expect(try await UsagePartitions.months(pool: world.pool).prefix(3) == ["2025_01", "2025_02", "2025_03"])

            // Now: the old months are gone whole, this month and the next two are there.
            let now = try #require(formatter.date(from: "2026-12-07T09:00:00Z"))
            try await UsagePartitions.maintain(pool: world.pool, retentionDays: 90, now: now)
            #expect(try await UsagePartitions.months(pool: world.pool) == ["2026_12", "2027_01", "2027_02"])
            #expect(try await world.pool.query("SELECT 1 FROM key_usage WHERE hour < '2026-01-01'").count == 0)
            // A month is dropped only once it ended more than the retention ago: September 2026
            // ended 67 days before now.
            try await UsagePartitions.maintain(pool: world.pool, retentionDays: 90, now: try #require(formatter.date(from: "2026-09-10T00:00:00Z")))
            try await UsagePartitions.maintain(pool: world.pool, retentionDays: 90, now: now)
            #expect(try await UsagePartitions.months(pool: world.pool).first == "2026_09")
            try await UsagePartitions.maintain(pool: world.pool, retentionDays: 30, now: now)
            #expect(try await UsagePartitions.months(pool: world.pool) == ["2026_11", "2026_12", "2027_01", "2027_02"])
        }
    }

    @Test func aBatchThatCannotBeWrittenIsKeptForTheNext() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.user("ada", tier: .pro)
            let key = try #require(UUID(uuidString: try await Self.id(of: try await world.key(for: ada), world)))
            let counter = UsageCounter()
            counter.record(.valid, key: key, address: "192.0.2.1")
            counter.record(.denied, key: key, address: "192.0.2.1")
            // The database is away: the batch goes back to the counter.
            let away = PGPool(configuration: world.pool.configuration)
            await away.close()
            await UsageRecorder(counter: counter, pool: away).flush()
            counter.record(.valid, key: key, address: "192.0.2.2")
            await UsageRecorder(counter: counter, pool: world.pool).flush()
            let series = try await UsageReport(pool: world.pool).series(key: key, .last(days: 1))
            #expect(series.totals[.valid] == 2 && series.totals[.denied] == 1 && series.totals.total == 3)
            #expect(Set(try await UsageReport(pool: world.pool).addresses(key: key).map(\.ip)) == ["192.0.2.1", "192.0.2.2"])
            #expect(counter.take().isEmpty)
        }
        // Off: nothing is counted.
        let off = UsageCounter(enabled: false)
        off.record(.valid, key: UUID(), address: nil)
        #expect(off.take().isEmpty)
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
