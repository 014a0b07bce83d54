import Foundation
import Hummingbird
import JSON
import PluginKit
import Postgres
import Usage
import Vault

/// The usage API (SPEC §13): `GET /api/keys/current/usage/` for the presenting key, and for an
/// admin or owner of the key's organisation (a key confined to it, as the audit log)
/// `GET /api/usage/?key=` for any key issued in it and `GET /api/usage/keys/` summing every one.
struct UsageController: Sendable {
    let pool: PGPool
    let report: UsageReport

    init(pool: PGPool) {
        self.pool = pool
        self.report = UsageReport(pool: pool)
    }

    func register(on routes: RouteTable<LatchkeyRequestContext>) {
        routes.on("/api/keys/current/usage/", method: .get, .caller, documented: CoreOpenAPI.operation("currentKeyUsage")) { request, context -> Response in
            let key = try CurrentKeyController.presenting(context)
            let query = try UsageQuery(request)
            return try await usage(of: key.key.id, query.range)
        }
        routes.on("/api/usage/", method: .get, .caller, documented: CoreOpenAPI.operation("keyUsage")) { request, context -> Response in
            let organisation = try Self.administeredOrganisation(context)
            let query = try UsageQuery(request, keyRequired: true)
            // Another organisation's key, or none: not found (no existence oracle).
            guard let keyID = query.key,
                  try await pool.query("SELECT 1 FROM api_keys WHERE id = \(keyID) AND organisation_id = \(organisation)").count == 1
            else { throw APIError(.notFound, detail: "No key with that id was issued in this organisation.") }
            return try await usage(of: keyID, query.range)
        }
        routes.on("/api/usage/keys/", method: .get, .caller, documented: CoreOpenAPI.operation("keysUsage")) { request, context -> Response in
            let organisation = try Self.administeredOrganisation(context)
            let query = try UsageQuery(request, staleDaysAllowed: true)
            let keys = try await report.keys(organisation: organisation, query.range, staleDays: query.staleDays)
            var json = JSONWriter(capacity: 160 * keys.count + 16)
            json.object { json in json.field("results", keys.map(KeyUsageJSON.init)) }
            return .json(body: json.buffer)
        }
    }

    /// One key's series, totals and recent addresses.
    private func usage(of keyID: UUID, _ range: UsageRange) async throws -> Response {
        let series = try await report.series(key: keyID, range)
        let addresses = try await report.addresses(key: keyID)
        return .json(KeyUsageSeriesJSON(key: keyID, range: range, series: series, addresses: addresses))
    }

    /// The organisation whose usage the caller may read: the one its key is confined to, when its
    /// user administers it; 403 otherwise (a fine-grained key never: SPEC §15).
    static func administeredOrganisation(_ context: LatchkeyRequestContext) throws -> Int64 {
        guard let key = context.caller.verifiedKey else { throw APIError.notAuthenticated }
        guard key.principal.permissions == nil else {
            throw APIError(.forbidden, detail: "A fine-grained key reaches only the resource types its permissions name; usage is not one.",
                           code: "DENY_CAPABILITY")
        }
        guard let organisation = key.principal.auditableOrganisationIDs.first else {
            throw APIError(.forbidden, detail: "Only an admin or owner of the key's organisation may read its usage, with a key issued in it.",
                           code: "DENY_ROLE")
        }
        return organisation
    }
}

/// What a usage question asks: the range (`since`, `until`, RFC 3339; `granularity`, `hour` or
/// `day`), and per route `key` (a key id) or `stale_days`. Anything malformed is a 400 naming it.
struct UsageQuery {
    var range: UsageRange
    var key: UUID?
    var staleDays: Int?

    init(_ request: Request, keyRequired: Bool = false, staleDaysAllowed: Bool = false, now: Date = Date()) throws {
        let query = StrictQuery(request)
        let granularity = try query.choice("granularity", as: UsageGranularity.self) ?? .day
        let until = try query.time("until") ?? now
        let since = try query.time("since") ?? until.addingTimeInterval(-30 * 86_400)
        guard since <= until else { throw APIError.badParameter("since", "after 'until'") }
        range = UsageRange(since: since, until: until, granularity: granularity)
        if keyRequired {
            guard let text = try query.string("key") else { throw APIError.badParameter("key", "required: the id of a key") }
            guard let key = UUID(uuidString: String(text)) else { throw APIError.badParameter("key", "expected a key id (a UUID)") }
            self.key = key
        }
        if staleDaysAllowed { staleDays = try query.integer("stale_days", in: 0...36_600) }
    }
}

/// The uses of one key as `/api/keys/current/usage/` and `/api/usage/` show them.
struct KeyUsageSeriesJSON: JSONWritable {
    var key: UUID
    var range: UsageRange
    var series: UsageSeries
    var addresses: [RecentAddress]

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("key", key.uuidString.lowercased())
            json.field("granularity", range.granularity.rawValue)
            json.field("since", range.since)
            json.field("until", range.until)
            json.key("series")
            json.array { json in
                for bucket in series.buckets {
                    json.object { json in
                        json.field("start", bucket.start)
                        Self.write(bucket.counts, to: &json)
                    }
                }
            }
            json.key("totals")
            json.object { json in Self.write(series.totals, to: &json) }
            json.key("addresses")
            json.array { json in
                for address in addresses {
                    json.object { json in
                        json.field("ip", address.ip)
                        json.field("last_seen", address.lastSeen)
                    }
                }
            }
        }
    }

    /// One member per outcome, in ``UsageOutcome`` order.
    static func write(_ counts: UsageCounts, to json: inout JSONWriter) {
        for outcome in UsageOutcome.allCases {
            json.key(outcome.name)
            Int(counts[outcome]).write(to: &json)
        }
    }
}

/// One key of `/api/usage/keys/`.
struct KeyUsageJSON: JSONWritable {
    var summary: KeyUsageSummary

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("key", summary.keyID.uuidString.lowercased())
            json.field("name", summary.name)
            json.field("prefix", summary.prefix)
            json.field("user", summary.username)
            json.field("valid", Int(summary.valid))
            json.field("refused", Int(summary.refused))
            json.field("last_used_at", summary.lastUsedAt)
            json.field("revoked", summary.revoked)
        }
    }
}
