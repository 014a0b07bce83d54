import Foundation
import Hummingbird
import JSON
import PluginKit
import Policy
import Vault

/// Key requests (SPEC §14) through the API, beside the key policy. For the requester, with any
/// of their keys that is not fine-grained nor confined to a team (a key confined to an
/// organisation reaches only its requests there): `POST /api/key-requests/` asks, `GET` lists
/// theirs, `POST /api/key-requests/<id>/collect/` issues the approved key (201, the raw key this
/// once). For the organisation's admins, with a key as the key policy's (confined to it,
/// `superuser`): `GET /api/organisations/<slug>/key-requests/`, `POST …/<id>/approve/` and
/// `POST …/<id>/deny/` with an optional `{"note"}`. The vault judges every step again (who
/// decides, the state, the policy, the issuance); a request of someone else, or of another
/// organisation, is not found.
struct KeyRequestController: Sendable {
    let vault: Vault

    func register(on routes: RouteTable<LatchkeyRequestContext>) {
        routes.on("/api/key-requests/", method: .post, .caller, documented: CoreOpenAPI.operation("createKeyRequest")) { request, context -> Response in
            let key = try Self.requester(context)
            let ask = try await KeyRequestBody(request, confinedTo: key.organisation?.slug)
            let made = try await vault.requestKey(
                userID: key.owner.id, organisation: .name(ask.organisation), terms: ask.terms, capabilities: ask.capabilities,
                reason: ask.reason, via: "api", ip: context.clientIP)
            return .json(KeyRequestJSON(request: made), status: .created)
        }
        routes.on("/api/key-requests/", method: .get, .caller, documented: CoreOpenAPI.operation("listOwnKeyRequests")) { _, context -> Response in
            let key = try Self.requester(context)
            return .json(body: KeyRequestJSON.list(try await vault.keyRequests(userID: key.owner.id, organisationID: key.organisation?.id)).buffer)
        }
        routes.on("/api/key-requests/{request}/collect/", method: .post, .caller, documented: CoreOpenAPI.operation("collectKeyRequest")) { _, context -> Response in
            let key = try Self.requester(context)
            let id = try Self.requestID(context)
            let issued = try await vault.collectKeyRequest(id, userID: key.owner.id, presenting: key.key, via: "api", ip: context.clientIP)
            var response = Response.json(KeyMetadataJSON(key: issued.record, secret: issued.secret), status: .created)
            // The new key is in the body: no cache may keep it (SPEC §7).
            response.headers[.cacheControl] = "no-store"
            return response
        }
        let organisation = "/api/organisations/{slug}/key-requests/"
        routes.on(organisation, method: .get, .caller, documented: CoreOpenAPI.operation("listKeyRequests")) { _, context -> Response in
            let (_, id) = try Self.administered(context)
            return .json(body: KeyRequestJSON.list(try await vault.keyRequests(organisationID: id)).buffer)
        }
        for (verb, approve) in [("approve", true), ("deny", false)] {
            routes.on(organisation + "{request}/\(verb)/", method: .post, .caller,
                      documented: CoreOpenAPI.operation(approve ? "approveKeyRequest" : "denyKeyRequest")) { request, context -> Response in
                let (key, organisation) = try Self.administered(context)
                let id = try Self.requestID(context)
                let note = try await Self.note(request)
                let decided = try await vault.decideKeyRequest(
                    id, organisationID: organisation, approve: approve, note: note, by: key.owner.id, via: "api", ip: context.clientIP)
                return .json(KeyRequestJSON(request: decided))
            }
        }
    }

    /// The caller's key, when it may ask for and collect its user's keys: not fine-grained
    /// (key requests are no resource type) and not confined to a team.
    static func requester(_ context: LatchkeyRequestContext) throws -> VerifiedKey {
        guard let key = context.caller.verifiedKey else { throw APIError.notAuthenticated }
        guard key.principal.permissions == nil else {
            throw APIError(.forbidden, detail: "A fine-grained key reaches only the resource types its permissions name; key requests are not one.",
                           code: "DENY_CAPABILITY")
        }
        guard key.key.teamID == nil else {
            throw APIError(.forbidden, detail: "A key confined to a team cannot ask for organisation keys.", code: "DENY_ROLE")
        }
        return key
    }

    /// The caller's key and the organisation of the path, when the key may decide its key requests.
    static func administered(_ context: LatchkeyRequestContext) throws -> (VerifiedKey, Int64) {
        try AdministeringKey(subject: "key requests", action: "decide its key requests", doing: "Deciding key requests").check(context)
    }

    /// The `{request}` of the path; not found unless it is a UUID.
    static func requestID(_ context: LatchkeyRequestContext) throws -> UUID {
        guard let text = context.parameters.get("request"), let id = UUID(uuidString: text) else { throw APIError(VaultError.keyRequestNotFound) }
        return id
    }

    /// The `note` of an approval or denial: an empty body or one without it is none.
    static func note(_ request: Request) async throws -> String? {
        let buffer = try await request.body.collect(upTo: 16 << 10)
        guard buffer.readableBytes > 0 else { return nil }
        guard let value = try? JSONValue.parse(buffer.readableBytesView) else { throw JSONBody.invalid("the body must be JSON") }
        let body = try JSONObjectBody(value, allowed: ["note"])
        var note: String?
        if body.contains("note") {
            var text = ""
            try body.string("note", into: &text, maxLength: KeyRequest.textLimit)
            note = text
        }
        return note
    }
}

/// The body of `POST /api/key-requests/`: `organisation` (slug), `name` and `reason` required;
/// `key_expires_at` (RFC 3339 or null), `capabilities` (default `["view"]`) and `allowed_cidrs`
/// optional. Each problem is a 400 naming the field.
struct KeyRequestBody {
    var organisation = ""
    var terms: KeyTerms
    var capabilities: Capabilities = .view
    var reason = ""

    static let fields: Set<String> = ["organisation", "name", "key_expires_at", "capabilities", "allowed_cidrs", "reason"]

    /// Reads the body; a key confined to an organisation (`confinedTo`) asks only there (another
    /// slug: not found).
    init(_ request: Request, confinedTo slug: String?) async throws {
        let body = try await JSONObjectBody.read(from: request, allowed: Self.fields, limit: 16 << 10)
        try body.require("organisation", "name", "reason")
        var name = "", expiresAt: Date?, names: [String] = ["view"], ranges: [String] = []
        try body.string("organisation", into: &organisation, maxLength: 200)
        try body.string("name", into: &name, maxLength: 200)
        try body.optionalDate("key_expires_at", into: &expiresAt)
        try body.strings("capabilities", into: &names, maxCount: 5, maxLength: 16)
        try body.strings("allowed_cidrs", into: &ranges, maxCount: AddressRange.limit, maxLength: 64)
        try body.string("reason", into: &reason, maxLength: KeyRequest.textLimit)
        if let slug, slug != organisation {
            throw APIError(.notFound, detail: "No organisation with that slug is reachable with this key.")
        }
        guard let capabilities = Capabilities(names: names), !capabilities.isEmpty else {
            throw JSONBody.invalid("'capabilities' must name at least one of view, add, edit, delete and superuser")
        }
        self.capabilities = capabilities
        var allowed: [AddressRange] = []
        for (index, text) in ranges.enumerated() {
            guard let range = AddressRange(text) else { throw JSONBody.invalid("'allowed_cidrs[\(index)]' is not a CIDR range") }
            allowed.append(range)
        }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw JSONBody.invalid("'name' must not contain control characters")
        }
        do {
            terms = try KeyTerms(name: name, expiresAt: expiresAt, allowedCIDRs: allowed)
        } catch {
            throw APIError(error.refusal)
        }
    }
}
