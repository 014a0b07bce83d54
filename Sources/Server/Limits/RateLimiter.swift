import Foundation
import NIOConcurrencyHelpers

/// Who a request is counted against.
enum ThrottleIdentity: Hashable, Sendable {
    case key(UUID)
    case address(String)

    /// The client at `ip`: an IPv4 address as it is, an IPv6 address by its /64 (one host
    /// usually holds a whole /64, so counting single addresses would let it rotate past the
    /// limit).
    static func client(_ ip: String?) -> ThrottleIdentity {
        guard let ip else { return .address("unknown") }
        guard ip.contains(":") else { return .address(ip) }
        var address = in6_addr()
        let host = ip.split(separator: "%", maxSplits: 1).first.map(String.init) ?? ip
        guard inet_pton(AF_INET6, host, &address) == 1 else { return .address(ip) }
        let bytes = withUnsafeBytes(of: &address) { Array($0.prefix(8)) }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return .address(groups.joined(separator: ":") + "::/64")
    }
}

/// Counts requests per identity against one ``ThrottleRate``, over any window of its length
/// (``SlidingWindow``): in memory (per process), or for the whole deployment through
/// ``SharedThrottleCounts`` (SPEC §7). Sharded so concurrent requests rarely wait on the same
/// lock. Refused requests are not counted.
final class RateLimiter: Sendable {
    /// The state of one identity's window and what the request may be told.
    struct Outcome: Sendable, Equatable {
        var allowed: Bool
        var limit: Int
        var remaining: Int
        /// Whole seconds (at least 1) until the current window ends when allowed; until one
        /// more request would be allowed when refused (`Retry-After`).
        var resetSeconds: Int

        /// Of a ``RateLimiter/peek(_:now:)``, the requests left now: the judged request was not
        /// made, so it is left too (SPEC §15: verify reports a key's limit without consuming it).
        var unconsumed: Int { allowed ? remaining + 1 : 0 }
    }

    let rate: ThrottleRate
    /// The policy's name in the `RateLimit` fields (`anonymous`, `user`, …).
    let name: String
    /// `RateLimit-Limit`, formatted once.
    let limitText: String
    /// `RateLimit-Policy` (IETF draft -10): `"user";q=120;w=60`, formatted once.
    let policyText: String
    let window: SlidingWindow
    private let shards: [NIOLockedValueBox<[ThrottleIdentity: SlidingCounter]>]
    /// Above this many identities a shard drops those whose counts no longer matter.
    private static let sweepThreshold = 8192

    /// The deployment's counts, when shared through PostgreSQL; `nil`: this process's alone.
    private let shared: SharedThrottleCounts?

    init(rate: ThrottleRate, name: String = "limit", shardCount: Int = 16, shared: SharedThrottleCounts? = nil) {
        self.shared = shared
        self.rate = rate
        self.name = name
        limitText = String(rate.limit)
        policyText = "\"\(name)\";q=\(rate.limit);w=\(rate.seconds)"
        window = SlidingWindow(rate)
        shards = (0..<shardCount).map { _ in NIOLockedValueBox([:]) }
    }

    /// Whether one more request of `identity` would be allowed at `now`, without counting it.
    /// `now` is nanoseconds on the limiter's clock: monotonic for local counts, the Unix epoch
    /// for shared ones (their windows are aligned to it on every instance); default: the present.
    func peek(_ identity: ThrottleIdentity, now: UInt64? = nil) -> Outcome {
        if let shared {
            return shared.judge(policy: name, identity: identity, window: window, now: now ?? SharedThrottleCounts.now(), counting: .no)
        }
        let now = now ?? DispatchTime.now().uptimeNanoseconds
        let counter = shard(identity).withLockedValue { $0[identity] }
        return (counter ?? SlidingCounter(start: now)).peek(window, now: now)
    }

    /// Judges one request of `identity` at `now` and counts it if it is allowed.
    func hit(_ identity: ThrottleIdentity, now: UInt64? = nil) -> Outcome {
        count(identity, now: now, always: false)
    }

    /// Counts one event of `identity` at `now` whatever the limit says (a failed
    /// authentication), and judges it as ``hit(_:now:)`` would have.
    @discardableResult
    func record(_ identity: ThrottleIdentity, now: UInt64? = nil) -> Outcome {
        count(identity, now: now, always: true)
    }

    private func count(_ identity: ThrottleIdentity, now: UInt64?, always: Bool) -> Outcome {
        if let shared {
            return shared.judge(policy: name, identity: identity, window: window, now: now ?? SharedThrottleCounts.now(),
                                counting: always ? .always : .ifAllowed)
        }
        let now = now ?? DispatchTime.now().uptimeNanoseconds
        let window = window
        return shard(identity).withLockedValue { counters -> Outcome in
            if counters.count > Self.sweepThreshold {
                counters = counters.filter { $0.value.isLive(at: now, length: window.length) }
                // Under a flood of distinct identities, forget them all rather than grow without
                // bound (each then starts afresh: a flood cannot deny the others).
                if counters.count > Self.sweepThreshold { counters.removeAll(keepingCapacity: true) }
            }
            var counter = counters[identity] ?? SlidingCounter(start: now)
            let outcome = counter.hit(window, now: now, always: always)
            counters[identity] = counter
            return outcome
        }
    }

    private func shard(_ identity: ThrottleIdentity) -> NIOLockedValueBox<[ThrottleIdentity: SlidingCounter]> {
        shards[Int(UInt(bitPattern: identity.hashValue) % UInt(shards.count))]
    }
}
