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

/// Counts requests per identity in fixed windows of one ``ThrottleRate``: in memory (per
/// process), or for the whole deployment through ``SharedThrottleCounts`` (SPEC §7). Sharded so concurrent requests rarely wait on the same lock.
final class RateLimiter: Sendable {
    /// The state of one identity's current window and what the request may be told.
    struct Outcome: Sendable {
        var allowed: Bool
        var limit: Int
        var remaining: Int
        /// Whole seconds until the window resets (at least 1).
        var resetSeconds: Int
    }

    private struct Window {
        var start: UInt64
        var count: Int
    }

    let rate: ThrottleRate
    /// The policy's name in the `RateLimit` fields (`anonymous`, `user`, …).
    let name: String
    /// `RateLimit-Limit`, formatted once.
    let limitText: String
    /// `RateLimit-Policy` (IETF draft -10): `"user";q=120;w=60`, formatted once.
    let policyText: String
    private let windowNanoseconds: UInt64
    private let shards: [NIOLockedValueBox<[ThrottleIdentity: Window]>]
    /// Above this many identities a shard drops its finished windows.
    private static let sweepThreshold = 8192

    /// The deployment's counts, when shared through PostgreSQL; `nil`: this process's alone.
    private let shared: SharedThrottleCounts?

    init(rate: ThrottleRate, name: String = "limit", shardCount: Int = 16, shared: SharedThrottleCounts? = nil) {
        self.shared = shared
        self.rate = rate
        self.name = name
        limitText = String(rate.limit)
        policyText = "\"\(name)\";q=\(rate.limit);w=\(rate.seconds)"
        windowNanoseconds = UInt64(rate.seconds) * 1_000_000_000
        shards = (0..<shardCount).map { _ in NIOLockedValueBox([:]) }
    }

    /// The state of `identity`'s window at `now`, without counting a request: `allowed` is
    /// whether one more request would be.
    func peek(_ identity: ThrottleIdentity, now: UInt64 = DispatchTime.now().uptimeNanoseconds) -> Outcome {
        if let shared {
            let (count, reset) = shared.peek(policy: name, identity: identity, seconds: rate.seconds)
            return Outcome(allowed: count < rate.limit, limit: rate.limit, remaining: max(0, rate.limit - count), resetSeconds: reset)
        }
        let shard = shards[Int(UInt(bitPattern: identity.hashValue) % UInt(shards.count))]
        let window = windowNanoseconds
        let current = shard.withLockedValue { windows -> Window? in
            guard let current = windows[identity], now &- current.start < window else { return nil }
            return current
        }
        guard let current else {
            return Outcome(allowed: true, limit: rate.limit, remaining: rate.limit, resetSeconds: rate.seconds)
        }
        let remainingNanoseconds = (current.start &+ window) &- now
        return Outcome(
            allowed: current.count < rate.limit,
            limit: rate.limit,
            remaining: max(0, rate.limit - current.count),
            resetSeconds: max(1, Int((remainingNanoseconds + 999_999_999) / 1_000_000_000)))
    }

    /// Counts one request of `identity` at `now` (monotonic nanoseconds).
    func hit(_ identity: ThrottleIdentity, now: UInt64 = DispatchTime.now().uptimeNanoseconds) -> Outcome {
        if let shared {
            let (count, reset) = shared.hit(policy: name, identity: identity, seconds: rate.seconds)
            return Outcome(allowed: count <= rate.limit, limit: rate.limit, remaining: max(0, rate.limit - count), resetSeconds: reset)
        }
        let shard = shards[Int(UInt(bitPattern: identity.hashValue) % UInt(shards.count))]
        let window = windowNanoseconds
        let (start, count) = shard.withLockedValue { windows -> (UInt64, Int) in
            if windows.count > Self.sweepThreshold {
                windows = windows.filter { now &- $0.value.start < window }
                // Under a flood of distinct identities, forget them all rather than grow without
                // bound (each then starts a fresh window: a flood cannot deny the others).
                if windows.count > Self.sweepThreshold { windows.removeAll(keepingCapacity: true) }
            }
            var current = windows[identity] ?? Window(start: now, count: 0)
            if now &- current.start >= window { current = Window(start: now, count: 0) }
            current.count += 1
            windows[identity] = current
            return (current.start, current.count)
        }
        let remainingNanoseconds = (start &+ window) &- now
        return Outcome(
            allowed: count <= rate.limit,
            limit: rate.limit,
            remaining: max(0, rate.limit - count),
            resetSeconds: max(1, Int((remainingNanoseconds + 999_999_999) / 1_000_000_000))
        )
    }
}
