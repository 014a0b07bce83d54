import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Server
import ServerTestSupport
import Testing
import Vault

/// The decision API (SPEC §6): service authentication, key verification and AuthZEN.
@Suite struct DecisionAPITests {
    private func post(_ client: some TestClientProtocol, _ uri: String, _ body: String, service: String?) async throws -> Reply {
        try await client.send(uri, method: .post, key: service, body: body)
    }

    /// Each body posted to `uri` is a 400 whose detail names what is wrong.
    private func expectRefused(_ client: some TestClientProtocol, _ uri: String, _ bodies: [(String, String)], service: String?) async throws {
        for (body, named) in bodies {
            let reply = try await post(client, uri, body, service: service)
            #expect(reply.status == .badRequest, "\(body)")
            #expect(reply.detail?.contains(named) == true, "\(body): \(reply.text)")
        }
    }

    @Test func onlyServiceCredentialsMayCall() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let key = try await world.key(for: alice)
            let revoked = try await world.dependencies.vault.issueServiceCredential(name: "old")
            try await world.dependencies.vault.revokeServiceCredential(id: revoked.credential.id)
            let body = #"{"key":"\#(key)"}"#
            try await world.client { client in
                for credential in [nil, key, revoked.secret, "ct_svc_nonsense", world.service!.replacingOccurrences(of: "ct_svc_", with: "ct_live_")] {
                    for uri in ["/v1/keys/verify", "/access/v1/evaluation", "/access/v1/evaluations"] {
                        let reply = try await post(client, uri, body, service: credential)
                        #expect(reply.status == .unauthorized, "\(uri) with \(credential?.prefix(12) ?? "nothing")")
                        #expect(reply.headers[.wwwAuthenticate] == #"Bearer realm="decision""#)
                        #expect(reply.detail?.contains("ct_svc_") == true)
                    }
                }
                #expect(try await post(client, "/v1/keys/verify", body, service: world.service).status == .ok)
            }
        }
    }

    @Test func verifyAnswersEveryCode() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice", tier: .organisation)
            let org = try await world.organisation("acme", owner: alice)
            let valid = try await world.key(for: alice, capabilities: ["view", "edit"])
            try await world.pool.execute("UPDATE api_keys SET organisation_id = \(org), name = 'ci', expires_at = '2099-01-01T00:00:00Z'")
            let revoked = try await world.key(for: alice, revoked: true)
            let expired = try await world.key(for: alice, expiresAt: Date(timeIntervalSinceNow: -60))
            let free = try await world.key(for: try await world.user("fay", tier: .free))
            let inactive = try await world.key(for: try await world.user("ian", active: false))
            let unknown = try KeyFormat.generate(.live).secret
            let cases: [(String, String)] = [
                (valid, "VALID"), ("ct_live_short", "MALFORMED"), ("", "MALFORMED"), (unknown, "NOT_FOUND"), (revoked, "REVOKED"),
                (expired, "EXPIRED"), (free, "TIER_NO_API_ACCESS"), (inactive, "USER_INACTIVE"),
            ]
            try await world.client { client in
                for (key, code) in cases {
                    let reply = try await post(client, "/v1/keys/verify", #"{"key":"\#(key)"}"#, service: world.service)
                    #expect(reply.status == .ok)
                    #expect(reply.object["code"] as? String == code)
                    #expect(reply.object["valid"] as? Bool == (code == "VALID"))
                    #expect(Set(reply.object.keys) == ["valid", "code", "key", "user", "organisation", "meta", "ratelimit"])
                    #expect(!reply.text.contains(key) || key.isEmpty || code == "MALFORMED" && key.count < 20, "the raw key is never echoed")
                    if code == "MALFORMED" || code == "NOT_FOUND" {
                        #expect(reply.object["key"] is NSNull && reply.object["user"] is NSNull && reply.object["organisation"] is NSNull)
                    }
                }
                let reply = try await post(client, "/v1/keys/verify", #"{"key":"\#(valid)"}"#, service: world.service)
                let key = try #require(reply.object["key"] as? [String: Any])
                #expect(Set(key.keys) == ["id", "name", "prefix", "capabilities", "expires_at", "meta", "permissions", "resources"])
                #expect(key["name"] as? String == "ci")
                #expect(key["prefix"] as? String == String(valid.prefix(12)))
                #expect(key["capabilities"] as? [String] == ["view", "edit"])
                #expect(key["expires_at"] as? String == "2099-01-01T00:00:00Z")
                let user = try #require(reply.object["user"] as? [String: Any])
                #expect(user["id"] as? Int64 == alice && user["username"] as? String == "alice" && user["tier"] as? String == "organisation")
                let organisation = try #require(reply.object["organisation"] as? [String: Any])
                #expect(organisation["id"] as? Int64 == org && organisation["slug"] as? String == "acme" && organisation["name"] as? String == "ACME")

                for bad in ["", "{", "[]", #"{"key":5}"#, #"{"key":null}"#, #"{"nope":"x"}"#, "\u{FF}"] {
                    let refused = try await post(client, "/v1/keys/verify", bad, service: world.service)
                    #expect(refused.status == .badRequest, "\(bad)")
                    #expect(refused.detail?.hasPrefix("Invalid request body") == true, "\(bad): \(refused.text)")
                }
                #expect(try await post(client, "/v1/keys/verify", #"{"key":5}"#, service: world.service).detail?.contains("'key'") == true)
            }
        }
    }

    @Test func evaluationShapesAndRefusals() async throws {
        try await ServerWorld.with { world in
            let owner = try await world.user("owner")
            let outsider = try await world.user("outsider")
            let survey = try await world.survey("s1", owner: owner)
            let ownerKey = try await world.key(for: owner)
            let outsiderKey = try await world.key(for: outsider)
            @Sendable func question(_ subject: String, _ action: String = "survey.retrieve", id: String = "\(survey)") -> String {
                #"{"subject":\#(subject),"action":{"name":"\#(action)"},"resource":{"type":"survey","id":"\#(id)"},"context":{}}"#
            }
            try await world.client { client in
                let allowed = try await post(client, "/access/v1/evaluation", question(#"{"type":"api_key","id":"\#(ownerKey)"}"#), service: world.service)
                #expect(allowed.status == .ok)
                #expect(Set(allowed.object.keys) == ["decision", "context"])
                #expect(allowed.object["decision"] as? Bool == true)
                let context = try #require(allowed.object["context"] as? [String: Any])
                #expect(context["code"] as? String == "ALLOW_OWNER")
                #expect((context["reasons"] as? [String])?.isEmpty == false)

                let cases: [(String, Bool, String)] = [
                    (question(#"{"type":"api_key","id":"\#(outsiderKey)"}"#), false, "DENY_NOT_MEMBER"),
                    (question(#"{"type":"user","id":"\#(owner)"}"#), true, "ALLOW_OWNER"),
                    (question(#"{"type":"user","id":"\#(outsider)"}"#), false, "DENY_NOT_MEMBER"),
                    (question(#"{"type":"user","id":"999999"}"#), false, "DENY_UNKNOWN_SUBJECT"),
                    (question(#"{"type":"api_key","id":"ct_live_nope"}"#), false, "DENY_INVALID_KEY"),
                    (question(#"{"type":"group","id":"x"}"#), false, "DENY_SUBJECT_TYPE"),
                    (question(#"{"type":"api_key","id":"\#(ownerKey)"}"#, id: "999999"), false, "DENY_NOT_FOUND"),
                    (question(#"{"type":"api_key","id":"\#(ownerKey)"}"#, id: "abc"), false, "DENY_NOT_FOUND"),
                    (question(#"{"type":"api_key","id":"\#(ownerKey)"}"#, "survey.list"), true, "ALLOW_FILTERED"),
                    (question(#"{"type":"api_key","id":"\#(ownerKey)"}"#, "dataset.retrieve"), false, "DENY_RESOURCE_MISMATCH"),
                    (question(#"{"type":"api_key","id":"\#(ownerKey)"}"#, "rocket.launch"), false, "DENY_RESOURCE_MISMATCH"),
                ]
                for (body, decision, code) in cases {
                    let reply = try await post(client, "/access/v1/evaluation", body, service: world.service)
                    #expect(reply.status == .ok, "\(body)")
                    #expect(reply.object["decision"] as? Bool == decision, "\(body): \(reply.text)")
                    #expect((reply.object["context"] as? [String: Any])?["code"] as? String == code, "\(body): \(reply.text)")
                    #expect(!reply.text.contains(ownerKey))
                }

                let malformed: [(String, String)] = [
                    ("", "body"), ("{}", "'subject'"), (#"{"subject":{"type":"user","id":"1"}}"#, "'action'"),
                    (#"{"subject":{"type":"user","id":"1"},"action":{"name":"survey.retrieve"}}"#, "'resource'"),
                    (#"{"subject":{"type":"user","id":1},"action":{"name":"x.y"},"resource":{"type":"survey"}}"#, "'subject.id'"),
                    (#"{"subject":{"type":"user","id":"1"},"action":{"name":"Survey Retrieve"},"resource":{"type":"survey"}}"#, "'action.name'"),
                    (#"{"subject":{"type":"user","id":"1"},"action":"survey.retrieve","resource":{"type":"survey"}}"#, "'action'"),
                    (#"{"subject":{"type":"user","id":"1"},"action":{"name":"x.y"},"resource":{"type":"survey"},"context":[]}"#, "'context'"),
                ]
                try await expectRefused(client, "/access/v1/evaluation", malformed, service: world.service)
            }
        }
    }

    @Test func batchesKeepOrderApplyDefaultsAndCapAtAThousand() async throws {
        try await ServerWorld.with { world in
            let owner = try await world.user("owner")
            let other = try await world.user("other")
            let mine = try await world.survey("mine", owner: owner)
            let theirs = try await world.survey("theirs", owner: other)
            let key = try await world.key(for: owner)
            try await world.client { client in
                let body = #"""
                    {"subject":{"type":"api_key","id":"\#(key)"},"action":{"name":"survey.retrieve"},
                     "evaluations":[
                       {"resource":{"type":"survey","id":"\#(mine)"}},
                       {"resource":{"type":"survey","id":"\#(theirs)"}},
                       {"subject":{"type":"user","id":"\#(other)"},"resource":{"type":"survey","id":"\#(theirs)"}},
                       {"action":{"name":"survey.list"},"resource":{"type":"survey"}},
                       {"resource":{"type":"survey","id":"424242"}}]}
                    """#
                let reply = try await post(client, "/access/v1/evaluations", body, service: world.service)
                #expect(reply.status == .ok)
                let items = try #require(reply.object["evaluations"] as? [[String: Any]])
                #expect(items.map { $0["decision"] as? Bool } == [true, false, true, true, false])
                #expect(items.map { ($0["context"] as? [String: Any])?["code"] as? String }
                    == ["ALLOW_OWNER", "DENY_NOT_MEMBER", "ALLOW_OWNER", "ALLOW_FILTERED", "DENY_NOT_FOUND"])

                let denyFirst = try await post(client, "/access/v1/evaluations", body.replacingOccurrences(
                    of: #""evaluations":["#, with: #""options":{"evaluations_semantic":"deny_on_first_deny"},"evaluations":["#), service: world.service)
                #expect((denyFirst.object["evaluations"] as? [Any])?.count == 2)

                // No items: the defaults are the one evaluation.
                let single = try await post(client, "/access/v1/evaluations",
                    #"{"subject":{"type":"api_key","id":"\#(key)"},"action":{"name":"survey.retrieve"},"resource":{"type":"survey","id":"\#(mine)"}}"#,
                    service: world.service)
                #expect((single.object["evaluations"] as? [[String: Any]])?.map { $0["decision"] as? Bool } == [true])

                let missing = try await post(client, "/access/v1/evaluations", #"{"evaluations":[{"resource":{"type":"survey","id":"1"}}]}"#, service: world.service)
                // A malformed item is answered on its own (AuthZEN per-item errors); the rest are decided.
                let answered = missing.object["evaluations"] as? [[String: Any]] ?? []
                let error = (answered.first?["context"] as? [String: Any])?["error"] as? [String: Any]
                #expect(missing.status == .ok && answered.count == 1 && answered[0]["decision"] as? Bool == false)
                #expect((error?["message"] as? String)?.contains("evaluations[0].subject") == true && error?["status"] as? Int == 400)
                let mixed = try await post(client, "/access/v1/evaluations",
                    #"{"subject":{"type":"api_key","id":"\#(key)"},"evaluations":[{"action":{"name":"nonsense"},"resource":{"type":"survey","id":"\#(mine)"}},"#
                    + #"{"action":{"name":"survey.retrieve"},"resource":{"type":"survey","id":"\#(mine)"}}]}"#, service: world.service)
                #expect((mixed.object["evaluations"] as? [[String: Any]])?.map { $0["decision"] as? Bool } == [false, true])
                #expect(mixed.headers[HTTPFields.Element.Name("X-Request-ID")!]?.isEmpty == false)

                let surveys = [mine, theirs]
                let thousand = (0..<1000).map { #"{"resource":{"type":"survey","id":"\#(surveys[$0 % 2])"}}"# }.joined(separator: ",")
                let big = try await post(client, "/access/v1/evaluations",
                    #"{"subject":{"type":"api_key","id":"\#(key)"},"action":{"name":"survey.retrieve"},"evaluations":[\#(thousand)]}"#,
                    service: world.service)
                #expect(big.status == .ok)
                let decisions = (big.object["evaluations"] as? [[String: Any]])?.map { $0["decision"] as? Bool } ?? []
                #expect(decisions.count == 1000)
                #expect(decisions == (0..<1000).map { $0 % 2 == 0 })

                let tooMany = try await post(client, "/access/v1/evaluations",
                    #"{"subject":{"type":"api_key","id":"\#(key)"},"action":{"name":"survey.retrieve"},"evaluations":[\#(thousand),{}]}"#,
                    service: world.service)
                #expect(tooMany.status == .badRequest)
                #expect(tooMany.detail?.contains("1000") == true)
            }
        }
    }

    /// The batch body is read straight from its bytes: escaped member names still match, unknown
    /// members are skipped (but must be JSON), a syntax error is reported as such even after a
    /// problem found earlier in the body, and every answer says its server time.
    @Test func batchBodiesAreReadStrictlyAndTimed() async throws {
        try await ServerWorld.with { world in
            let owner = try await world.user("owner")
            let mine = try await world.survey("mine", owner: owner)
            let key = try await world.key(for: owner)
            try await world.client { client in
                let escaped = #"{"su\u0062ject":{"type":"api_key","id":"\#(key)"},"action":{"name":"survey.retrieve","extra":[1,{"a":null}]},"#
                    + #""evaluations":[{"resource":{"type":"survey","id":"\#(mine)","n\u00e9":true}}],"options":{"other":1}}"#
                let reply = try await post(client, "/access/v1/evaluations", escaped, service: world.service)
                #expect(reply.status == .ok, "\(reply.text)")
                #expect((reply.object["evaluations"] as? [[String: Any]])?.first?["decision"] as? Bool == true)
                let timing = try #require(reply.headers[HTTPFields.Element.Name("Server-Timing")!])
                #expect(timing.wholeMatch(of: /app;dur=\d+\.\d{3}/) != nil, "\(timing)")
                let single = try await post(client, "/access/v1/evaluation",
                    #"{"subject":{"type":"api_key","id":"\#(key)"},"action":{"name":"survey.retrieve"},"resource":{"type":"survey","id":"\#(mine)"}}"#,
                    service: world.service)
                #expect(single.headers[HTTPFields.Element.Name("Server-Timing")!]?.hasPrefix("app;dur=") == true)

                let refused: [(String, String)] = [
                    // The first item's subject is wrong, and the body is cut short later on: not JSON.
                    (#"{"evaluations":[{"subject":5},{"resource":{"type":"survey","id":"1"}"#, "not valid JSON"),
                    (#"{"evaluations":[{"subject":5}]}"#, "'evaluations[0].subject' must be an object"),
                    (#"{"evaluations":{}}"#, "'evaluations' must be an array"),
                    (#"{"evaluations":[7]}"#, "'evaluations[0]' must be an object"),
                    (#"{"options":{"evaluations_semantic":"all"},"evaluations":[]}"#, "'options.evaluations_semantic' must be one of"),
                    (#"{"evaluations":[],"context":{"x":[1,2,}}"#, "not valid JSON"),
                    (#"{"evaluations":[{"resource":{"type":"survey","properties":[]}}]}"#, "'evaluations[0].resource.properties' must be an object"),
                    ("[]", "the body must be a JSON object"),
                ]
                try await expectRefused(client, "/access/v1/evaluations", refused, service: world.service)
            }
        }
    }

    @Test func configurationDocument() async throws {
        try await ServerWorld.with { world in
            try await world.client(settings: APISettings(publicURL: "https://authz.example.com")) { client in
                let reply = try await client.send("/.well-known/authzen-configuration")
                #expect(reply.status == .ok)
                #expect(reply.object["policy_decision_point"] as? String == "https://authz.example.com")
                #expect(reply.object["access_evaluation_endpoint"] as? String == "https://authz.example.com/access/v1/evaluation")
                #expect(reply.object["access_evaluations_endpoint"] as? String == "https://authz.example.com/access/v1/evaluations")
            }
        }
    }

    @Test func decisionsAreLoggedWithoutSecrets() async throws {
        try await ServerWorld.with { world in
            let owner = try await world.user("owner")
            let survey = try await world.survey("s1", owner: owner)
            let key = try await world.key(for: owner)
            let log = DecisionLog(enabled: true)
            try await world.client(shared: APIDependencies(decisionLog: log)) { client in
                _ = try await post(client, "/access/v1/evaluations", #"""
                    {"subject":{"type":"api_key","id":"\#(key)"},"action":{"name":"survey.retrieve"},
                     "evaluations":[{"resource":{"type":"survey","id":"\#(survey)"}},{"resource":{"type":"survey","id":"77"}}]}
                    """#, service: world.service)
            }
            log.finish()
            let records = RecordedLogs()
            let logger = Logger(label: "decisions") { _ in records }
            try await DecisionLogWriter(log: log, logger: logger).run()
            let lines = records.lines
            #expect(lines.count == 2)
            let keyID = try await world.pool.query("SELECT id FROM api_keys")[0].decode(UUID.self, at: 0)
            for line in lines {
                #expect(!line.contains(key))
                #expect(line.contains(keyID.uuidString))
                #expect(line.contains(String(key.prefix(12))))
                #expect(line.contains("agreement"), "the calling service is named")
            }
            #expect(lines[0].contains("ALLOW_OWNER") && lines[1].contains("DENY_NOT_FOUND"))
        }
    }

    /// Client-chosen strings (resource ids, types) never carry a key or a forged line
    /// into the decision log.
    @Test func theDecisionLogKeepsNothingShapedLikeACredentialNorALineBreak() async throws {
        try await ServerWorld.with { world in
            let owner = try await world.user("owner")
            let key = try await world.key(for: owner)
            let other = try await world.key(for: owner)
            let service = try #require(world.service)
            let log = DecisionLog(enabled: true)
            try await world.client(shared: APIDependencies(decisionLog: log)) { client in
                let evil = "\\n2026-01-01 forged record \(other) \(service)"
                _ = try await post(client, "/access/v1/evaluation", #"""
                    {"subject":{"type":"api_key","id":"\#(key)"},"action":{"name":"survey.retrieve"},
                     "resource":{"type":"survey","id":"\#(evil)"}}
                    """#, service: world.service)
            }
            log.finish()
            let records = RecordedLogs()
            try await DecisionLogWriter(log: log, logger: Logger(label: "decisions") { _ in records }).run()
            let lines = records.lines
            #expect(lines.count == 1)
            for line in lines {
                #expect(!line.contains(other) && !line.contains(service) && !line.contains(key), "\(line)")
                #expect(!line.contains(String(other.dropFirst(8).prefix(20))), "\(line)")
                #expect(!line.contains("\n") && !line.contains("\r"), "\(line)")
            }
            #expect(lines.joined().contains("[redacted]"))
        }
    }
}

/// A log handler that keeps every record as one line.
final class RecordedLogs: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    var lines: [String] { lock.withLock { stored } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        lock.withLock { stored.append("\(event.message) \(fields)") }
    }
}
