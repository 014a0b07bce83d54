import Hummingbird
import NIOConcurrencyHelpers
import PluginKit

/// Abuse resistance (issue 13, SPEC §2–§3, §7): failed authentications count against the
/// client's address, and past the limit a credential this instance has not verified is
/// answered 429 without touching PostgreSQL — so a flood of well-formed unknown keys, random
/// `authtoken`s or bad service credentials from one client costs at most the limit in database
/// round trips per window, not one per request.
///
/// A key, session or service credential this instance has verified keeps working from an
/// address over its limit (issue #34): one client's bad keys behind a shared address (NAT, a
/// proxy) never lock out the others. Only requests that carry credentials are guarded; only
/// refusals with 401 count (a free-tier key is valid, just refused). With throttling off,
/// nothing is counted.
struct FailedAuthentications: Sendable {
    /// `nil` when throttling is off.
    let limiter: RateLimiter?
    /// Credentials this instance has verified.
    let verified: VerifiedCredentials

    init(limiter: RateLimiter?, verified: VerifiedCredentials = VerifiedCredentials()) {
        self.limiter = limiter
        self.verified = verified
    }

    /// Runs `authenticate` for a request from `clientIP` presenting `credential` (the key,
    /// session token or service credential as sent), unless that address is over its limit of
    /// failures and the credential is not one this instance has verified (then 429 at once).
    /// Counts the attempt when it ends in a 401; remembers the credential when it succeeds.
    /// `credential` is read only when throttling is on: with it off, nothing is counted.
    func guarding<Result>(clientIP: String?, credential: @autoclosure () -> String, _ authenticate: () async throws -> Result) async throws -> Result {
        guard let limiter else { return try await authenticate() }
        let identity = ThrottleIdentity.client(clientIP)
        let fingerprint = VerifiedCredentials.fingerprint(credential())
        let current = limiter.peek(identity)
        if !current.allowed, !verified.contains(fingerprint) {
            var headers = ThrottleMiddleware<LatchkeyRequestContext>.headers(current, of: limiter)
            headers[.retryAfter] = String(current.resetSeconds)
            throw APIError(
                .tooManyRequests,
                detail: "Too many failed authentications from this address. Expected available in \(current.resetSeconds) seconds.",
                code: "THROTTLED",
                headers: headers)
        }
        do {
            let result = try await authenticate()
            verified.insert(fingerprint)
            return result
        } catch let error as APIError where error.status == .unauthorized {
            limiter.record(identity)
            verified.remove(fingerprint)
            throw error
        }
    }
}

/// The credentials (keys, session tokens, service credentials) this instance has verified, by
/// a keyed 64-bit fingerprint of the string presented: what lets them through an address's
/// failure limit. Never a secret itself, and never proof of anything — a credential let through
/// is verified as usual; a fingerprint only decides whether it is worth a database round trip.
///
/// Bounded: two generations of at most `capacity` fingerprints each; when the current one is
/// full it becomes the old one and the oldest is dropped, so recently used credentials stay.
final class VerifiedCredentials: Sendable {
    private struct Generations {
        var current: Set<Int> = []
        var old: Set<Int> = []
    }

    private let shards: [NIOLockedValueBox<Generations>]
    private let capacity: Int

    /// - Parameter capacity: fingerprints per generation and shard (16 shards).
    init(capacity: Int = 8192) {
        self.capacity = capacity
        shards = (0..<16).map { _ in NIOLockedValueBox(Generations()) }
    }

    /// The fingerprint of a presented credential: SipHash with this process's random seed, so
    /// nobody outside can aim at one.
    static func fingerprint(_ credential: String) -> Int {
        var hasher = Hasher()
        hasher.combine(credential)
        return hasher.finalize()
    }

    func contains(_ fingerprint: Int) -> Bool {
        shard(fingerprint).withLockedValue { $0.current.contains(fingerprint) || $0.old.contains(fingerprint) }
    }

    func insert(_ fingerprint: Int) {
        shard(fingerprint).withLockedValue { generations in
            guard !generations.current.contains(fingerprint) else { return }
            if generations.current.count >= capacity {
                generations.old = generations.current
                generations.current = []
            }
            generations.current.insert(fingerprint)
        }
    }

    func remove(_ fingerprint: Int) {
        shard(fingerprint).withLockedValue { generations in
            generations.current.remove(fingerprint)
            generations.old.remove(fingerprint)
        }
    }

    private func shard(_ fingerprint: Int) -> NIOLockedValueBox<Generations> {
        shards[Int(UInt(bitPattern: fingerprint) % UInt(shards.count))]
    }
}
