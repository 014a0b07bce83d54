import Foundation
import JSON
import Policy
import Postgres
import Vault

/// An item of the fixture's `keys` section: an API key to generate and store as given.
///
/// Import does not apply the issuance rules of SPEC §2: a key may be revoked, expired, or
/// belong to a `free` user.
struct FixtureKey: Sendable {
    static let fields = ["ref", "user", "name", "organisation", "capabilities", "expires_at", "revoked", "created_by", "allowed_cidrs",
                         "permissions", "resources", "meta", "rate_limit"]

    let item: String, ref: String, user: String
    let name: String, organisation: String?, capabilities: [String]
    let expiresAt: Date?
    /// Stored with `revoked_at = now()` and reason `imported as revoked`.
    let revoked: Bool
    let createdBy: String?
    /// Canonical CIDR text (SPEC §2 IP allowlists); empty: anywhere.
    let allowedCIDRs: [String]
    /// The verbs per resource type (SPEC §15), if fine-grained; the key then holds their union.
    let permissions: KeyPermissions?
    /// The objects selected, per type, by the refs of earlier items (datasets by key).
    let resources: [(type: String, kind: FixtureCatalog.Kind, refs: [String])]
    let meta: KeyMeta?
    let rateLimit: KeyRateLimit?

    init(_ value: JSONValue, index: Int, catalog: inout FixtureCatalog) throws(FixtureError) {
        let fields = try FixtureFieldReader(value, item: FixtureFieldReader.itemName("keys", index, of: value), fields: Self.fields)
        item = fields.item
        ref = try fields.string("ref")
        user = try fields.requiredRef("user", to: "user", among: catalog.refs(.user))
        name = try fields.string("name")
        organisation = try fields.ref("organisation", to: "organisation", among: catalog.refs(.organisation))
        capabilities = try fields.choices("capabilities", Capability.self, default: [.view])
        expiresAt = try fields.date("expires_at")
        revoked = try fields.bool("revoked", default: false)
        createdBy = try fields.ref("created_by", to: "user", among: catalog.refs(.user))
        switch AddressRange.list(try fields.strings("allowed_cidrs")) {
        case .success(let ranges): allowedCIDRs = ranges.map(\.description)
        case .failure(let problem): throw fields.failure("field \"allowed_cidrs\": \(problem)")
        }
        (permissions, resources) = try Self.fineGrained(fields, catalog: catalog)
        let meta = try fields.object("meta"), rate = try fields.optionalString("rate_limit")
        do {
            self.meta = meta == .object([:]) ? nil : try KeyMeta(String(decoding: try JSONEncoder().encode(meta), as: UTF8.self))
            rateLimit = try rate.map(KeyRateLimit.init)
        } catch {
            throw fields.failure("\(error)")
        }
        try catalog.define(.key, ref: ref, by: item)
    }

    /// `permissions` and `resources`: known types and verbs, each selected ref one of an earlier
    /// item of that type (`surveys` → a survey ref, `datasets` → a dataset key, `users` → a user ref).
    private static func fineGrained(
        _ fields: FixtureFieldReader, catalog: FixtureCatalog
    ) throws(FixtureError) -> (KeyPermissions?, [(type: String, kind: FixtureCatalog.Kind, refs: [String])]) {
        let permissionsValue = try fields.object("permissions"), resourcesValue = try fields.object("resources")
        guard case .object(let verbs) = permissionsValue, !verbs.isEmpty else {
            if case .object(let selected) = resourcesValue, !selected.isEmpty { throw fields.failure("field \"resources\" needs \"permissions\"") }
            return (nil, [])
        }
        let permissions: KeyPermissions
        do {
            permissions = try KeyPermissions(permissions: permissionsValue, resources: nil)
        } catch {
            throw fields.failure("field \"permissions\": \(error)")
        }
        let unknown = permissions.types.filter { !catalog.permissionTypes.contains($0) }
        guard unknown.isEmpty else { throw fields.failure("field \"permissions\": unknown type(s) \(unknown.joined(separator: ", "))") }
        guard case .object(let selected) = resourcesValue else { return (permissions, []) }
        var resources: [(type: String, kind: FixtureCatalog.Kind, refs: [String])] = []
        for type in selected.keys.sorted() {
            guard permissions.types.contains(type) else { throw fields.failure("field \"resources\": \(type) has no permission") }
            let kind = FixtureCatalog.Kind(rawValue: String(type.dropLast()))
            guard case .array(let items)? = selected[type], !items.isEmpty else { throw fields.failure("field \"resources\": \(type) must be a non-empty list of refs") }
            var refs: [String] = []
            for item in items {
                guard case .string(let ref) = item else { throw fields.failure("field \"resources\": \(type) refs must be strings, not \(item.typeName)") }
                guard catalog.refs(kind).contains(ref) else { throw fields.failure("field \"resources\": unknown \(kind.rawValue) ref \"\(ref)\"") }
                refs.append(ref)
            }
            resources.append((type, kind, refs))
        }
        return (permissions, resources)
    }
}
