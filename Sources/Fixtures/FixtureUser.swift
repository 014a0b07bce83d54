import JSON
import Policy
import Postgres
import Vault

/// An item of the fixture's `users` section.
struct FixtureUser: Sendable {
    static let fields = ["ref", "username", "email", "password", "first_name", "last_name", "tier", "is_active", "is_staff", "mfa_secret"]

    let item: String, ref: String, username: String, email: String
    /// The plaintext password, hashed before it is stored; `nil` leaves the account without one.
    let password: String?
    let firstName: String, lastName: String, tier: String, isActive: Bool, isStaff: Bool
    /// The TOTP secret in base32, as authenticator apps show it; sealed before it is stored.
    let mfaSecret: [UInt8]?

    init(_ value: JSONValue, index: Int, catalog: inout FixtureCatalog) throws(FixtureError) {
        let fields = try FixtureFieldReader(value, item: FixtureFieldReader.itemName("users", index, of: value), fields: Self.fields)
        item = fields.item
        ref = try fields.string("ref")
        username = try fields.string("username")
        email = try fields.string("email")
        password = try fields.optionalString("password")
        firstName = try fields.string("first_name", default: "")
        lastName = try fields.string("last_name", default: "")
        tier = try fields.choice("tier", Tier.self, default: .free)
        isActive = try fields.bool("is_active", default: true)
        isStaff = try fields.bool("is_staff", default: false)
        if let text = try fields.optionalString("mfa_secret") {
            guard let secret = Base32.decode(text), (10...64).contains(secret.count) else {
                throw fields.failure("field \"mfa_secret\" must be a base32 TOTP secret of 16 to 102 characters")
            }
            mfaSecret = secret
        } else {
            mfaSecret = nil
        }
        guard email.contains("@") else { throw fields.failure("field \"email\": \"\(email)\" is not an email address") }
        try catalog.define(.user, ref: ref, by: item)
        try catalog.claim("username", username, by: item)
        try catalog.claim("email", email.lowercased(), by: item)
    }
}
