import Federation
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import ServerTestSupport
import Testing
import Vault

/// The served OpenAPI document cannot drift from the server: real answers of every documented
/// operation — every plugin, the session API, the decision API — are checked against the
/// schema the document gives for their status, and every status met must be documented.
@Suite struct SchemaConformanceTests {
    /// One request: the documented path it exercises, and how to send it.
    struct Call {
        var path: String
        var method: HTTPRequest.Method
        var uri: String
        var body: String? = nil
        var headers: HTTPFields = [:]
    }

    @Test func everyOperationAnswersAsDocumented() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice", tier: .organisation)
            let bob = try await world.user("bob", tier: .organisation)
            let dan = try await world.user("dan", tier: .organisation)
            let acme = try await world.organisation("acme", owner: alice, members: [(alice, "admin"), (bob, "viewer"), (dan, "viewer")])
            let survey = try await world.survey("s1", owner: alice, organisation: acme)
            let doomed = try await world.survey("s2", owner: alice, organisation: acme)
            try await world.pool.execute("INSERT INTO survey_responses (survey_id, submitted_at) VALUES (\(survey), now())")
            try await world.dataset("acme-list", organisation: acme, createdBy: alice, options: ["a"], tags: ["t"])
            try await world.dataset("global", global: true, tags: ["t"])
            let template = try await world.template("PHQ-9", publisher: alice, attribution: #"{"author":"x"}"#)
            _ = try await world.template("Acme form", publisher: alice, level: "organisation", organisation: acme)
            let key = try await world.key(for: alice, organisation: acme, capabilities: ["view", "add", "edit", "delete", "superuser"])
            let viewOnly = try await world.key(for: bob, organisation: acme)
            // dan's: bob leaves acme below, and his keys there with him (SPEC §2 offboarding).
            let throwaway = try await world.key(for: dan, organisation: acme)
            let rolled = try await world.key(for: dan, organisation: acme)
            let service = try #require(world.service)
            let bearer: HTTPFields = [.authorization: "Bearer \(key)"]
            let viewOnlyID = try await world.pool.query("SELECT id FROM api_keys WHERE hash = \(Data(try KeyFormat.parse(viewOnly, as: .live).digest.bytes))")[0]
                .decode(UUID.self, at: 0).uuidString.lowercased()
            let serviceAuth: HTTPFields = [.authorization: "Bearer \(service)"]
            let documentText = try await world.client { client in try await client.send("/api/schema").text }
            // SSO: an enterprise member, the organisation's trust, and an ID token for them.
            let erin = try await world.user("erin", tier: .enterprise)
            try await world.pool.execute("INSERT INTO organisation_memberships (organisation_id, user_id, role) VALUES (\(acme), \(erin), 'viewer')")
            let idp = try JWSSigner(.es256, keyID: "k1")
            let jwks = String(decoding: try JSONSerialization.data(withJSONObject: ["keys": [idp.jwk]]), as: UTF8.self)
            _ = try await SSOTrustStore(pool: world.pool).save(SSOTrust(organisationSlug: "acme", issuer: "https://idp.example.com", audience: "latchkey", keys: .document(jwks)))
            let now = Int(Date().timeIntervalSince1970)
            let idToken = try idp.sign(claims: #"{"iss":"https://idp.example.com","aud":"latchkey","sub":"e","email":"erin@example.com","email_verified":true,"iat":\#(now),"exp":\#(now + 300)}"#)
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let exchange = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aid_token&subject_token="

            // GitHub's secret scanning: a signed alert (a 200 with feedback) and an unsigned one.
            let github = try GitHubScanner()
            let alert = GitHubScanner.alert(["ct_live_nothing"])
            let signed = try github.headers(alert)

            // Webhooks (SPEC §14): one endpoint with a delivery, to list, read and delete.
            let hook = try await world.pool.query("""
                INSERT INTO webhook_endpoints (organisation_id, url, events, secret) VALUES (\(acme), 'https://hooks.example.com/a', '{key.issued}', 'v1:x')
                RETURNING id
                """)[0].decode(UUID.self, at: 0).uuidString.lowercased()
            try await world.pool.execute("""
                INSERT INTO webhook_deliveries (endpoint_id, event_id, type, status, attempt, duration_ms)
                VALUES (\(UUID(uuidString: hook)!), 'msg_1', 'key.issued', 500, 1, 12)
                """)
            // Key requests (SPEC §14) in beta, which requires approval: two pending, one approved.
            let rita = try await world.user("rita", tier: .organisation)
            let olga = try await world.user("olga", tier: .organisation)
            let beta = try await world.organisation("beta", owner: olga, members: [(rita, "viewer")])
            try await world.pool.execute("INSERT INTO key_policies (organisation_id, require_approval) VALUES (\(beta), true)")
            let betaAdmin: HTTPFields = [.authorization: "Bearer \(try await world.key(for: olga, organisation: beta, capabilities: ["view", "superuser"]))"]
            let requester: HTTPFields = [.authorization: "Bearer \(try await world.key(for: rita))"]
            var made: [String] = []
            for name in ["r1", "r2", "r3"] {
                let terms = try KeyTerms(name: name, expiresAt: nil, allowedCIDRs: [])
                made.append(try await world.dependencies.vault.requestKey(
                    userID: rita, organisation: .name("beta"), terms: terms, capabilities: .view, reason: "tests", via: "test").id.uuidString.lowercased())
            }
            let asked = made
            _ = try await world.dependencies.vault.decideKeyRequest(UUID(uuidString: asked[2])!, organisationID: beta, approve: true, note: nil, by: olga, via: "test")
            let betaRequests = "/api/organisations/beta/key-requests/"
            let viewOnlyBearer: HTTPFields = [.authorization: "Bearer \(viewOnly)"]
            let webhooks = "/api/organisations/acme/webhooks/"
            let settings = APISettings(secretBox: SecretBox(key: [UInt8](repeating: 3, count: 32)))
            let results = try await world.client(settings: settings, shared: try github.dependencies()) { client -> [(Call, Reply)] in
                let token = try await client.send("/api/auth/login/", method: .post, body: #"{"apikey":"\#(key)"}"#)
                    .object["token-id"] as? String ?? ""
                let session: HTTPFields = [HTTPFields.Element.Name("authtoken")!: token]
                let single = #"{"subject":{"type":"api_key","id":"\#(key)"},"action":{"name":"survey.retrieve"},"resource":{"type":"survey","id":"\#(survey)"}}"#
                let calls: [Call] = [
                    Call(path: "/api/health", method: .get, uri: "/api/health"),
                    Call(path: "/api/ready", method: .get, uri: "/api/ready"),
                    Call(path: "/api/schema", method: .get, uri: "/api/schema"),
                    Call(path: "/api/schema", method: .get, uri: "/api/schema?format=yaml"),
                    Call(path: "/api/docs", method: .get, uri: "/api/docs"),
                    Call(path: "/api/redoc", method: .get, uri: "/api/redoc"),
                    Call(path: "/api/docs.css", method: .get, uri: "/api/docs.css"),
                    Call(path: "/.well-known/authzen-configuration", method: .get, uri: "/.well-known/authzen-configuration"),
                    Call(path: "/.well-known/authzen-configuration/{slug}", method: .get, uri: "/.well-known/authzen-configuration/acme"),
                    Call(path: "/.well-known/authzen-configuration/{slug}", method: .get, uri: "/.well-known/authzen-configuration/no-such-org"),
                    // Sessions.
                    Call(path: "/api/auth/login/", method: .post, uri: "/api/auth/login/", body: #"{"apikey":"\#(key)"}"#),
                    Call(path: "/api/auth/login/", method: .post, uri: "/api/auth/login/", body: #"{"apikey":"ct_live_bad"}"#),
                    Call(path: "/api/auth/login/", method: .post, uri: "/api/auth/login/", body: #"{"nope":1}"#),
                    Call(path: "/api/token", method: .post, uri: "/api/token", body: #"{"apikey":"\#(key)"}"#),
                    Call(path: "/api/auth/status/", method: .get, uri: "/api/auth/status/", headers: session),
                    Call(path: "/api/auth/status/", method: .get, uri: "/api/auth/status/", headers: bearer),
                    // Surveys.
                    Call(path: "/api/surveys/", method: .get, uri: "/api/surveys/", headers: bearer),
                    Call(path: "/api/surveys/", method: .get, uri: "/api/surveys/?limit=1", headers: session),
                    Call(path: "/api/surveys/", method: .get, uri: "/api/surveys/"),
                    Call(path: "/api/surveys/", method: .post, uri: "/api/surveys/",
                         body: #"{"name":"New","slug":"new","organisation":\#(acme),"start_at":"2026-12-01T09:00:00Z"}"#, headers: bearer),
                    Call(path: "/api/surveys/", method: .post, uri: "/api/surveys/", body: #"{"name":"New"}"#, headers: bearer),
                    Call(path: "/api/surveys/{id}/", method: .get, uri: "/api/surveys/\(survey)/", headers: bearer),
                    Call(path: "/api/surveys/{id}/", method: .get, uri: "/api/surveys/999999/", headers: bearer),
                    Call(path: "/api/surveys/{id}/", method: .put, uri: "/api/surveys/\(survey)/", body: #"{"name":"S","slug":"s1"}"#, headers: bearer),
                    Call(path: "/api/surveys/{id}/", method: .patch, uri: "/api/surveys/\(survey)/", body: #"{"status":"closed"}"#, headers: bearer),
                    Call(path: "/api/surveys/{id}/", method: .patch, uri: "/api/surveys/\(survey)/", body: #"{"status":"x"}"#, headers: bearer),
                    Call(path: "/api/surveys/{id}/", method: .delete, uri: "/api/surveys/\(survey)/", headers: [.authorization: "Bearer \(viewOnly)"]),
                    Call(path: "/api/surveys/{id}/", method: .delete, uri: "/api/surveys/\(doomed)/", headers: bearer),
                    Call(path: "/api/surveys/{id}/metrics/responses/", method: .get, uri: "/api/surveys/\(survey)/metrics/responses/", headers: bearer),
                    // Datasets.
                    Call(path: "/api/datasets/", method: .get, uri: "/api/datasets/"),
                    Call(path: "/api/datasets/", method: .get, uri: "/api/datasets/?limit=1&search=acme+list", headers: bearer),
                    Call(path: "/api/datasets/", method: .post, uri: "/api/datasets/",
                         body: #"{"key":"made","name":"Made","organisation":\#(acme),"options":["x"],"tags":["t"]}"#, headers: bearer),
                    Call(path: "/api/datasets/available-tags/", method: .get, uri: "/api/datasets/available-tags/", headers: bearer),
                    Call(path: "/api/datasets/{key}/", method: .get, uri: "/api/datasets/acme-list/", headers: bearer),
                    Call(path: "/api/datasets/{key}/", method: .get, uri: "/api/datasets/none/", headers: bearer),
                    Call(path: "/api/datasets/{key}/", method: .put, uri: "/api/datasets/made/", body: #"{"name":"Made again"}"#, headers: bearer),
                    Call(path: "/api/datasets/{key}/", method: .patch, uri: "/api/datasets/made/", body: #"{"description":"d"}"#, headers: bearer),
                    Call(path: "/api/datasets/{key}/", method: .patch, uri: "/api/datasets/global/", body: #"{"name":"x"}"#, headers: bearer),
                    Call(path: "/api/datasets/{key}/", method: .delete, uri: "/api/datasets/made/", headers: bearer),
                    // Templates.
                    Call(path: "/api/question-group-templates/", method: .get, uri: "/api/question-group-templates/", headers: bearer),
                    Call(path: "/api/question-group-templates/", method: .get, uri: "/api/question-group-templates/?limit=1", headers: bearer),
                    Call(path: "/api/question-group-templates/", method: .get, uri: "/api/question-group-templates/?ordering=bad", headers: bearer),
                    Call(path: "/api/question-group-templates/{id}/", method: .get, uri: "/api/question-group-templates/\(template)/", headers: bearer),
                    // The directory.
                    Call(path: "/api/user/", method: .get, uri: "/api/user/", headers: bearer),
                    Call(path: "/api/user/", method: .get, uri: "/api/user/?limit=1&is_active=True", headers: bearer),
                    Call(path: "/api/user/", method: .post, uri: "/api/user/", body: #"{"username":"carol","email":"carol@example.com"}"#, headers: bearer),
                    Call(path: "/api/user/{id}/", method: .get, uri: "/api/user/\(bob)/", headers: bearer),
                    Call(path: "/api/user/{id}/", method: .put, uri: "/api/user/\(bob)/", body: #"{"email":"bob@example.com","role":"creator"}"#, headers: bearer),
                    Call(path: "/api/user/{id}/", method: .patch, uri: "/api/user/\(bob)/", body: #"{"first_name":"Bob"}"#, headers: bearer),
                    Call(path: "/api/user/{id}/", method: .patch, uri: "/api/user/\(alice)/", body: #"{"role":"viewer"}"#, headers: bearer),
                    Call(path: "/api/user/{id}/", method: .delete, uri: "/api/user/\(bob)/", headers: bearer),
                    // The decision API.
                    Call(path: "/v1/keys/verify", method: .post, uri: "/v1/keys/verify", body: #"{"key":"\#(key)"}"#, headers: serviceAuth),
                    Call(path: "/v1/keys/verify", method: .post, uri: "/v1/keys/verify", body: #"{"key":"ct_live_x"}"#, headers: serviceAuth),
                    Call(path: "/v1/keys/verify", method: .post, uri: "/v1/keys/verify", body: #"{"key":"\#(key)"}"#, headers: bearer),
                    // The gateway check (SPEC §16): headers only.
                    Call(path: "/v1/gateway/check", method: .get, uri: "/v1/gateway/check",
                         headers: [.authorization: "Bearer \(key)", .init("X-Original-Method")!: "GET", .init("X-Original-URI")!: "/orders/1"]),
                    Call(path: "/v1/gateway/check", method: .get, uri: "/v1/gateway/check", headers: bearer),
                    Call(path: "/v1/gateway/check", method: .get, uri: "/v1/gateway/check",
                         headers: [.init("X-Original-Method")!: "GET", .init("X-Original-URI")!: "/orders/1"]),
                    Call(path: "/v1/gateway/check", method: .get, uri: "/v1/gateway/check",
                         headers: [.authorization: "Bearer \(viewOnly)", .init("X-Original-Method")!: "DELETE", .init("X-Original-URI")!: "/orders/1"]),
                    Call(path: "/access/v1/evaluation", method: .post, uri: "/access/v1/evaluation", body: single, headers: serviceAuth),
                    Call(path: "/access/v1/evaluation", method: .post, uri: "/access/v1/evaluation", body: "{}", headers: serviceAuth),
                    Call(path: "/access/v1/evaluations", method: .post, uri: "/access/v1/evaluations",
                         body: #"{"subject":{"type":"api_key","id":"\#(key)"},"action":{"name":"survey.retrieve"},"evaluations":[{"resource":{"type":"survey","id":"\#(survey)"}},{"resource":{"type":"survey","id":"1"}}]}"#,
                         headers: serviceAuth),
                    Call(path: "/access/v1/search/resource", method: .post, uri: "/access/v1/search/resource",
                         body: #"{"subject":{"type":"api_key","id":"\#(key)"},"action":{"name":"survey.retrieve"},"resource":{"type":"survey"},"page":{"limit":1}}"#,
                         headers: serviceAuth),
                    Call(path: "/access/v1/search/resource", method: .post, uri: "/access/v1/search/resource",
                         body: #"{"subject":{"type":"api_key","id":"\#(key)"},"action":{"name":"survey.create"},"resource":{"type":"survey"}}"#,
                         headers: serviceAuth),
                    Call(path: "/access/v1/search/subject", method: .post, uri: "/access/v1/search/subject",
                         body: #"{"subject":{"type":"user"},"action":{"name":"survey.update"},"resource":{"type":"survey","id":"\#(survey)"}}"#,
                         headers: serviceAuth),
                    Call(path: "/access/v1/search/action", method: .post, uri: "/access/v1/search/action",
                         body: #"{"subject":{"type":"api_key","id":"\#(key)"},"resource":{"type":"survey","id":"\#(survey)"}}"#,
                         headers: serviceAuth),
                    // The presenting key: describe, roll (then again: 409), revoke.
                    Call(path: "/api/keys/current/", method: .get, uri: "/api/keys/current/", headers: bearer),
                    Call(path: "/api/keys/current/roll/", method: .post, uri: "/api/keys/current/roll/", body: #"{"grace_hours":1}"#,
                         headers: [.authorization: "Bearer \(rolled)"]),
                    Call(path: "/api/keys/current/roll/", method: .post, uri: "/api/keys/current/roll/", body: "{}", headers: [.authorization: "Bearer \(rolled)"]),
                    Call(path: "/api/keys/current/roll/", method: .post, uri: "/api/keys/current/roll/", body: #"{"grace_hours":500}"#, headers: bearer),
                    Call(path: "/api/keys/current/", method: .delete, uri: "/api/keys/current/", headers: [.authorization: "Bearer \(throwaway)"]),
                    // The audit log: a page, and a bad filter.
                    Call(path: "/api/audit/", method: .get, uri: "/api/audit/?limit=2", headers: bearer),
                    Call(path: "/api/audit/", method: .get, uri: "/api/audit/?since=yesterday", headers: bearer),
                    // The key policy: read, replaced (require_passkey only: nothing is blocked), a bad body, another slug.
                    Call(path: "/api/organisations/{slug}/key-policy/", method: .get, uri: "/api/organisations/acme/key-policy/", headers: bearer),
                    Call(path: "/api/organisations/{slug}/key-policy/", method: .put, uri: "/api/organisations/acme/key-policy/",
                         body: #"{"max_lifetime_days":null,"require_expiry":false,"require_allowed_cidrs":false,"max_capabilities":null,"require_approval":false,"require_passkey":true}"#,
                         headers: bearer),
                    Call(path: "/api/organisations/{slug}/key-policy/", method: .put, uri: "/api/organisations/acme/key-policy/",
                         body: #"{"max_lifetime_days":0}"#, headers: bearer),
                    Call(path: "/api/organisations/{slug}/key-policy/", method: .get, uri: "/api/organisations/globex/key-policy/", headers: bearer),
                    // Usage: the key's own, one key's and every key's, and bad parameters.
                    Call(path: "/api/keys/current/usage/", method: .get, uri: "/api/keys/current/usage/?granularity=hour", headers: bearer),
                    Call(path: "/api/keys/current/usage/", method: .get, uri: "/api/keys/current/usage/?granularity=week", headers: bearer),
                    Call(path: "/api/usage/", method: .get, uri: "/api/usage/?key=\(viewOnlyID)", headers: bearer),
                    Call(path: "/api/usage/", method: .get, uri: "/api/usage/?key=00000000-0000-0000-0000-000000000000", headers: bearer),
                    Call(path: "/api/usage/keys/", method: .get, uri: "/api/usage/keys/?stale_days=30", headers: bearer),
                    Call(path: "/api/usage/keys/", method: .get, uri: "/api/usage/keys/?stale_days=-1", headers: bearer),
                    // Webhooks.
                    Call(path: "/api/organisations/{slug}/webhooks/", method: .post, uri: webhooks,
                         body: #"{"url":"https://hooks.example.com/b","events":["key.issued","key.revoked"]}"#, headers: bearer),
                    Call(path: "/api/organisations/{slug}/webhooks/", method: .post, uri: webhooks, body: #"{"url":"http://hooks.example.com/b","events":["key.issued"]}"#, headers: bearer),
                    Call(path: "/api/organisations/{slug}/webhooks/", method: .post, uri: webhooks, body: #"{"url":"https://hooks.example.com/b","events":["key.issued"]}"#, headers: viewOnlyBearer),
                    Call(path: "/api/organisations/{slug}/webhooks/", method: .get, uri: webhooks, headers: bearer),
                    Call(path: "/api/organisations/{slug}/webhooks/", method: .get, uri: "/api/organisations/elsewhere/webhooks/", headers: bearer),
                    Call(path: "/api/organisations/{slug}/webhooks/{webhook}/deliveries/", method: .get, uri: "\(webhooks)\(hook)/deliveries/", headers: bearer),
                    Call(path: "/api/organisations/{slug}/webhooks/{webhook}/deliveries/", method: .get, uri: "\(webhooks)\(UUID())/deliveries/", headers: bearer),
                    Call(path: "/api/organisations/{slug}/webhooks/{webhook}/", method: .delete, uri: "\(webhooks)\(hook)/", headers: bearer),
                    Call(path: "/api/organisations/{slug}/webhooks/{webhook}/", method: .delete, uri: "\(webhooks)\(hook)/", headers: bearer),
                    // Key requests.
                    Call(path: "/api/key-requests/", method: .post, uri: "/api/key-requests/",
                         body: #"{"organisation":"beta","name":"ci","reason":"the export","capabilities":["view"]}"#, headers: requester),
                    Call(path: "/api/key-requests/", method: .post, uri: "/api/key-requests/", body: #"{"organisation":"beta"}"#, headers: requester),
                    Call(path: "/api/key-requests/", method: .post, uri: "/api/key-requests/", body: #"{"organisation":"nowhere","name":"a","reason":"b"}"#, headers: requester),
                    Call(path: "/api/key-requests/", method: .get, uri: "/api/key-requests/", headers: requester),
                    Call(path: "/api/organisations/{slug}/key-requests/", method: .get, uri: betaRequests, headers: betaAdmin),
                    Call(path: "/api/organisations/{slug}/key-requests/", method: .get, uri: "/api/organisations/acme/key-requests/", headers: betaAdmin),
                    Call(path: "/api/organisations/{slug}/key-requests/", method: .get, uri: betaRequests, headers: requester),
                    Call(path: "/api/organisations/{slug}/key-requests/{request}/approve/", method: .post, uri: "\(betaRequests)\(asked[0])/approve/",
                         body: #"{"note":"fine"}"#, headers: betaAdmin),
                    Call(path: "/api/organisations/{slug}/key-requests/{request}/approve/", method: .post, uri: "\(betaRequests)\(asked[0])/approve/", headers: betaAdmin),
                    Call(path: "/api/organisations/{slug}/key-requests/{request}/approve/", method: .post, uri: "\(betaRequests)\(asked[1])/approve/",
                         body: #"{"colour":1}"#, headers: betaAdmin),
                    Call(path: "/api/organisations/{slug}/key-requests/{request}/deny/", method: .post, uri: "\(betaRequests)\(asked[1])/deny/",
                         body: #"{"note":"no"}"#, headers: betaAdmin),
                    Call(path: "/api/organisations/{slug}/key-requests/{request}/deny/", method: .post, uri: "\(betaRequests)\(UUID())/deny/", headers: betaAdmin),
                    Call(path: "/api/key-requests/{request}/collect/", method: .post, uri: "/api/key-requests/\(asked[2])/collect/", headers: requester),
                    Call(path: "/api/key-requests/{request}/collect/", method: .post, uri: "/api/key-requests/\(asked[2])/collect/", headers: requester),
                    Call(path: "/api/key-requests/{request}/collect/", method: .post, uri: "/api/key-requests/\(UUID())/collect/", headers: requester),
                    // Leaked keys.
                    Call(path: "/v1/keys/revoke-leaked", method: .post, uri: "/v1/keys/revoke-leaked", body: #"{"credentials":["ct_live_nothing"]}"#),
                    Call(path: "/v1/keys/revoke-leaked", method: .post, uri: "/v1/keys/revoke-leaked", body: #"{"credentials":[]}"#),
                    Call(path: "/v1/keys/github-secret-scanning", method: .post, uri: "/v1/keys/github-secret-scanning", body: alert, headers: signed),
                    Call(path: "/v1/keys/github-secret-scanning", method: .post, uri: "/v1/keys/github-secret-scanning", body: alert),
                    Call(path: "/v1/keys/github-secret-scanning", method: .post, uri: "/v1/keys/github-secret-scanning", body: "[]", headers: try github.headers("[]")),
                    // SSO token exchange: a key, then the same token refused.
                    Call(path: "/oauth/token", method: .post, uri: "/oauth/token", body: exchange + idToken, headers: form),
                    Call(path: "/oauth/token", method: .post, uri: "/oauth/token", body: exchange + idToken, headers: form),
                    // Last: the session ends.
                    Call(path: "/api/auth/logout/", method: .post, uri: "/api/auth/logout/", headers: session),
                ]
                var results: [(Call, Reply)] = []
                for call in calls {
                    let reply = try await DecisionAgreement.$exempt.withValue(true) {
                        try await client.send(call.uri, method: call.method, headers: call.headers, body: call.body)
                    }
                    results.append((call, reply))
                }
                return results
            }

            let document = SchemaTests.object(documentText)
            let validator = SchemaValidator(document: document)
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            // The validator refuses what does not fit (so a pass below means something).
            let wrong: [String: Any] = ["id": "seventeen", "name": 5, "extra": true]
            #expect(validator.problems(wrong, ["$ref": "#/components/schemas/Survey"]).count >= 3)
            #expect(!validator.problems(["valid": "yes"], ["$ref": "#/components/schemas/KeyVerification"]).isEmpty)
            var answered: [String: Set<Int>] = [:]
            for (call, reply) in results {
                    let label = "\(call.method) \(call.uri) → \(reply.status.code)"
                    let operation = paths[call.path]?[call.method.rawValue.lowercased()] as? [String: Any]
                    guard let operation else {
                        Issue.record("\(call.method) \(call.path) is not documented")
                        continue
                    }
                    answered["\(call.method) \(call.path)", default: []].insert(reply.status.code)
                    let responses = operation["responses"] as? [String: Any] ?? [:]
                    guard let documented = (responses[String(reply.status.code)] ?? responses["default"]) as? [String: Any] else {
                        Issue.record("\(label): status not documented (\(responses.keys.sorted()))")
                        continue
                    }
                    let response = validator.resolve(documented)
                    let content = response["content"] as? [String: Any]
                    guard let json = content?["application/json"] as? [String: Any] else {
                        if content == nil { #expect(reply.text.isEmpty, "\(label): a body the document does not describe") }
                        continue
                    }
                    #expect(reply.headers[.contentType] == "application/json", "\(label)")
                    guard let schema = json["schema"] as? [String: Any], let value = reply.json else {
                        Issue.record("\(label): no JSON body or schema")
                        continue
                    }
                    let problems = validator.problems(value, schema)
                    #expect(problems.isEmpty, "\(label): \(problems.prefix(5))")
                }
            // Every documented operation was met with a success at least once.
            for (path, item) in paths {
                for method in item.keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                    let statuses = answered["\(method.uppercased()) \(path)"] ?? []
                    #expect(statuses.contains { (200..<300).contains($0) }, "\(method.uppercased()) \(path) never answered 2xx: \(statuses)")
                }
            }
        }
    }
}
