import Foundation
import Hummingbird
import HummingbirdTesting
import JSON
import Policy
import Postgres
import Server
import ServerTestSupport
import Testing
import Usage
import Vault

/// Usage in the console (SPEC §13): a sparkline per key on `/account/keys`, a key's page with
/// its daily chart, table and recent addresses (its user's alone), and an organisation's usage
/// page with its most used and stale keys (its admins' alone) — inline SVG with titles, no script,
/// no style attribute.
@Suite struct ConsoleUsageTests {
    static let day: TimeInterval = 86_400

    @Test func aKeysPageShowsItsUsesByOutcomeAndTheListASparkline() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.person("ada", tier: .pro)
            let bob = try await world.person("bob", tier: .pro)
            let build = try await world.keyID(try await world.key(for: ada), name: #"Build <bot> & "co""#)
            let idle = try await world.keyID(try await world.key(for: ada), name: "Idle key")
            let bobs = try await world.keyID(try await world.key(for: bob), name: "Bob's key")
            let now = Date()
            try await world.recordUses([
                (.valid, build, "203.0.113.7", now, 5), (.denied, build, "203.0.113.7", now, 2),
                (.valid, build, "2001:db8::1", now - 3 * Self.day, 4), (.rateLimited, build, "2001:db8::1", now - 3 * Self.day, 1),
                (.valid, build, "198.51.100.9", now - 40 * Self.day, 9),
                (.valid, bobs, "192.0.2.1", now, 6),
            ])
            try await world.client(settings: ServerWorld.consoleSettings) { client in
                let browser = try await ConsoleSafetyTests.signedIn(client, "ada")
                let list = try await browser.get("/account/keys")
                #expect(list.status == .ok)
                Self.expectStrictSVG(list.html, "/account/keys")
                #expect(list.html.contains(#"<svg class="spark""#) && list.html.contains(#"<th class="wrap">Last 30 days</th>"#))
                #expect(list.html.contains("Build &lt;bot&gt; &amp; &quot;co&quot;: 12 uses in the last 30 days"), "the last 30 days only")
                #expect(list.html.contains("Idle key: 0 uses in the last 30 days"))
                #expect(list.html.contains(#"<a href="/account/keys/\#(build.lowercased)">Build &lt;bot&gt; &amp; &quot;co&quot;</a>"#))
                #expect(list.html.contains(#"<a href="/account/keys/\#(idle.lowercased)">Idle key</a>"#))

                let page = try await browser.get("/account/keys/\(build.lowercased)")
                #expect(page.status == .ok)
                Self.expectStrictSVG(page.html, "the key's page")
                #expect(page.html.contains(#"<svg class="chart""#) && page.html.contains("<title>Uses of “Build &lt;bot&gt; &amp; &quot;co&quot;” per day</title>"))
                // The table: a column per outcome that happened, a row per day with use, totals.
                #expect(page.html.contains(#"<th scope="col">Day</th><th scope="col" class="number">valid</th><th scope="col" class="number">rate limited</th><th scope="col" class="number">denied</th><th scope="col" class="number">Total</th>"#))
                #expect(page.html.contains(Self.row(Self.date(now), ["5", "0", "2", "7"])))
                #expect(page.html.contains(Self.row(Self.date(now - 3 * Self.day), ["4", "1", "0", "5"])))
                #expect(page.html.contains(Self.row("Total", ["9", "1", "2", "12"])))
                #expect(!page.html.contains(#"<th scope="row">\#(Self.date(now - 40 * Self.day))</th>"#), "a use before the 30 days")
                #expect(page.html.contains("<td><code>203.0.113.7</code></td>") && page.html.contains("<td><code>2001:db8::1</code></td>"))
                #expect(page.html.contains("<code>198.51.100.9</code>"), "recent addresses are the latest ten, whenever")
                #expect(page.html.contains(">Revoke</button>") && page.html.contains(">Roll</button>"))

                let quiet = try await browser.get("/account/keys/\(idle.lowercased)")
                #expect(quiet.status == .ok && quiet.html.contains("No uses in these 30 days") && quiet.html.contains("Not used from anywhere yet."))
                Self.expectStrictSVG(quiet.html, "an idle key's page")

                // Another user's key, an unknown one, no id: not found, nothing of theirs shown.
                for path in ["/account/keys/\(bobs.lowercased)", "/account/keys/00000000-0000-0000-0000-000000000000", "/account/keys/not-a-uuid"] {
                    let other = try await browser.get(path)
                    #expect(other.status == .notFound, "\(path)")
                    #expect(!other.html.contains("192.0.2.1") && !other.html.contains("Bob&#39;s key"))
                }
            }
        }
    }

    @Test func anOrganisationsUsagePageShowsItsVerificationsMostUsedAndStaleKeys() async throws {
        try await ServerWorld.with { world in
            let admin = try await world.person("admin", tier: .organisation)
            let member = try await world.person("member", tier: .organisation)
            let outsider = try await world.person("outsider", tier: .organisation)
            let acme = try await world.organisation("acme", members: [(admin, "admin"), (member, "viewer")])
            let beta = try await world.organisation("beta", members: [(outsider, "admin"), (member, "viewer")])
            let busy = try await world.keyID(try await world.key(for: member, organisation: acme), name: "Busy pipeline")
            let recent = try await world.keyID(try await world.key(for: admin, organisation: acme), name: "Used yesterday", age: 40, lastUsed: 1)
            let stale = try await world.keyID(try await world.key(for: member, organisation: acme), name: "Forgotten script", age: 40, lastUsed: 31)
            let never = try await world.keyID(try await world.key(for: member, organisation: acme), name: "Never used", age: 40)
            let revoked = try await world.keyID(try await world.key(for: member, organisation: acme, revoked: true), name: "Revoked long ago", age: 40)
            let personal = try await world.keyID(try await world.key(for: member), name: "Personal key", age: 40)
            let foreign = try await world.keyID(try await world.key(for: member, organisation: beta), name: "Beta key", age: 40)
            let now = Date()
            try await world.recordUses([
                (.valid, busy, "203.0.113.7", now, 10), (.denied, busy, "203.0.113.7", now, 3),
                (.valid, recent, nil, now - Self.day, 2), (.expired, busy, nil, now - 2 * Self.day, 1),
                (.valid, foreign, nil, now, 50), (.valid, personal, nil, now, 70),
            ])
            try await world.client(settings: ServerWorld.consoleSettings) { client in
                let browser = try await ConsoleSafetyTests.signedIn(client, "admin")
                #expect(try await browser.get("/org/acme/keys").html.contains(#"<a href="/org/acme/usage">Usage</a>"#), "the organisation's pages link it")
                let page = try await browser.get("/org/acme/usage")
                #expect(page.status == .ok)
                Self.expectStrictSVG(page.html, "/org/acme/usage")
                #expect(page.html.contains(#"<a href="/org/acme/usage" aria-current="page">Usage</a>"#))
                #expect(page.html.contains("<title>Verifications of ACME&#39;s keys per day</title>"))
                #expect(page.html.contains(Self.row(Self.date(now), ["10", "0", "3", "13"])))
                #expect(page.html.contains(Self.row(Self.date(now - Self.day), ["2", "0", "0", "2"])))
                #expect(page.html.contains(Self.row("Total", ["12", "1", "3", "16"])), "valid, expired, denied: only this organisation's keys")

                let mostUsed = try #require(Self.section(page.html, "Most used keys"))
                #expect(mostUsed.contains(#"<td>Busy pipeline</td><td class="number">10</td><td class="number">4</td><td>never</td><td>member</td>"#))
                #expect(mostUsed.contains("<td>Used yesterday</td>"))
                #expect(mostUsed.range(of: "Busy pipeline")!.lowerBound < mostUsed.range(of: "Used yesterday")!.lowerBound, "most used first")
                #expect(!mostUsed.contains("Never used") && !mostUsed.contains("Beta key") && !mostUsed.contains("Personal key"))

                let staleList = try #require(Self.section(page.html, "Stale keys"))
                for id in [stale, never] {
                    #expect(staleList.contains(#"<form method="get" action="/org/acme/keys/\#(id.lowercased)/revoke" class="inline"><button type="submit" class="danger">Revoke</button></form>"#))
                }
                #expect(staleList.contains("<td>Forgotten script</td><td>\(Self.date(now - 31 * Self.day))</td>") && staleList.contains("<td>Never used</td><td>never</td>"))
                for name in ["Used yesterday", "Busy pipeline", "Revoked long ago", "Personal key", "Beta key"] {
                    #expect(!staleList.contains(name), "\(name) is not stale here")
                }
                #expect(!page.html.contains("Beta key") && !page.html.contains(revoked.lowercased + "/revoke"))

                // Revoke goes through the organisation's revoke flow; the key leaves the list.
                let confirm = try await browser.get("/org/acme/keys/\(stale.lowercased)/revoke")
                #expect(confirm.status == .ok && confirm.html.contains("Forgotten script"))
                #expect(try await browser.post("/org/acme/keys/\(stale.lowercased)/revoke", [("csrf", confirm.csrf)]).location == "/org/acme/keys?revoked=1")
                let after = try #require(Self.section(try await browser.get("/org/acme/usage").html, "Stale keys"))
                #expect(!after.contains("Forgotten script") && after.contains("Never used"))

                // Another organisation's page does not exist for this admin.
                #expect(try await browser.get("/org/beta/usage").status == .notFound)
                #expect(try await browser.get("/org/nowhere/usage").status == .notFound)
            }
            // A plain member and another organisation's admin: the same refusal as the other admin pages.
            for username in ["member", "outsider"] {
                try await world.client(settings: ServerWorld.consoleSettings) { client in
                    let browser = try await ConsoleSafetyTests.signedIn(client, username)
                    let refused = try await browser.get("/org/acme/usage")
                    #expect(refused.status == .notFound, "\(username)")
                    #expect(refused.html.contains("There is nothing here that you administer.") && !refused.html.contains("Busy pipeline"))
                    #expect(!(try await browser.get("/account/keys").html.contains("/org/acme/usage")))
                    guard username == "outsider" else { return }
                    // Beta's admin sees beta's page: beta's key only.
                    let own = try await browser.get("/org/beta/usage")
                    #expect(own.status == .ok && own.html.contains("<td>Beta key</td>") && !own.html.contains("Busy pipeline"))
                    #expect(own.html.contains(Self.row("Total", ["50", "50"])))
                }
            }
        }
    }

    // MARK: Helpers

    /// `YYYY-MM-DD` (UTC), as the tables show days.
    static func date(_ date: Date) -> String { UTCDateParts(date).date }

    /// `html` carries an inline SVG with a `<title>`, and no script or style attribute (the CSP
    /// stays strict).
    static func expectStrictSVG(_ html: String, _ page: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(html.contains("<svg") && html.contains("</title>"), "\(page): no chart", sourceLocation: sourceLocation)
        #expect(html.contains(#"role="img" aria-label=""#), "\(page)", sourceLocation: sourceLocation)
        #expect(!html.contains("<script") && !html.contains("style=") && !html.contains("<style"), "\(page)", sourceLocation: sourceLocation)
    }

    /// A row of a usage table: its heading cell and number cells.
    static func row(_ heading: String, _ cells: [String]) -> String {
        #"<tr><th scope="row">\#(heading)</th>"# + cells.map { #"<td class="number">\#($0)</td>"# }.joined() + "</tr>"
    }

    /// The `<section>` of `html` headed `heading`.
    static func section(_ html: String, _ heading: String) -> String? {
        guard let start = html.range(of: "<h2>\(heading)</h2>") else { return nil }
        let rest = html[start.upperBound...]
        return String(rest[..<(rest.range(of: "</section>")?.lowerBound ?? rest.endIndex)])
    }
}

extension UUID {
    var lowercased: String { uuidString.lowercased() }
}

extension ServerWorld {
    /// The id of the key `secret`, now named `name`; with `age`, created that many days ago, and
    /// with `lastUsed`, last used that many days ago.
    func keyID(_ secret: String, name: String, age: Double? = nil, lastUsed: Double? = nil) async throws -> UUID {
        let prefix = String(secret.prefix(12))
        try await pool.execute("""
            UPDATE api_keys SET name = \(name),
                created_at = coalesce(now() - make_interval(secs => \(age.map { $0 * 86_400 })), created_at),
                last_used_at = now() - make_interval(secs => \(lastUsed.map { $0 * 86_400 }))
            WHERE prefix = \(prefix)
            """)
        return try await pool.query("SELECT id FROM api_keys WHERE prefix = \(prefix)")[0].decode(UUID.self, at: 0)
    }

    /// Counts `count` uses of each (outcome, key, client address, time) as the API would, and
    /// flushes them to `key_usage` as the recorder does (partitions made for the last 40 days).
    func recordUses(_ uses: [(UsageOutcome, UUID, String?, Date, Int)]) async throws {
        // (`UsagePartitions.maintain` binds its counts as int8, which the function's integer
        // parameters do not take: called here as the migration calls it.)
        try await pool.execute("SELECT key_usage_maintain(now() - interval '40 days', 2, NULL)")
        let counter = UsageCounter()
        for (outcome, key, address, time, count) in uses {
            for _ in 0..<count { counter.record(outcome, key: key, address: address, at: time) }
        }
        await UsageRecorder(counter: counter, pool: pool).flush()
        #expect(counter.take().isEmpty, "the flush wrote everything")
    }
}
