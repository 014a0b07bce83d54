import NIOConcurrencyHelpers

/// A cache whose entries belong to users, kept honest by the same notices as the vault's key
/// cache (`NOTIFY latchkey_keys`): when a user's keys, sessions, account or memberships change,
/// their entries go; when notices may have been missed, everything goes.
public protocol UserScopedCache: AnyObject, Sendable {
    func evict(userID: Int64)
    func evictAll()
}

/// The caches that hang off the vault (the console's sessions, say), told whenever it evicts.
final class DependentCaches: Sendable {
    private let caches = NIOLockedValueBox<[any UserScopedCache]>([])

    func add(_ cache: any UserScopedCache) {
        caches.withLockedValue { $0.append(cache) }
    }

    func evict(userID: Int64) {
        for cache in caches.withLockedValue({ $0 }) { cache.evict(userID: userID) }
    }

    func evictAll() {
        for cache in caches.withLockedValue({ $0 }) { cache.evictAll() }
    }
}
