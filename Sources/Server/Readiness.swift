import NIOConcurrencyHelpers
import ServiceLifecycle

/// Whether this instance should be sent traffic (SPEC §12, `GET /api/ready`): not while it
/// drains after SIGTERM, nor while its change listener is disconnected (it could then miss a
/// revocation made on another instance). Liveness is `GET /api/health`.
public final class Readiness: Sendable {
    /// The change listener's state, when one is watched.
    private let listener: (@Sendable () -> Bool)?
    private let draining = NIOLockedValueBox(false)

    /// - Parameter listener: whether the change listener is connected, consulted on every
    ///   question; `nil`: none is watched.
    public init(listener: (@Sendable () -> Bool)? = nil) {
        self.listener = listener
    }

    /// From now on the instance is draining: not ready, whatever else holds.
    public func beginDraining() {
        draining.withLockedValue { $0 = true }
    }

    /// Whether the change listener is connected (true when none is watched).
    public var isListenerConnected: Bool {
        listener?() ?? true
    }

    /// Why the instance is not ready, or `nil` when it is.
    public var problem: String? {
        if draining.withLockedValue({ $0 }) { return "draining" }
        if let listener, !listener() { return "change listener disconnected" }
        return nil
    }
}

/// Drains before the server stops (SPEC §12): on graceful shutdown (SIGTERM) the instance
/// reports not ready at once, then keeps serving for `period`, so a balancer polling
/// `/api/ready` moves traffic away before the listener closes. Placed after the application in
/// its service group, it is shut down first.
public struct DrainService: Service {
    let readiness: Readiness
    let period: Duration

    public init(readiness: Readiness, period: Duration) {
        self.readiness = readiness
        self.period = period
    }

    public func run() async throws {
        // Returns when graceful shutdown begins (or throws when cancelled: no drain then).
        guard (try? await gracefulShutdown()) != nil else { return }
        readiness.beginDraining()
        try? await Task.sleep(for: period)
    }
}
