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
    static let fields = ["ref", "user", "name", "organisation", "capabilities", "expires_at", "revoked", "created_by", "allowed_cidrs"]

    let item: String, ref: String, user: String
    let name: String, organisation: String?, capabilities: [String]
    let expiresAt: Date?
    /// Stored with `revoked_at = now()` and reason `imported as revoked`.
    let revoked: Bool
    let createdBy: String?
    /// Canonical CIDR text (SPEC §2 IP allowlists); empty: anywhere.
    let allowedCIDRs: [String]

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
        try catalog.define(.key, ref: ref, by: item)
    }
}
