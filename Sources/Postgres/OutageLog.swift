import Logging
import Synchronization

/// Logs the failures of a background job that runs in rounds (the webhook sender every second,
/// the usage writer, the key-notice scanner) once per outage instead of once per round.
///
/// The first failure is a warning with its error; while the failures go on, one reminder every
/// ``reminderInterval`` says how many rounds have failed; the first round that succeeds again
/// logs once, at `info`, how many failed. A database away for ten minutes is three or four
/// lines, not six hundred.
public final class OutageLog: Sendable {
    /// The time between reminders of an outage that goes on.
    public let reminderInterval: Duration
    private let logger: Logger
    private let message: Logger.Message
    private let state = Mutex(State())

    private struct State {
        var failedRounds = 0
        var lastLogged: ContinuousClock.Instant?
    }

    /// `message` says what failed ("could not claim webhook deliveries").
    public init(_ message: Logger.Message, logger: Logger, reminderInterval: Duration = .seconds(300)) {
        self.message = message
        self.logger = logger
        self.reminderInterval = reminderInterval
    }

    /// A round failed with `error`.
    public func failed(_ error: any Error, metadata: Logger.Metadata = [:]) {
        let now = ContinuousClock.now
        let failedRounds: Int? = state.withLock { state in
            state.failedRounds += 1
            if let last = state.lastLogged, now - last < reminderInterval { return nil }
            state.lastLogged = now
            return state.failedRounds
        }
        guard let failedRounds else { return }
        var metadata = metadata
        metadata["error"] = "\(error)"
        if failedRounds > 1 { metadata["failed_rounds"] = "\(failedRounds)" }
        logger.warning(message, metadata: metadata)
    }

    /// A round succeeded: ends the outage, if there was one.
    public func succeeded() {
        let failedRounds = state.withLock { state in
            defer { state = State() }
            return state.failedRounds
        }
        guard failedRounds > 0 else { return }
        logger.info("working again after \(failedRounds) failed round(s)", metadata: ["after": "\(message)"])
    }
}
