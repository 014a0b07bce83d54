import Logging
import Postgres
import Testing
import TestSupport

/// A background job's failures are logged once per outage: the first, then a reminder at most
/// every interval, and one line when it works again.
@Suite struct OutageLogTests {
    struct Failure: Error, CustomStringConvertible {
        var description: String { "connection refused" }
    }

    @Test func anOutageOfManyRoundsIsOneWarningAndOneRecovery() {
        let logs = CapturedLogs()
        let log = OutageLog("could not do the round", logger: logs.logger, reminderInterval: .seconds(300))
        log.succeeded()
        #expect(logs.all.isEmpty)
        for _ in 0..<600 { log.failed(Failure(), metadata: ["rows": "3"]) }
        log.succeeded()
        log.succeeded()
        let logged = logs.all
        #expect(logged.count == 2)
        #expect(logged.first?.level == .warning)
        #expect(logged.first?.message == "could not do the round")
        #expect(logged.first?.metadata["error"] == "connection refused")
        #expect(logged.first?.metadata["rows"] == "3")
        #expect(logged.first?.metadata["failed_rounds"] == nil)
        #expect(logged.last?.level == .info)
        #expect(logged.last?.message == "working again after 600 failed round(s)")
        // The next outage is a new one.
        log.failed(Failure())
        #expect(logs.all.count == 3)
        #expect(logs.all.last?.level == .warning)
    }

    @Test func anOutageThatGoesOnIsRemindedOfWithItsRounds() async throws {
        let logs = CapturedLogs()
        let log = OutageLog("could not do the round", logger: logs.logger, reminderInterval: .milliseconds(100))
        log.failed(Failure())
        log.failed(Failure())
        #expect(logs.all.count == 1)
        try await Task.sleep(for: .milliseconds(150))
        log.failed(Failure())
        #expect(logs.all.count == 2)
        #expect(logs.all.last?.metadata["failed_rounds"] == "3")
    }
}
