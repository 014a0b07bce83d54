import NIOConcurrencyHelpers
import ServiceLifecycle

/// Whether this instance should be sent traffic (SPEC §12, `GET /api/ready`): not while it
/// drains after SIGTERM, nor while its change listener is disconnected (it could then miss a
/// revocation made on another instance). Liveness is `GET /api/health`.
public final class Readiness: Sendable {
    private struct State {
        var draining = false
        var listener: (@Sendable () -> Bool)?
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    /// Consults `isConnected` from now on: the change listener's state.
    public func watch(listener isConnected: @escaping @Sendable () -> Bool) {
        state.withLockedValue { $0.listener = isConnected }
    }

    /// From now on the instance is draining: not ready, whatever else holds.
    public func beginDraining() {
        state.withLockedValue { $0.draining = true }
    }

    /// Whether the change listener is connected (true when none is watched).
    public var isListenerConnected: Bool {
        state.withLockedValue { $0.listener }?() ?? true
    }

    /// Why the instance is not ready, or `nil` when it is.
    public var problem: String? {
        let (draining, listener) = state.withLockedValue { ($0.draining, $0.listener) }
        if draining { return "draining" }
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
