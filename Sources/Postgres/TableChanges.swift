import NIOConcurrencyHelpers

/// How many times the tables whose triggers send `NOTIFY latchkey_data` have changed, as far as
/// this process knows: a cache entry read at one generation is good while the generation stays.
///
/// A listener bumps it for every notice and on every (re)connect (notices may have been missed);
/// a write in this process bumps it after commit, so its own next read never sees stale data.
public final class TableChanges: Sendable {
    /// The channel the tables' triggers notify.
    public static let channel = "latchkey_data"

    private let counter = NIOLockedValueBox<UInt64>(0)

    public init() {}

    /// The current generation.
    public var generation: UInt64 { counter.withLockedValue { $0 } }

    /// Marks every cached read as stale.
    public func bump() { counter.withLockedValue { $0 &+= 1 } }
}
