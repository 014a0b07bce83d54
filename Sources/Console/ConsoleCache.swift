import Accounts
import Tenancy
import Vault

/// What the console keeps in memory so a signed-in page costs no database round trip: live
/// sessions by the SHA-256 of their cookie, and each user's memberships and key list.
///
/// Attached to the vault, it follows every change notice about a user (their sessions, keys,
/// account, memberships: the triggers of `db/core/0004` and `0006`), from any instance or
/// writer, and this instance forgets a user at once after its own changes. Entries live at most
/// 60 seconds, so a lost notice cannot keep an ended session alive longer, and a session is
/// re-read (and its `last_seen_at` written) about once a minute while in use. A read that
/// raced with an eviction is not stored (``UserScopedTable``'s generation).
final class ConsoleCache: UserScopedCache {
    /// The generations of the three tables when a read began.
    struct Generation {
        fileprivate let sessions: UInt64
        fileprivate let keyLists: UInt64
        fileprivate let memberships: UInt64
    }

    private let sessions: UserScopedTable<SHA256Digest, WebSession>
    private let keyLists: UserScopedTable<Int64, [KeyRecord]>
    private let memberships: UserScopedTable<Int64, Memberships>

    init(ttl: Duration = .seconds(60), capacity: Int = 10_000) {
        sessions = UserScopedTable(ttl: ttl, capacity: capacity)
        keyLists = UserScopedTable(ttl: ttl, capacity: capacity)
        memberships = UserScopedTable(ttl: ttl, capacity: capacity)
    }

    /// The current generation, to pass to a `store` after a database read.
    var generation: Generation {
        Generation(sessions: sessions.generation, keyLists: keyLists.generation, memberships: memberships.generation)
    }

    func session(_ digest: SHA256Digest) -> WebSession? {
        sessions.value(for: digest)
    }

    func store(_ session: WebSession, for digest: SHA256Digest, readAt generation: Generation) {
        sessions.store(session, for: digest, userID: session.userID, readAt: generation.sessions)
    }

    func keys(userID: Int64) -> [KeyRecord]? {
        keyLists.value(for: userID)
    }

    func store(keys: [KeyRecord], userID: Int64, readAt generation: Generation) {
        keyLists.store(keys, for: userID, userID: userID, readAt: generation.keyLists)
    }

    func memberships(userID: Int64) -> Memberships? {
        memberships.value(for: userID)
    }

    func store(_ memberships: Memberships, userID: Int64, readAt generation: Generation) {
        self.memberships.store(memberships, for: userID, userID: userID, readAt: generation.memberships)
    }

    func evict(userID: Int64) {
        sessions.evict(userID: userID)
        keyLists.evict(userID: userID)
        memberships.evict(userID: userID)
    }

    func evictAll() {
        sessions.evictAll()
        keyLists.evictAll()
        memberships.evictAll()
    }
}
