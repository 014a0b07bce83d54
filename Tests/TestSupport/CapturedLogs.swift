import Logging
import Synchronization

/// Keeps every line logged through ``logger``, for tests of what is (and is not) logged.
public final class CapturedLogs: Sendable {
    /// One logged line: its level, message and metadata (the logger's and the call's).
    public struct Entry: Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: Logger.Metadata

        /// The line as text: level, message and metadata.
        public var text: String { "\(level) \(message) \(metadata)" }
    }

    private let entries = Mutex<[Entry]>([])

    public init() {}

    /// A logger at `trace` whose lines are kept here.
    public var logger: Logger {
        Logger(label: "capture") { _ in Handler(logs: self) }
    }

    /// Every line so far, in order.
    public var all: [Entry] { entries.withLock { $0 } }

    private struct Handler: LogHandler {
        let logs: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
                 file: String, function: String, line: UInt) {
            let entry = Entry(level: level, message: message.description, metadata: metadata.merging(explicit ?? [:]) { $1 })
            logs.entries.withLock { $0.append(entry) }
        }
    }
}
