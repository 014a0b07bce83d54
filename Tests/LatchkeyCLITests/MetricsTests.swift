import Foundation
import Postgres
import TestSupport
import Testing

/// `LATCHKEY_METRICS_PORT` (SPEC §12): after a run that uses keys, asks decisions and revokes,
/// the metrics listener's text parses — every family typed, route labels are templates, no
/// raw path or id is a label value — and holds the families the spec names. The public port
/// does not serve it.
@Suite struct MetricsTests {
    @Test func metricsTextParsesWithTemplatesNotPaths() async throws {
        try await TestDatabase.withFresh { configuration in
            let port = try LoopbackHTTP.freePort(), metricsPort = try LoopbackHTTP.freePort()
            let marker = LoopbackHTTP.uniquePublicURL("metrics")
            let env = [
                "DATABASE_URL": TestDatabase.url(for: configuration),
                "LATCHKEY_MIGRATIONS": TestDatabase.packageRoot.appendingPathComponent("db").path,
                "LATCHKEY_METRICS_PORT": String(metricsPort), "LATCHKEY_DRAIN_SECONDS": "0", "LATCHKEY_PUBLIC_URL": marker,
            ]
            func latchkey(_ arguments: String...) throws -> CommandRunner.Output { try CommandRunner.run("latchkey", arguments, environment: env) }
            #expect(try latchkey("migrate").status == 0)
            #expect(try latchkey("users", "create", "--username", "alice", "--email", "alice@example.com", "--tier", "pro").status == 0)
            let key = try latchkey("keys", "issue", "--user", "alice", "--name", "ci").lines.last ?? ""
            let other = try latchkey("keys", "issue", "--user", "alice", "--name", "other").lines.last ?? ""
            let service = try latchkey("services", "issue", "--name", "billing").lines.last ?? ""

            let server = try CommandRunner.start("latchkey", ["serve", "--port", String(port)], environment: env)
            defer { server.signal(SIGTERM); _ = server.wait() }
            #expect(try await LoopbackHTTP.waitForServer(port: port, publicURL: marker))
            let bearer = ["Authorization": "Bearer \(key)"]
            for _ in 0..<3 { _ = try await LoopbackHTTP.send(port: port, "/api/surveys/", headers: bearer) }
            _ = try await LoopbackHTTP.send(port: port, "/api/surveys/4242/", headers: bearer)
            _ = try await LoopbackHTTP.send(port: port, "/api/surveys/", headers: ["Authorization": "Bearer ct_live_nope"])
            _ = try await LoopbackHTTP.send(port: port, "/no/such/path/987")
            _ = try await LoopbackHTTP.send(
                port: port, "/access/v1/evaluations", method: "POST",
                headers: ["Authorization": "Bearer \(service)", "Content-Type": "application/json"],
                body: #"{"subject":{"type":"api_key","id":"\#(key)"},"evaluations":[{"action":{"name":"survey.retrieve"},"resource":{"type":"survey","id":"7"}},{"action":{"name":"spaceship.launch"},"resource":{"type":"spaceship","id":"1"}}]}"#)
            #expect(try await LoopbackHTTP.send(port: port, "/api/keys/current/", method: "DELETE", headers: ["Authorization": "Bearer \(other)"]).status == 204)
            #expect(try await LoopbackHTTP.send(port: port, "/metrics").status == 404, "never on the public port")

            // Key uses are flushed every 2 s (SPEC §13): wait until the flushes have counted the
            // rows of the uses above (a first flush may have come between them), at most 10 s.
            func flushedRows(_ text: String) -> Double {
                Self.parse(text).samples.first { $0.name == "latchkey_usage_flushed_rows_total" }?.value ?? 0
            }
            var scrape = try await LoopbackHTTP.send(port: metricsPort, "/metrics")
            for _ in 0..<100 where flushedRows(scrape.body) < 2 {
                try await Task.sleep(for: .milliseconds(100))
                scrape = try await LoopbackHTTP.send(port: metricsPort, "/metrics")
            }
            #expect(scrape.status == 200)
            let (types, samples) = Self.parse(scrape.body)
            #expect(samples.count > 20)
            for sample in samples {
                let family = types.keys.first { [$0, $0 + "_bucket", $0 + "_sum", $0 + "_count"].contains(sample.name) }
                #expect(family != nil, "untyped sample \(sample.name)")
                for (name, value) in sample.labels where name != "le" {
                    switch name {
                    case "http_response_status_code", "error_type":
                        #expect(value.count == 3 && value.allSatisfy(\.isNumber), "\(sample.name){\(name)=\"\(value)\"}")
                    case "http_route":
                        // A template: no segment is a number (the ids asked about were 4242 and 987).
                        let segments = value.split(separator: "/")
                        #expect(["NotFound", "Unknown"].contains(value) || value.hasPrefix("/") && !segments.contains { $0.allSatisfy(\.isNumber) },
                                "a raw path in \(sample.name){\(name)=\"\(value)\"}")
                    default:
                        #expect(!value.contains("/") && !value.allSatisfy(\.isNumber), "an id or path in \(sample.name){\(name)=\"\(value)\"}")
                    }
                }
            }
            let routes = Set(samples.compactMap { $0.labels["http_route"] })
            #expect(routes.contains("/api/surveys") && routes.contains("/api/surveys/{id}"), "\(routes)")
            let families = Set(types.keys)
            for expected in ["hb_requests", "http_server_request_duration", "latchkey_key_verifications_total", "latchkey_verification_cache_total",
                             "latchkey_decisions_total", "latchkey_db_pool_connections", "latchkey_db_pool_waiters", "latchkey_db_pool_size",
                             "latchkey_db_query_duration_seconds", "latchkey_change_listener_connected", "latchkey_revocations_total",
                             "latchkey_usage_flushed_rows_total", "latchkey_usage_flush_seconds"] {
                #expect(families.contains(expected), "\(expected) missing")
            }
            #expect(samples.contains { $0.name == "latchkey_key_verifications_total" && $0.labels["code"] == "VALID" && $0.value >= 3 })
            #expect(samples.contains { $0.name == "latchkey_decisions_total" && $0.labels["action"] == "unknown" })
            #expect(samples.contains { $0.name == "latchkey_revocations_total" && $0.labels["cause"] == "request" && $0.value == 1 })
            #expect(samples.contains { $0.name == "latchkey_change_listener_connected" && $0.value == 1 })
            // Rows of the keys' hours and outcomes: the valid uses of `key` and the revoking use of `other` at least.
            #expect(samples.contains { $0.name == "latchkey_usage_flushed_rows_total" && $0.value >= 2 })
        }
    }

    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    /// The `# TYPE` of each family, and every sample, from Prometheus's text format.
    static func parse(_ text: String) -> (types: [String: String], samples: [Sample]) {
        var types: [String: String] = [:]
        var samples: [Sample] = []
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                if parts.count == 4 { types[String(parts[2])] = String(parts[3]) }
                continue
            }
            if line.hasPrefix("#") || line.isEmpty { continue }
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                Issue.record("unparsable sample: \(line)")
                continue
            }
            let head = String(line[..<space])
            var labels: [String: String] = [:]
            var name = head
            if let brace = head.firstIndex(of: "{"), head.hasSuffix("}") {
                name = String(head[..<brace])
                let body = head[head.index(after: brace)..<head.index(before: head.endIndex)]
                // Label values hold no `",` here (no raw input reaches them), so a plain split serves.
                for pair in body.split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2 else { continue }
                    labels[String(parts[0])] = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                }
            }
            samples.append(Sample(name: name, labels: labels, value: value))
        }
        return (types, samples)
    }
}
