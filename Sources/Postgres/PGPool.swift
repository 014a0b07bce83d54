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
    private let state: NIOLockedValueBox<State>
    private let logger: Logger

    private enum Lease: Sendable {
        /// An idle connection to reuse.
        case connection(PGRawConnection)
        /// A reserved slot: the borrower opens a new connection.
        case open
    }

    private struct Waiter {
        var id: Int
        var continuation: CheckedContinuation<Lease, any Error>
        var timeout: Scheduled<Void>?
    }

    private struct State {
        var idle: [PGRawConnection] = []
        var open = 0
        var waiters: Deque<Waiter> = []
        var nextWaiterID = 0
        var isClosed = false
    }

    public init(configuration: PGConfiguration, logger: Logger = Logger(label: "latchkey.postgres")) {
        self.configuration = configuration
        self.logger = logger
        self.state = NIOLockedValueBox(State())
        self.threadPool = NIOThreadPool(numberOfThreads: configuration.maxConnections)
        threadPool.start()
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
    public func close() async {
        let (idle, waiters) = state.withLockedValue { state in
            state.isClosed = true
            defer {
                state.open -= state.idle.count
                state.idle = []
                state.waiters = []
            }
            return (state.idle, state.waiters)
        }
        for waiter in waiters {
            waiter.timeout?.cancel()
            waiter.continuation.resume(throwing: PGError(.poolClosed, message: "the connection pool was shut down"))
        }
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
        let maxConnections = configuration.maxConnections
        let immediate: Lease? = try state.withLockedValue { state in
            if state.isClosed { throw PGError(.poolClosed, message: "the connection pool was shut down") }
            if let raw = state.idle.popLast() { return .connection(raw) }
            if state.open < maxConnections {
                state.open += 1
                return .open
            }
            return nil
        }
        if let immediate { return immediate }

        let id = state.withLockedValue { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Lease, any Error>) in
                enqueue(Waiter(id: id, continuation: continuation, timeout: nil))
            }
        } onCancel: {
            failWaiter(id, with: CancellationError())
        }
    }

    private func enqueue(_ waiter: Waiter) {
        let maxConnections = configuration.maxConnections
        let timeout = configuration.acquireTimeout
        let ready: Lease? = state.withLockedValue { state in
            if let raw = state.idle.popLast() { return .connection(raw) }
            if state.open < maxConnections {
                state.open += 1
                return .open
            }
            var waiter = waiter
            let id = waiter.id
            waiter.timeout = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: .nanoseconds(timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)) {
                [weak self] in
                self?.failWaiter(id, with: PGError(.poolTimeout, message: "no database connection became free within \(timeout)"))
            }
            state.waiters.append(waiter)
            return nil
        }
        if let ready { waiter.continuation.resume(returning: ready) }
        if Task.isCancelled { failWaiter(waiter.id, with: CancellationError()) }
    }

    private func failWaiter(_ id: Int, with error: any Error) {
        let waiter: Waiter? = state.withLockedValue { state in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.timeout?.cancel()
        waiter?.continuation.resume(throwing: error)
    }

    private func release(_ raw: PGRawConnection) {
        guard !raw.isBroken, raw.isIdle else {
            discard(raw)
            return
        }
        let (waiter, closed): (Waiter?, Bool) = state.withLockedValue { state in
            if state.isClosed {
                state.open -= 1
                return (nil, true)
            }
            if let waiter = state.waiters.popFirst() { return (waiter, false) }
            state.idle.append(raw)
            return (nil, false)
        }
        if closed { finish(raw) }
        if let waiter {
            waiter.timeout?.cancel()
            waiter.continuation.resume(returning: .connection(raw))
        }
    }

    /// Drops a broken connection and passes its slot to the first waiter, if any.
    private func discard(_ raw: PGRawConnection) {
        finish(raw)
        giveBackSlot()
    }

    private func giveBackSlot() {
        let waiter: Waiter? = state.withLockedValue { state in
            guard !state.isClosed, let waiter = state.waiters.popFirst() else {
                state.open -= 1
                return nil
            }
            return waiter
        }
        waiter?.timeout?.cancel()
        waiter?.continuation.resume(returning: .open)
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
