import DequeModule

/// The pool's bookkeeping without I/O, locks or continuations: which connections are idle, how
/// many are open, who waits. ``PGPool`` holds it under its lock and carries out what each
/// transition answers (resume a waiter, open or close a connection); unit-tested alone.
///
/// Generic over the connection so tests can use plain values.
struct PGPoolState<Connection> {
    /// What a borrower gets.
    enum Lease {
        /// An idle connection to reuse.
        case connection(Connection)
        /// A reserved slot: the borrower opens a new connection.
        case open
    }

    /// The answer to a borrower.
    enum Acquire {
        /// Served at once.
        case lease(Lease)
        /// No connection and no free slot: wait (as waiter `id`).
        case wait(id: Int)
        /// The pool is closed.
        case closed
    }

    /// What to do with a connection given back.
    enum Release {
        /// Hand it to this waiter.
        case hand(Connection, to: Int)
        /// Kept idle.
        case kept
        /// The pool is closed: close the connection.
        case close(Connection)
    }

    let maxConnections: Int
    private(set) var idle: [Connection] = []
    private(set) var open = 0
    private(set) var waiters: Deque<Int> = []
    private(set) var isClosed = false
    private var nextWaiterID = 0

    init(maxConnections: Int) {
        self.maxConnections = max(1, maxConnections)
    }

    /// A borrower asks: an idle connection, else a slot while fewer than the maximum are open,
    /// else it waits in line.
    mutating func acquire() -> Acquire {
        if isClosed { return .closed }
        if let lease = immediateLease() { return .lease(lease) }
        defer { nextWaiterID += 1 }
        waiters.append(nextWaiterID)
        return .wait(id: nextWaiterID)
    }

    private mutating func immediateLease() -> Lease? {
        if let connection = idle.popLast() { return .connection(connection) }
        if open < maxConnections {
            open += 1
            return .open
        }
        return nil
    }

    /// Waiter `id` gives up (timeout, cancellation); `false` when it was already served.
    mutating func removeWaiter(_ id: Int) -> Bool {
        guard let index = waiters.firstIndex(of: id) else { return false }
        waiters.remove(at: index)
        return true
    }

    /// A healthy connection comes back: to the first waiter, else idle (closed pool: closed).
    mutating func release(_ connection: Connection) -> Release {
        if isClosed {
            open -= 1
            return .close(connection)
        }
        if let waiter = waiters.popFirst() { return .hand(connection, to: waiter) }
        idle.append(connection)
        return .kept
    }

    /// A connection was dropped (broken, or it never opened): its slot goes to the first
    /// waiter, who opens a new one; or the slot is freed.
    mutating func slotFreed() -> Int? {
        guard !isClosed, let waiter = waiters.popFirst() else {
            open -= 1
            return nil
        }
        return waiter
    }

    /// Closes the pool: the idle connections to close and the waiters to fail.
    mutating func close() -> (idle: [Connection], waiters: [Int]) {
        isClosed = true
        defer {
            open -= idle.count
            idle = []
            waiters = []
        }
        return (idle, Array(waiters))
    }
}

extension PGPoolState: Sendable where Connection: Sendable {}
extension PGPoolState.Lease: Sendable where Connection: Sendable {}
