import JSON
import Vault

/// A key request as the API shows it (SPEC §14): the asked-for shape, the reason, where it
/// stands and who decided. `expires_at` is the request's own expiry (7 days after it was made);
/// `key_expires_at` the expiry asked for the key.
struct KeyRequestJSON: JSONWritable {
    var request: KeyRequest

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("id", request.id.uuidString.lowercased())
            json.field("organisation", request.organisationSlug)
            json.field("user", request.username)
            json.field("name", request.name)
            json.field("key_expires_at", request.keyExpiresAt)
            json.field("capabilities", request.capabilities.names)
            json.field("allowed_cidrs", request.allowedCIDRs.map(\.description))
            json.field("reason", request.reason)
            json.field("status", request.status().rawValue)
            json.field("decided_by", request.decidedBy)
            json.field("note", request.note)
            json.field("created_at", request.createdAt)
            json.field("decided_at", request.decidedAt)
            json.field("collected_at", request.collectedAt)
            json.field("expires_at", request.expiresAt)
            json.field("key_id", request.keyID?.uuidString.lowercased())
        }
    }

    /// `{"results":[…]}` of `requests`.
    static func list(_ requests: [KeyRequest]) -> JSONWriter {
        var json = JSONWriter(capacity: 400 * requests.count + 16)
        json.object { json in json.field("results", requests.map(KeyRequestJSON.init)) }
        return json
    }
}
