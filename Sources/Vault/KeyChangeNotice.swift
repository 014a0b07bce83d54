/// The payload of a `NOTIFY latchkey_keys` message: which cached keys to forget.
///
/// `user:<id>` for every key of one user (revocation, password change, tier change), `all`
/// for everything. Sent by table triggers (`db/core/0004`) inside the transaction that made the
/// change, whoever wrote it, so it is delivered on commit.
enum KeyChangeNotice: Equatable {
    case user(Int64)
    case all

    static let channel = "latchkey_keys"

    init?(payload: String) {
        if payload == "all" {
            self = .all
        } else if payload.hasPrefix("user:"), let id = Int64(payload.dropFirst(5)) {
            self = .user(id)
        } else {
            return nil
        }
    }
}
