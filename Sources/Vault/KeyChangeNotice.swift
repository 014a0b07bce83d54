/// The payload of a `NOTIFY latchkey_keys` message: which cached keys to forget.
///
/// `user:<id>` for every key of one user (revocation, password change, tier change), `all`
/// for everything, `issued:<id>` when a user gained a key (no cached key changes, but lists of
/// the user's keys, like the console's, do). Sent by table triggers (`db/core/0004`) inside the transaction that made the
/// change, whoever wrote it, so it is delivered on commit.
enum KeyChangeNotice: Equatable {
    case user(Int64)
    case issued(Int64)
    case all

    static let channel = "latchkey_keys"

    init?(payload: String) {
        if payload == "all" {
            self = .all
        } else if payload.hasPrefix("user:"), let id = Int64(payload.dropFirst(5)) {
            self = .user(id)
        } else if payload.hasPrefix("issued:"), let id = Int64(payload.dropFirst(7)) {
            self = .issued(id)
        } else {
            return nil
        }
    }
}
