import Logging
import NIOConcurrencyHelpers
import Postgres
import Testing

/// A background job's failures are logged once per outage: the first, then a reminder at most
/// every interval, and one line when it works again.
@Suite struct OutageLogTests {
    struct Lines: LogHandler {
        let lines: NIOLockedValueBox<[(Logger.Level, String, Logger.Metadata)]>
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
            lines.withLockedValue { $0.append((level, message.description, metadata ?? [:])) }
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String { "connection refused" }
    }

    private func outage(reminderInterval: Duration) -> (OutageLog, NIOLockedValueBox<[(Logger.Level, String, Logger.Metadata)]>) {
        let lines = NIOLockedValueBox<[(Logger.Level, String, Logger.Metadata)]>([])
        let logger = Logger(label: "test") { _ in Lines(lines: lines) }
        return (OutageLog("could not do the round", logger: logger, reminderInterval: reminderInterval), lines)
    }

    @Test func anOutageOfManyRoundsIsOneWarningAndOneRecovery() {
        let (log, lines) = outage(reminderInterval: .seconds(300))
        log.succeeded()
        #expect(lines.withLockedValue { $0.isEmpty })
        for _ in 0..<600 { log.failed(Failure(), metadata: ["rows": "3"]) }
        log.succeeded()
        log.succeeded()
        let logged = lines.withLockedValue { $0 }
        #expect(logged.count == 2)
        #expect(logged.first?.0 == .warning)
        #expect(logged.first?.1 == "could not do the round")
        #expect(logged.first?.2["error"] == "connection refused")
        #expect(logged.first?.2["rows"] == "3")
        #expect(logged.first?.2["failed_rounds"] == nil)
        #expect(logged.last?.0 == .info)
        #expect(logged.last?.1 == "working again after 600 failed round(s)")
        // The next outage is a new one.
        log.failed(Failure())
        #expect(lines.withLockedValue { $0.count } == 3)
        #expect(lines.withLockedValue { $0.last?.0 } == .warning)
    }

    @Test func anOutageThatGoesOnIsRemindedOfWithItsRounds() async throws {
        let (log, lines) = outage(reminderInterval: .milliseconds(100))
        log.failed(Failure())
        log.failed(Failure())
        #expect(lines.withLockedValue { $0.count } == 1)
        try await Task.sleep(for: .milliseconds(150))
        log.failed(Failure())
        let logged = lines.withLockedValue { $0 }
        #expect(logged.count == 2)
        #expect(logged.last?.2["failed_rounds"] == "3")
    }
}
