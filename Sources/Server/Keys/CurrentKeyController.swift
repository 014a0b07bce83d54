import Foundation
import Hummingbird
import JSON
import PluginKit
import Vault

/// The presenting key (SPEC §2), for any valid key of any capability (or its session):
/// `GET /api/keys/current/` describes it, `DELETE` revokes it at once (a holder who suspects a
/// leak kills it), `POST …/roll/` replaces it with a new key and keeps the old one for a grace
/// period.
struct CurrentKeyController: Sendable {
    let vault: Vault

    func register(on routes: RouteTable<LatchkeyRequestContext>) {
        routes.on("/api/keys/current/", method: .get, .caller, documented: CoreOpenAPI.operation("currentKey")) { _, context -> Response in
            Response.json(KeyMetadataJSON(key: try Self.presenting(context).key))
        }
        routes.on("/api/keys/current/", method: .delete, .caller, documented: CoreOpenAPI.operation("revokeCurrentKey")) { _, context -> Response in
            let key = try Self.presenting(context)
            try await vault.revoke(keyID: key.key.id, by: .user(key.owner.username), reason: "revoked by its holder", ip: context.clientIP)
            return Response(status: .noContent)
        }
        routes.on("/api/keys/current/roll/", method: .post, .caller, documented: CoreOpenAPI.operation("rollCurrentKey")) { request, context -> Response in
            let key = try Self.presenting(context)
            let grace = try await Self.graceHours(request)
            let rolled = try await vault.roll(keyID: key.key.id, graceHours: grace, ip: context.clientIP)
            var response = Response.json(KeyMetadataJSON(key: rolled.record, secret: rolled.secret), status: .created)
            // The new key is in the body: no cache may keep it (SPEC §7).
            response.headers[.cacheControl] = "no-store"
            return response
        }
    }

    /// The key the request presents (a session's key for a session).
    static func presenting(_ context: LatchkeyRequestContext) throws -> VerifiedKey {
        guard let key = context.caller.verifiedKey else { throw APIError.notAuthenticated }
        return key
    }

    /// `grace_hours` of the body (an integer 0–168); 24 when the body is empty or leaves it out.
    static func graceHours(_ request: Request) async throws -> Int {
        let buffer = try await request.body.collect(upTo: 4096)
        var grace = Vault.defaultGraceHours
        guard buffer.readableBytes > 0 else { return grace }
        guard let value = try? JSONValue.parse(buffer.readableBytesView) else { throw JSONBody.invalid("the body must be JSON") }
        let body = try JSONObjectBody(value, allowed: ["grace_hours"])
        try body.integer("grace_hours", into: &grace, in: 0...Vault.longestGraceHours)
        return grace
    }
}

/// A key's metadata (never the secret or hash), and the raw key once when it was just made.
struct KeyMetadataJSON: JSONWritable {
    var key: KeyRecord
    var secret: String? = nil

    func write(to json: inout JSONWriter) {
        json.object { json in
            if let secret { json.field("key", secret) }
            json.field("id", key.id.uuidString.lowercased())
            json.field("name", key.name)
            json.field("prefix", key.prefix)
            json.field("last4", key.last4)
            json.field("organisation", key.organisationID)
            json.field("capabilities", key.effectiveCapabilities.names)
            json.field("created_at", key.createdAt)
            json.field("expires_at", key.expiresAt)
            json.field("last_used_at", key.lastUsedAt)
            json.field("allowed_cidrs", key.allowedCIDRs.map(\.description))
            json.field("rolled_to", key.rolledTo?.uuidString.lowercased())
            json.field("rate_limit", key.rateLimit?.description)
            key.writePermissionFields(to: &json)
            json.key("meta")
            json.raw(key.meta?.json ?? "null")
        }
    }
}
