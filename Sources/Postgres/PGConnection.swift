import Metrics
import NIOPosix

/// A connection lent by `PGPool` for the duration of a closure.
///
/// Not `Sendable`: it belongs to the task that borrowed it, so two threads never use it at once.
/// Each call runs the blocking libpq work on the pool's dedicated threads.
public final class PGConnection {
    let raw: PGRawConnection
    private let threadPool: NIOThreadPool

    init(raw: PGRawConnection, threadPool: NIOThreadPool) {
        self.raw = raw
        self.threadPool = threadPool
    }

    /// The PostgreSQL backend process id serving this connection.
    public var backendPID: Int32 { raw.backendPID }

    /// Runs a statement and returns its rows.
    @discardableResult
    public func query(_ query: PGQuery) async throws -> PGRowSet {
        let raw = self.raw
        let start = ContinuousClock.now
        defer { Self.duration.record(duration: ContinuousClock.now - start) }
        return try await threadPool.runIfActive { try raw.execute(query) }
    }

    /// The time each statement takes, from the caller's side (`latchkey_db_query_duration_seconds`).
    static let duration = Timer(label: "latchkey_db_query_duration_seconds")

    /// Runs a statement and returns the number of rows it affected.
    @discardableResult
    public func execute(_ query: PGQuery) async throws -> Int {
        try await self.query(query).affectedRows
    }

    /// Opens a transaction (``PGRawConnection/begin()``).
    func begin() async throws {
        let raw = self.raw
        try await threadPool.runIfActive { try raw.begin() }
    }

    /// Runs trusted SQL text, possibly several statements, with no parameters.
    ///
    /// For SQL the program owns (migrations, transaction control). Never build `script` from input.
    public func run(script: String) async throws {
        let raw = self.raw
        try await threadPool.runIfActive { try raw.simpleQuery(script) }
    }
}
