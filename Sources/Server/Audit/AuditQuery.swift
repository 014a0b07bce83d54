import Federation
import Foundation
import Hummingbird
import JSON
import PluginKit
import Postgres

/// What `GET /api/audit/` asks for: the filters, the page size and where the page starts.
///
/// The cursor is the query of the next page (its filters, its size and `before`, the last
/// event shown), base64url-encoded: opaque to clients, and granting nothing, since the
/// organisations read always come from the key. Parameters given beside a cursor win over
/// the cursor's own. A cursor that is a whole `next` link is read too.
struct AuditQuery {
    static let defaultLimit = 100
    static let limits = 1...1_000

    var limit = Self.defaultLimit
    var action: String?
    var actor: Int64?
    var since: Date?
    var until: Date?
    /// The last event of the previous page.
    var before: Int64?

    init(_ request: Request) throws {
        try self.init(query: request.uri.query ?? "")
    }

    /// Reads a raw query string (without the `?`).
    init(query raw: String) throws {
        let query = try Self.effective(raw)
        limit = try query.integer("limit", in: Self.limits) ?? Self.defaultLimit
        if let text = try query.string("action") {
            guard (1...200).contains(text.count), !text.contains("\u{0}") else {
                throw APIError.badParameter("action", "expected an action name such as key.issued")
            }
            action = String(text)
        }
        actor = try query.integer("actor", in: 1...Int(Int64.max)).map(Int64.init)
        before = try query.integer("before", in: 1...Int(Int64.max)).map(Int64.init)
        since = try query.time("since")
        until = try query.time("until")
        if let since, let until, since > until { throw APIError.badParameter("since", "after 'until'") }
    }

    /// The request's query, with a cursor's parameters under those the request gives itself.
    private static func effective(_ raw: String) throws -> StrictQuery {
        let own = StrictQuery(query: raw)
        guard var cursor = try own.string("cursor") else { return own }
        // A whole `next` link given as the cursor: its own cursor.
        if let inner = cursor.range(of: "cursor=", options: .backwards) {
            cursor = cursor[inner.upperBound...].prefix { $0 != "&" }
        }
        guard let bytes = Base64URL.decode(cursor), let saved = String(validating: bytes, as: UTF8.self),
              saved.hasPrefix("before=") else {
            throw APIError.badParameter("cursor", "not a cursor from this API")
        }
        let items = raw.split(separator: "&").filter { name(of: $0) != "cursor" }
        let given = Set(items.map(name(of:)))
        let inherited = saved.split(separator: "&").filter { !given.contains(name(of: $0)) }
        return StrictQuery(query: (inherited + items).joined(separator: "&"))
    }

    private static func name(of item: Substring) -> Substring {
        StrictQuery.formDecode(item.prefix { $0 != "=" })
    }

    /// The cursor of the page after the one ending with event `last`.
    func cursor(after last: Int64) -> String {
        func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }
        var items = ["before=\(last)", "limit=\(limit)"]
        if let action { items.append("action=\(encoded(action))") }
        if let actor { items.append("actor=\(actor)") }
        if let since { items.append("since=\(encoded(ISOTimestamp.string(from: since)))") }
        if let until { items.append("until=\(encoded(ISOTimestamp.string(from: until)))") }
        return Base64URL.encode(Array(items.joined(separator: "&").utf8))
    }

    /// The events of `organisations` this query selects, newest first, one more than a page
    /// (to know whether another follows). Each organisation is read apart, down its own index,
    /// and the pages merged: `organisation_id = ANY(…)` would walk the whole table by time.
    func sql(organisations: [Int64]) -> PGQuery {
        var sql: PGQuery = """
            SELECT e.* FROM unnest(\(organisations)::bigint[]) o (id) CROSS JOIN LATERAL (
                SELECT id, at, actor_id, organisation_id, action, target, detail::text, ip FROM audit_events
                WHERE organisation_id = o.id
            """
        if let before {
            sql.append(" AND (at, id) < (SELECT at, id FROM audit_events WHERE id = \(before))")
        }
        if let action { sql.append(" AND action = \(action)") }
        if let actor { sql.append(" AND actor_id = \(actor)") }
        if let since { sql.append(" AND at >= \(since)") }
        if let until { sql.append(" AND at <= \(until)") }
        sql.append(" ORDER BY at DESC, id DESC LIMIT \(limit + 1)) e ORDER BY e.at DESC, e.id DESC LIMIT \(limit + 1)")
        return sql
    }
}
