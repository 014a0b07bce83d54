import Foundation
import Postgres
import TestSupport
import Testing

/// `LATCHKEY_LOG_FORMAT=json` (SPEC §12): after a run that issues keys and uses them (the API,
/// a session, the decision API, a revocation), every line the server and the commands wrote
/// is one JSON object with `timestamp`, `level`, `label` and `message`, and no secret appears.
@Suite struct JSONLogTests {
    @Test func jsonLogLinesParseAndHoldNoSecret() async throws {
        try await TestDatabase.withFresh { configuration in
            let port = try LoopbackHTTP.freePort()
            let marker = LoopbackHTTP.uniquePublicURL("logs")
            let env = [
                "DATABASE_URL": TestDatabase.url(for: configuration),
                "LATCHKEY_MIGRATIONS": TestDatabase.packageRoot.appendingPathComponent("db").path,
                "LATCHKEY_LOG_FORMAT": "json", "LATCHKEY_LOG_LEVEL": "trace", "LATCHKEY_DRAIN_SECONDS": "0",
                "LATCHKEY_PUBLIC_URL": marker,
            ]
            var stderr = ""
            func latchkey(_ arguments: String...) throws -> CommandRunner.Output {
                let output = try CommandRunner.run("latchkey", arguments, environment: env)
                stderr += output.stderr
                return output
            }
            #expect(try latchkey("migrate").status == 0)
            #expect(try latchkey("users", "create", "--username", "alice", "--email", "alice@example.com", "--tier", "pro").status == 0)
            let key = try latchkey("keys", "issue", "--user", "alice", "--name", "ci").lines.last ?? ""
            let other = try latchkey("keys", "issue", "--user", "alice", "--name", "other").lines.last ?? ""
            let service = try latchkey("services", "issue", "--name", "billing").lines.last ?? ""
            #expect(key.hasPrefix("ct_live_") && other.hasPrefix("ct_live_") && service.hasPrefix("ct_svc_"))

            let server = try CommandRunner.start("latchkey", ["serve", "--port", String(port)], environment: env)
            #expect(try await LoopbackHTTP.waitForServer(port: port, publicURL: marker))
            let bearer = ["Authorization": "Bearer \(key)"]
            #expect(try await LoopbackHTTP.send(port: port, "/api/surveys/", headers: bearer).status == 200)
            #expect(try await LoopbackHTTP.send(port: port, "/api/surveys/", headers: ["Authorization": "Bearer ct_live_wrong"]).status == 401)
            let login = try await LoopbackHTTP.send(port: port, "/api/auth/login/", method: "POST",
                                                    headers: ["Content-Type": "application/json"], body: #"{"apikey":"\#(key)"}"#)
            let token = (try JSONSerialization.jsonObject(with: Data(login.body.utf8)) as? [String: Any])?["token-id"] as? String ?? ""
            #expect(!token.isEmpty)
            #expect(try await LoopbackHTTP.send(port: port, "/api/auth/status/", headers: ["authtoken": token]).status == 200)
            let evaluation = try await LoopbackHTTP.send(
                port: port, "/access/v1/evaluation", method: "POST",
                headers: ["Authorization": "Bearer \(service)", "Content-Type": "application/json"],
                body: #"{"subject":{"type":"api_key","id":"\#(key)"},"action":{"name":"survey.list"},"resource":{"type":"survey"}}"#)
            #expect(evaluation.status == 200)
            #expect(try await LoopbackHTTP.send(port: port, "/api/keys/current/", method: "DELETE", headers: ["Authorization": "Bearer \(other)"]).status == 204)
            server.signal(SIGTERM)
            let exit = server.wait()
            #expect(exit.status == 0)
            stderr += exit.stderr

            // The server's whole stderr is log lines (the commands also print a line for people,
            // e.g. "issued key …", which is no log line).
            let lines = exit.stderr.split(separator: "\n").map(String.init)
            #expect(lines.count > 10, "\(exit.stderr.prefix(500))")
            for line in lines {
                let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
                #expect(object != nil, "not one JSON object: \(line)")
                guard let object else { continue }
                for field in ["timestamp", "level", "label", "message"] {
                    #expect(object[field] is String, "\(field) missing: \(line)")
                }
                #expect((object["timestamp"] as? String)?.hasSuffix("Z") == true)
            }
            for secret in [key, other, service, token, String(key.dropFirst(8)), String(service.dropFirst(7))] {
                #expect(!stderr.contains(secret), "a secret reached the log")
            }
            #expect(stderr.contains("\"label\":\"latchkey.decisions\""), "the decision log is in the same format")

            var bad = env
            bad["LATCHKEY_LOG_FORMAT"] = "xml"
            let refused = try CommandRunner.run("latchkey", ["serve", "--port", String(port)], environment: bad)
            #expect(refused.status != 0 && refused.stderr.contains("LATCHKEY_LOG_FORMAT"))
        }
    }
}
