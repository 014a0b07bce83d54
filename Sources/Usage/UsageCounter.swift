import Foundation
import NIOConcurrencyHelpers

/// Counts the uses of keys in memory (SPEC §13), for ``UsageRecorder`` to flush: per key, hour
/// and outcome, and each key's most recent client addresses. The hot path takes one of sixteen
/// locks, chosen by key, for a few dictionary updates; it never waits on the database.
public final class UsageCounter: Sendable {
    /// One key's uses in one hour.
    public struct Slot: Hashable, Sendable {
        public var key: UUID
        /// The hour's start, in Unix seconds.
        public var hour: Int64

        public init(key: UUID, hour: Int64) {
            self.key = key
            self.hour = hour
        }
    }

    /// What one flush writes: the counts per key and hour, and each key's recent addresses with
    /// when each was last seen.
    public struct Batch: Sendable {
        public var counts: [Slot: UsageCounts] = [:]
        public var addresses: [UUID: [String: Date]] = [:]

        public init() {}

        public var isEmpty: Bool { counts.isEmpty && addresses.isEmpty }

        /// Counts `outcome` once for `key` in the hour of `now`, and `address` as seen at `now`.
        mutating func add(_ outcome: UsageOutcome, key: UUID, address: String?, at now: Date) {
            let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
            counts[Slot(key: key, hour: seconds - seconds % 3600), default: UsageCounts()][outcome] += 1
            if let address { see(address, of: key, at: now) }
        }

        /// Remembers `address` for `key`, keeping the ``UsageCounter/recentAddresses`` latest.
        mutating func see(_ address: String, of key: UUID, at time: Date) {
            addresses[key, default: [:]].updateValue(max(time, addresses[key]?[address] ?? time), forKey: address)
            guard let seen = addresses[key], seen.count > UsageCounter.recentAddresses,
                  let oldest = seen.min(by: { $0.value < $1.value })?.key else { return }
            addresses[key]?[oldest] = nil
        }

        /// Adds `other`'s counts and addresses to these.
        mutating func merge(_ other: Batch) {
            for (slot, counts) in other.counts { self.counts[slot, default: UsageCounts()] += counts }
            for (key, seen) in other.addresses {
                for (address, time) in seen { see(address, of: key, at: time) }
            }
        }
    }

    /// How many distinct client addresses are kept per key.
    public static let recentAddresses = 10

    /// Whether uses are counted (`LATCHKEY_USAGE`); when not, ``record(_:key:address:at:)``
    /// returns at once.
    public let isEnabled: Bool
    private let shards: [NIOLockedValueBox<Batch>]

    public init(enabled: Bool = true) {
        isEnabled = enabled
        shards = (0..<16).map { _ in NIOLockedValueBox(Batch()) }
    }

    /// Counts one use of `key` ending in `outcome`, from client `address` (after trusted proxies).
    public func record(_ outcome: UsageOutcome, key: UUID, address: String?, at now: Date = Date()) {
        guard isEnabled else { return }
        shards[key.hashValue & (shards.count - 1)].withLockedValue { $0.add(outcome, key: key, address: address, at: now) }
    }

    /// Everything counted since the last take, leaving nothing behind.
    public func take() -> Batch {
        var batch = Batch()
        for shard in shards {
            let taken = shard.withLockedValue { pending in
                defer { pending = Batch() }
                return pending
            }
            batch.merge(taken)
        }
        return batch
    }

    /// Gives back a batch a flush could not write, to be written with the next.
    public func restore(_ batch: Batch) {
        guard !batch.isEmpty else { return }
        shards[0].withLockedValue { $0.merge(batch) }
    }
}
