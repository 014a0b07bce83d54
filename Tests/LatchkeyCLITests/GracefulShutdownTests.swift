import Foundation
import Postgres
import TestSupport
import Testing

/// `latchkey serve` as a process: on SIGTERM a request in flight still gets its answer, then
/// the process exits cleanly.
@Suite struct GracefulShutdownTests {
    @Test func sigtermLetsTheRequestInFlightFinish() async throws {
        try await TestDatabase.withFresh { configuration in
            let port = try LoopbackHTTP.freePort()
            let env = try migratedEnvironment(configuration, ["LATCHKEY_THROTTLE": "off", "LATCHKEY_DRAIN_SECONDS": "0"])
            let pool = PGPool(configuration: configuration)
            try await pool.execute("INSERT INTO users (username, email, tier) VALUES ('alice', 'alice@example.com', 'pro')")
            let key = try CommandRunner.run("latchkey", ["keys", "issue", "--user", "alice", "--name", "t"], environment: env).lines.last ?? ""
            #expect(key.hasPrefix("ct_live_"))

            let server = try CommandRunner.start("latchkey", ["serve", "--port", String(port)], environment: env)
            var ready = false
            for _ in 0..<100 where !ready {
                ready = (try? await LoopbackHTTP.send(port: port, "/api/health"))?.status == 200
                if !ready { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(ready)

            // Hold a lock the survey list needs, so its request stays in flight.
            try await pool.withConnection { connection in
                try await connection.run(script: "BEGIN; LOCK TABLE surveys IN ACCESS EXCLUSIVE MODE")
                let inFlight = Task { try await LoopbackHTTP.send(port: port, "/api/surveys/", headers: ["Authorization": "Bearer \(key)"]) }
                var waiting = false
                for _ in 0..<100 where !waiting {
                    waiting = try await pool.query("""
                        SELECT count(*) FROM pg_stat_activity
                        WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FROM surveys%'
                        """)[0].decode(Int.self, at: 0) > 0
                    if !waiting { try await Task.sleep(for: .milliseconds(50)) }
                }
                #expect(waiting)
                server.signal(SIGTERM)
                try await Task.sleep(for: .milliseconds(300))
                try await connection.run(script: "COMMIT")
                let reply = try await inFlight.value
                #expect(reply.status == 200)
                #expect(reply.body == "[]")
            }
            let exit = server.wait()
            #expect(exit.status == 0, "\(exit.stderr)")
            #expect((try? await LoopbackHTTP.send(port: port, "/api/health")) == nil)
            await pool.close()
        }
    }
}

/// `GET /api/ready` (SPEC §12): 200 while serving; on SIGTERM 503 at once while the instance
/// keeps serving for the drain period (liveness stays 200), then the process exits.
@Suite(.serialized) struct ReadinessTests {
    @Test func readyFlipsDuringTheSigtermDrain() async throws {
        try await TestDatabase.withFresh { configuration in
            let port = try LoopbackHTTP.freePort()
            // A long drain: on a loaded machine (the whole suite on two cores) each request here
            // once took over a second.
            var env = try migratedEnvironment(configuration, ["LATCHKEY_DRAIN_SECONDS": "8"])
            // The server answers with its own public URL: another test's server on a reused port
            // does not pass for this one.
            let marker = LoopbackHTTP.uniquePublicURL("ready")
            env["LATCHKEY_PUBLIC_URL"] = marker
            let server = try CommandRunner.start("latchkey", ["serve", "--port", String(port)], environment: env)
            #expect(try await LoopbackHTTP.waitForServer(port: port, publicURL: marker))
            let signalled = ContinuousClock.now
            do {
                let ready = try await LoopbackHTTP.send(port: port, "/api/ready")
                #expect(ready.status == 200 && ready.body == #"{"status":"ok"}"#, "\(ready.body)")
                server.signal(SIGTERM)
                try await Task.sleep(for: .milliseconds(300))
                let draining = try await LoopbackHTTP.send(port: port, "/api/ready")
                #expect(draining.status == 503 && draining.body.contains("draining"), "\(draining.body)")
                #expect(try await LoopbackHTTP.send(port: port, "/api/health").status == 200, "still live while draining")
            } catch {
                server.signal(SIGKILL)
                Issue.record("\(error) after \(ContinuousClock.now - signalled); the server said: \(server.wait().stderr.suffix(2000))")
                return
            }
            let exit = server.wait()
            #expect(exit.status == 0, "\(exit.stderr)")
            #expect(ContinuousClock.now - signalled >= .seconds(8), "served for the drain period")
            #expect((try? await LoopbackHTTP.send(port: port, "/api/ready")) == nil)

            // A bad drain period is refused at start-up, naming the variable.
            var bad = env
            bad["LATCHKEY_DRAIN_SECONDS"] = "forever"
            let refused = try CommandRunner.run("latchkey", ["serve", "--port", String(port)], environment: bad)
            #expect(refused.status != 0 && refused.stderr.contains("LATCHKEY_DRAIN_SECONDS"))
        }
    }
}

/// The environment of a `latchkey` process on the database of `configuration` with `settings`,
/// the database migrated by one.
func migratedEnvironment(_ configuration: PGConfiguration, _ settings: [String: String]) throws -> [String: String] {
    let env = [
        "DATABASE_URL": TestDatabase.url(for: configuration),
        "LATCHKEY_MIGRATIONS": TestDatabase.packageRoot.appendingPathComponent("db").path,
    ].merging(settings) { _, given in given }
    #expect(try CommandRunner.run("latchkey", ["migrate"], environment: env).status == 0)
    return env
}
