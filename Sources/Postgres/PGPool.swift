import DequeModule
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// A bounded pool of libpq connections.
///
/// Connections are opened lazily up to `maxConnections`, lent to one task at a time, checked for
/// liveness before each loan and replaced when broken. Callers wait at most `acquireTimeout` for
/// a free connection. All blocking libpq work runs on the pool's own threads.
public final class PGPool: Sendable {
    public let configuration: PGConfiguration
    let threadPool: NIOThreadPool
    private let logger: Logger

    private typealias Lease = PGPoolState<PGRawConnection>.Lease

    private struct Waiter {
        var continuation: CheckedContinuation<Lease, any Error>
        /// When it stops waiting (``PGConfiguration/acquireTimeout`` after it began).
        var deadline: NIODeadline
    }

    /// The pool's bookkeeping (``PGPoolState``) and the continuations of its waiters. An answer
    /// for a waiter whose continuation is not stored yet waits in `delivered`.
    private struct Locked {
        var pool: PGPoolState<PGRawConnection>
        var waiting: [Int: Waiter] = [:]
        var delivered: [Int: Result<Lease, any Error>] = [:]
        /// Whether a ``sweep()`` is scheduled: one timer serves every waiter, so waiting costs
        /// no event-loop task of its own (a timer scheduled and cancelled per waiter was 3% of
        /// an uncached list's CPU time at 32 clients on 8 connections).
        var sweepScheduled = false
    }

    private let state: NIOLockedValueBox<Locked>

    public init(configuration: PGConfiguration, logger: Logger = Logger(label: "latchkey.postgres")) {
        self.configuration = configuration
        self.logger = logger
        self.state = NIOLockedValueBox(Locked(pool: PGPoolState(maxConnections: configuration.maxConnections)))
        self.threadPool = NIOThreadPool(numberOfThreads: configuration.maxConnections)
        threadPool.start()
    }

    /// Runs `body` with a new pool on `configuration` and closes the pool when `body` returns or
    /// throws (a command, a test: whatever owns a pool for a while).
    public static func with<Result>(
        _ configuration: PGConfiguration, logger: Logger = Logger(label: "latchkey.postgres"),
        _ body: (PGPool) async throws -> Result
    ) async throws -> Result {
        let pool = PGPool(configuration: configuration, logger: logger)
        do {
            let result = try await body(pool)
            await pool.close()
            return result
        } catch {
            await pool.close()
            throw error
        }
    }

    /// Lends a connection to `body` and takes it back when `body` returns or throws.
    public func withConnection<Result>(_ body: (PGConnection) async throws -> Result) async throws -> Result {
        let raw = try await acquire()
        defer { release(raw) }
        return try await body(PGConnection(raw: raw, threadPool: threadPool))
    }

    /// Runs one statement on a pooled connection.
    @discardableResult
    public func query(_ query: PGQuery) async throws -> PGRowSet {
        try await withConnection { try await $0.query(query) }
    }

    /// Runs one statement and returns the number of rows it affected.
    @discardableResult
    public func execute(_ query: PGQuery) async throws -> Int {
        try await withConnection { try await $0.execute(query) }
    }

    /// Closes idle connections and fails waiters; loaned connections close when returned.
    /// How the pool stands: connections open (at most `maxConnections`), lent out, and tasks
    /// waiting for one.
    public struct Statistics: Sendable, Equatable {
        public let open: Int
        public let inUse: Int
        public let waiters: Int
    }

    /// A snapshot of ``Statistics``.
    public var statistics: Statistics {
        state.withLockedValue { locked in
            Statistics(open: locked.pool.open, inUse: locked.pool.open - locked.pool.idle.count, waiters: locked.pool.waiters.count)
        }
    }

    public func close() async {
        let (idle, waiters) = state.withLockedValue { $0.pool.close() }
        for id in waiters { deliver(.failure(PGError(.poolClosed, message: "the connection pool was shut down")), to: id) }
        for connection in idle { finish(connection) }
        try? await threadPool.shutdownGracefully()
    }

    // MARK: Loans

    private func acquire() async throws -> PGRawConnection {
        while true {
            switch try await lease() {
            case .connection(let raw):
                if raw.checkIdleHealth() { return raw }
                logger.debug("discarding a broken pooled connection", metadata: ["pid": "\(raw.backendPID)"])
                discard(raw)
            case .open:
                do {
                    let configuration = self.configuration
                    return try await threadPool.runIfActive { try PGRawConnection.connect(configuration) }
                } catch {
                    giveBackSlot()
                    if error is PGError { throw error }
                    throw PGError(.poolClosed, message: "the connection pool was shut down")
                }
            }
        }
    }

    private func lease() async throws -> Lease {
        let id: Int
        switch state.withLockedValue({ $0.pool.acquire() }) {
        case .closed: throw PGError(.poolClosed, message: "the connection pool was shut down")
        case .lease(let lease): return lease
        case .wait(let waiter): id = waiter
        }
        let timeout = configuration.acquireTimeout
        let deadline = NIODeadline.now() + .nanoseconds(timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Lease, any Error>) in
                let (early, sweep): (Result<Lease, any Error>?, Bool) = state.withLockedValue { locked in
                    if let answer = locked.delivered.removeValue(forKey: id) { return (answer, false) }
                    locked.waiting[id] = Waiter(continuation: continuation, deadline: deadline)
                    defer { locked.sweepScheduled = true }
                    return (nil, !locked.sweepScheduled)
                }
                if let early { continuation.resume(with: early) }
                if sweep { scheduleSweep(at: deadline) }
            }
        } onCancel: {
            giveUp(id, with: CancellationError())
        }
    }

    private func scheduleSweep(at deadline: NIODeadline) {
        MultiThreadedEventLoopGroup.singleton.any().scheduleTask(deadline: deadline) { [weak self] () -> Void in
            self?.sweep()
        }
    }

    /// Fails every waiter whose deadline has passed, and schedules the next sweep for the
    /// earliest deadline still ahead while anyone waits.
    private func sweep() {
        let now = NIODeadline.now()
        let (expired, next): ([Int], NIODeadline?) = state.withLockedValue { locked in
            let expired = locked.waiting.compactMap { $0.value.deadline <= now ? $0.key : nil }
            let next = locked.waiting.values.lazy.map { $0.deadline }.filter { $0 > now }.min()
            locked.sweepScheduled = next != nil
            return (expired, next)
        }
        let timeout = configuration.acquireTimeout
        for id in expired {
            giveUp(id, with: PGError(.poolTimeout, message: "no database connection became free within \(timeout)"))
        }
        if let next { scheduleSweep(at: next) }
    }

    /// Answers waiter `id`, now if its continuation is stored, else as soon as it is.
    private func deliver(_ answer: Result<Lease, any Error>, to id: Int) {
        let waiter: Waiter? = state.withLockedValue { locked in
            if let waiter = locked.waiting.removeValue(forKey: id) { return waiter }
            locked.delivered[id] = answer
            return nil
        }
        waiter?.continuation.resume(with: answer)
    }

    /// Waiter `id` stops waiting (timeout, cancellation), unless it was served already.
    private func giveUp(_ id: Int, with error: any Error) {
        let stillWaiting = state.withLockedValue { $0.pool.removeWaiter(id) }
        if stillWaiting { deliver(.failure(error), to: id) }
    }

    private func release(_ raw: PGRawConnection) {
        guard !raw.isBroken, raw.isIdle else {
            discard(raw)
            return
        }
        switch state.withLockedValue({ $0.pool.release(raw) }) {
        case .hand(let connection, let id): deliver(.success(.connection(connection)), to: id)
        case .kept: break
        case .close(let connection): finish(connection)
        }
    }

    /// Drops a broken connection and passes its slot to the first waiter, if any.
    private func discard(_ raw: PGRawConnection) {
        finish(raw)
        giveBackSlot()
    }

    private func giveBackSlot() {
        if let id = state.withLockedValue({ $0.pool.slotFreed() }) { deliver(.success(.open), to: id) }
    }

    /// Closes a connection on a pool thread: `PQfinish` writes to the socket.
    private func finish(_ raw: PGRawConnection) {
        threadPool.submit { _ in withExtendedLifetime(raw) {} }
    }
}

extension PGPool: Service {
    /// Keeps the pool open until graceful shutdown, then closes it.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }
}
