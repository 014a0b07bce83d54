import Dispatch
import NIOConcurrencyHelpers

/// Active service credentials by hash, trusted for at most `ttl` without re-reading them.
///
/// Revocation evicts everything (here at once, elsewhere through `NOTIFY latchkey_keys 'all'`);
/// a lookup that started before an eviction does not store its result.
final class ServiceCredentialCache: Sendable {
    private struct State {
        var entries: [SHA256Digest: (credential: ServiceCredential, storedAt: UInt64)] = [:]
        var generation: UInt64 = 0
    }

    private let ttlNanoseconds: UInt64
    private let capacity = 10_000
    private let state = NIOLockedValueBox(State())

    init(ttl: Duration) {
        ttlNanoseconds = ttl.nanoseconds
    }

    func lookup(_ digest: SHA256Digest) -> ServiceCredential? {
        let now = DispatchTime.now().uptimeNanoseconds
        return state.withLockedValue { state in
            guard let entry = state.entries[digest], now &- entry.storedAt < ttlNanoseconds else { return nil }
            return entry.credential
        }
    }

    var generation: UInt64 { state.withLockedValue { $0.generation } }

    func store(_ credential: ServiceCredential, for digest: SHA256Digest, readAt generation: UInt64) {
        let now = DispatchTime.now().uptimeNanoseconds
        state.withLockedValue { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[digest] = (credential, now)
        }
    }

    func evictAll() {
        state.withLockedValue { state in
            state.generation &+= 1
            state.entries.removeAll(keepingCapacity: true)
        }
    }
}
