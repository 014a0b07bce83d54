import Foundation
import Hummingbird
import ServerTestSupport
import Testing

/// No existence oracle in survey writes (SPEC §4, issue #34): a target organisation or team in
/// which the caller holds no role is 403, with the same words whether or not it exists — on
/// create and on a move (`PUT`/`PATCH` changing `organisation` or `team`).
@Suite struct SurveyTargetOracleTests {
    @Test func aTargetWithoutARoleIs403WhetherOrNotItExists() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.user("ada", tier: .organisation)
            let stranger = try await world.user("stranger", tier: .organisation)
            let acme = try await world.organisation("acme", members: [(ada, "admin")])
            let other = try await world.organisation("other", members: [(stranger, "admin")])
            let quiet = try await world.team("quiet", organisation: acme, members: [(stranger, "admin")])
            let elsewhere = try await world.team("elsewhere", organisation: other, members: [(stranger, "admin")])
            let key = try await world.key(for: ada, organisation: acme, capabilities: ["view", "add", "edit", "delete"])
            let survey = try await world.survey("s", owner: ada, organisation: acme)
            let missing: Int64 = 9_000_000
            let before = try await world.fingerprint()
            try await world.client { client in
                // A move is asked of the decision API as an update of the survey where it is;
                // where it goes is the resource API's second question (DecisionAgreement.exempt).
                func answer(_ method: HTTPRequest.Method, _ path: String, _ body: String) async throws -> Reply {
                    try await DecisionAgreement.$exempt.withValue(method != .post) {
                        try await client.send(path, method: method, key: key, body: body)
                    }
                }
                // (a target that exists but where the caller has no role, the same naming nothing)
                let pairs: [(HTTPRequest.Method, String, String, String)] = [
                    (.post, "/api/surveys/", #"{"name":"S","slug":"n","organisation":\#(other)}"#,
                     #"{"name":"S","slug":"n","organisation":\#(missing)}"#),
                    (.post, "/api/surveys/", #"{"name":"S","slug":"n","organisation":\#(acme),"team":\#(quiet)}"#,
                     #"{"name":"S","slug":"n","organisation":\#(acme),"team":\#(missing)}"#),
                    (.post, "/api/surveys/", #"{"name":"S","slug":"n","organisation":\#(other),"team":\#(elsewhere)}"#,
                     #"{"name":"S","slug":"n","organisation":\#(missing),"team":\#(missing + 1)}"#),
                    (.patch, "/api/surveys/\(survey)/", #"{"organisation":\#(other)}"#, #"{"organisation":\#(missing)}"#),
                    (.patch, "/api/surveys/\(survey)/", #"{"team":\#(quiet)}"#, #"{"team":\#(missing)}"#),
                    (.patch, "/api/surveys/\(survey)/", #"{"team":\#(elsewhere)}"#, #"{"team":\#(missing)}"#),
                    (.put, "/api/surveys/\(survey)/", #"{"name":"S","slug":"s","organisation":\#(other)}"#,
                     #"{"name":"S","slug":"s","organisation":\#(missing)}"#),
                ]
                for (method, path, existing, absent) in pairs {
                    let exists = try await answer(method, path, existing), not = try await answer(method, path, absent)
                    #expect(exists.status == .forbidden, "\(method) \(existing): \(exists.text)")
                    #expect(not.status == exists.status && not.text == exists.text, "\(method) \(absent): \(not.text) / \(exists.text)")
                }
            }
            #expect(try await world.fingerprint() == before)
        }
    }
}
