import Foundation
import Hummingbird
import JSON
import PluginKit
import Postgres

/// `GET /api/audit/` (SPEC §2): the audit events of the key's organisation, for a key whose user
/// administers it, newest first, a page at a time.
struct AuditController: Sendable {
    let pool: PGPool

    func register(on routes: RouteTable<LatchkeyRequestContext>) {
        routes.on("/api/audit/", method: .get, .caller, documented: CoreOpenAPI.operation("auditEvents")) { request, context -> Response in
            guard let key = context.caller.verifiedKey else { throw APIError.notAuthenticated }
            // SPEC §15: a fine-grained key reaches the types its permissions name, and the audit
            // log is none of them.
            guard key.principal.permissions == nil else {
                throw APIError(.forbidden, detail: "A fine-grained key reaches only the resource types its permissions name; the audit log is not one.",
                               code: "DENY_CAPABILITY")
            }
            let organisations = key.principal.auditableOrganisationIDs
            guard !organisations.isEmpty else {
                throw APIError(.forbidden, detail: "Only an admin or owner of the key's organisation may read its audit log.", code: "DENY_ROLE")
            }
            let query = try AuditQuery(request)
            let rows = try await pool.query(query.sql(organisations: organisations))
            let events = try rows.prefix(query.limit).map(AuditEventJSON.init)
            let next = rows.count > query.limit ? events.last.map { "/api/audit/?cursor=\(query.cursor(after: $0.id))" } : nil
            var json = JSONWriter(capacity: 256 * events.count + 64)
            json.object { json in
                json.field("results", events)
                json.field("next", next)
            }
            return .json(body: json.buffer)
        }
    }
}

/// One audit event as the API shows it. `detail` is the stored JSON object, written as it is.
struct AuditEventJSON: JSONWritable {
    var id: Int64
    var at: Date
    var actor: Int64?
    var organisation: Int64?
    var action: String
    var target: String?
    var detail: String
    var ip: String?

    init(_ row: PGRow) throws {
        (id, at, actor, organisation, action, target, detail, ip) = try row.decode((Int64, Date, Int64?, Int64?, String, String?, String, String?).self)
    }

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("id", id)
            json.field("at", at)
            json.field("actor", actor)
            json.field("organisation", organisation)
            json.field("action", action)
            json.field("target", target)
            json.key("detail")
            json.raw(detail)
            json.field("ip", ip)
        }
    }
}
