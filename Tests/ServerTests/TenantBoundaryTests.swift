import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServerTestSupport
import Testing

/// SPEC §2–§4 tenant boundaries, through the real router against PostgreSQL: a key issued in one
/// organisation never reaches another's objects, and writes cannot escalate.
@Suite("Tenant boundaries")
struct TenantBoundaryTests {
    /// Alice administers both `a` and `b`; her key is issued in `a`.
    struct Tenants {
        var alice: Int64, a: Int64, b: Int64, teamB: Int64
        var surveyA: Int64, surveyB: Int64, personal: Int64
        var key: String
    }

    static func seed(_ world: ServerWorld, capabilities: [String] = ["view", "add", "edit", "delete"]) async throws -> Tenants {
        let alice = try await world.user("alice", tier: .organisation)
        let a = try await world.organisation("a", members: [(alice, "admin")])
        let b = try await world.organisation("b", members: [(alice, "admin")])
        let teamB = try await world.team("team-b", organisation: b, members: [(alice, "admin")])
        let surveyA = try await world.survey("in-a", owner: alice, organisation: a)
        let surveyB = try await world.survey("in-b", owner: alice, organisation: b, team: teamB)
        let personal = try await world.survey("mine", owner: alice)
        let key = try await world.key(for: alice, organisation: a, capabilities: capabilities)
        return Tenants(alice: alice, a: a, b: b, teamB: teamB, surveyA: surveyA, surveyB: surveyB, personal: personal, key: key)
    }

    @Test func aKeyIssuedInOneOrganisationReachesNothingOfAnother() async throws {
        try await ServerWorld.with { world in
            let t = try await Self.seed(world)
            try await world.dataset("a-list", organisation: t.a, createdBy: t.alice)
            try await world.dataset("b-list", organisation: t.b, createdBy: t.alice)
            try await world.dataset("mine", createdBy: t.alice)
            try await world.dataset("global", global: true)
            let templateA = try await world.template("A form", publisher: t.alice, level: "organisation", organisation: t.a)
            let templateB = try await world.template("B form", publisher: t.alice, level: "organisation", organisation: t.b)
            let global = try await world.template("Global form", publisher: t.alice)
            let bob = try await world.user("bob")
            try await world.pool.execute("INSERT INTO organisation_memberships (organisation_id, user_id, role) VALUES (\(t.b), \(bob), 'viewer')")
            try await world.client { client in
                // Surveys: only a's; b's and the personal one are refused (they exist: 403).
                #expect(try await client.send("/api/surveys/", key: t.key).ids == [t.surveyA])
                for hidden in [t.surveyB, t.personal] {
                    #expect(try await client.send("/api/surveys/\(hidden)/", key: t.key).status == .forbidden)
                    #expect(try await client.send("/api/surveys/\(hidden)/metrics/responses/", key: t.key).status == .forbidden)
                    let patch = try await client.send("/api/surveys/\(hidden)/", method: .patch, key: t.key, body: #"{"name":"x"}"#)
                    #expect(patch.status == .forbidden)
                    let delete = try await client.send("/api/surveys/\(hidden)/", method: .delete, key: t.key)
                    #expect(delete.status == .forbidden)
                    #expect(delete.object["code"] as? String == "DENY_OUTSIDE_ORGANISATION")
                }
                // Creating outside: personal, or into b.
                let personal = try await client.send("/api/surveys/", method: .post, key: t.key, body: #"{"name":"P","slug":"p"}"#)
                #expect(personal.status == .forbidden)
                let intoB = try await client.send("/api/surveys/", method: .post, key: t.key, body: #"{"name":"B","slug":"b2","organisation":\#(t.b)}"#)
                #expect(intoB.status == .forbidden)
                // Datasets: a's and global ones; b's and the personal one are invisible (404).
                let datasets = try await client.send("/api/datasets/", key: t.key).items.compactMap { $0["key"] as? String }
                #expect(Set(datasets) == ["a-list", "global"])
                #expect(try await client.send("/api/datasets/b-list/", key: t.key).status == .notFound)
                #expect(try await client.send("/api/datasets/mine/", key: t.key).status == .notFound)
                #expect(try await client.send("/api/datasets/b-list/", method: .delete, key: t.key).status == .notFound)
                let tags = try await client.send("/api/datasets/available-tags/", key: t.key)
                #expect(tags.status == .ok)
                // Templates: a's and global ones.
                #expect(try await client.send("/api/question-group-templates/", key: t.key).ids == [templateA, global])
                #expect(try await client.send("/api/question-group-templates/\(templateB)/", key: t.key).status == .notFound)
                // The directory is a's: bob (of b only) is not in it.
                let directory = try await client.send("/api/user/", key: t.key)
                #expect(directory.ids == [t.alice])
                #expect(try await client.send("/api/user/\(bob)/", key: t.key).status == .notFound)
            }
        }
    }

    @Test func aSessionMadeFromAConfinedKeyIsConfinedToo() async throws {
        try await ServerWorld.with { world in
            let t = try await Self.seed(world)
            try await world.client { client in
                let login = try await client.send("/api/auth/login/", method: .post, body: #"{"apikey":"\#(t.key)"}"#)
                let token = login.object["token-id"] as? String ?? ""
                let session: HTTPFields = [HTTPFields.Element.Name("authtoken")!: token]
                #expect(try await client.send("/api/surveys/", headers: session).ids == [t.surveyA])
                #expect(try await client.send("/api/surveys/\(t.surveyB)/", method: .delete, headers: session).status == .forbidden)
            }
            #expect(try await world.pool.query("SELECT count(*) FROM surveys")[0].decode(Int.self, at: 0) == 3)
        }
    }

    @Test func theDecisionAPIAnswersForAConfinedKeyAsTheResourceAPIDoes() async throws {
        try await ServerWorld.with { world in
            let t = try await Self.seed(world)
            try await world.client { client in
                for (survey, allowed) in [(t.surveyA, true), (t.surveyB, false), (t.personal, false)] {
                    let body = #"{"subject":{"type":"api_key","id":"\#(t.key)"},"action":{"name":"survey.delete"},"resource":{"type":"survey","id":"\#(survey)"}}"#
                    let reply = try await client.send("/access/v1/evaluation", method: .post,
                                                      headers: [.authorization: "Bearer \(world.service ?? "")"], body: body)
                    #expect(reply.status == .ok)
                    #expect(reply.object["decision"] as? Bool == allowed, "survey \(survey): \(reply.text)")
                }
            }
        }
    }

    @Test func capabilitiesBeyondViewExistOnlyOnKeysIssuedInAnOrganisation() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice", tier: .organisation)
            let personal = try await world.survey("mine", owner: alice)
            let key = try await world.key(for: alice, capabilities: ["view", "edit", "delete"])
            try await world.client { client in
                #expect(try await client.send("/api/surveys/", key: key).ids == [personal])
                let edit = try await client.send("/api/surveys/\(personal)/", method: .patch, key: key, body: #"{"name":"x"}"#)
                #expect(edit.status == .forbidden)
                #expect(edit.detail == "API key lacks the 'edit' capability.")
                let verify = try await client.send("/v1/keys/verify", method: .post,
                                                   headers: [.authorization: "Bearer \(world.service ?? "")"], body: #"{"key":"\#(key)"}"#)
                #expect((verify.object["key"] as? [String: Any])?["capabilities"] as? [String] == ["view"])
            }
        }
    }

    // MARK: Writes that cannot escalate (SPEC §4)

    @Test func aSurveyMoveNeedsDeleteHereAndCreateThere() async throws {
        try await ServerWorld.with { world in
            let owner = try await world.user("owner", tier: .organisation)
            let editor = try await world.user("editor", tier: .organisation)
            let teamAdmin = try await world.user("teamadmin", tier: .organisation)
            let acme = try await world.organisation("acme", owner: owner, members: [(editor, "viewer"), (teamAdmin, "creator")])
            let team = try await world.team("t", organisation: acme, members: [(teamAdmin, "admin")])
            let survey = try await world.survey("s", owner: owner, organisation: acme, team: team, members: [(editor, "editor")])
            let caps = ["view", "add", "edit", "delete"]
            let editorKey = try await world.key(for: editor, organisation: acme, capabilities: caps)
            let teamAdminKey = try await world.key(for: teamAdmin, organisation: acme, capabilities: caps)
            let ownerKey = try await world.key(for: owner, organisation: acme, capabilities: caps)
            try await world.client { client in
                // A move asks a second question (delete here) the decision API's `survey.update` cannot see.
                try await DecisionAgreement.$exempt.withValue(true) {
                    for key in [editorKey, teamAdminKey] {
                        let out = try await client.send("/api/surveys/\(survey)/", method: .patch, key: key, body: #"{"organisation":null}"#)
                        #expect(out.status == .forbidden, "\(out.text)")
                        let teamless = try await client.send("/api/surveys/\(survey)/", method: .patch, key: key, body: #"{"team":null}"#)
                        #expect(teamless.status == .forbidden, "\(teamless.text)")
                    }
                }
                // The editor may still edit in place.
                #expect(try await client.send("/api/surveys/\(survey)/", method: .patch, key: editorKey, body: #"{"name":"Renamed"}"#).status == .ok)
            }
            let place = try await world.pool.query("SELECT organisation_id, team_id FROM surveys WHERE id = \(survey)")[0]
            #expect(try place.decode(Int64?.self, at: 0) == acme)
            #expect(try place.decode(Int64?.self, at: 1) == team)
            try await world.client { client in
                // The owner may move it out of the team (delete here: owner; create there: org owner).
                let moved = try await DecisionAgreement.$exempt.withValue(true) {
                    try await client.send("/api/surveys/\(survey)/", method: .patch, key: ownerKey, body: #"{"team":null}"#)
                }
                #expect(moved.status == .ok, "\(moved.text)")
            }
        }
    }

    @Test func aTeamMustBelongToTheOrganisation() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice", tier: .organisation)
            let mallory = try await world.user("mallory", tier: .organisation)
            let acme = try await world.organisation("acme", members: [(alice, "admin")])
            let other = try await world.organisation("other", members: [(mallory, "admin")])
            let theirs = try await world.team("secret-team", organisation: other, members: [(alice, "admin")])
            let personalTeam = try await world.team("personal-team", members: [(alice, "admin")])
            let key = try await world.key(for: alice, organisation: acme, capabilities: ["view", "add", "edit"])
            let survey = try await world.survey("s", owner: alice, organisation: acme)
            let before = try await world.fingerprint()
            try await world.client { client in
                // (A survey's team is a target the key must hold a role in — roles outside acme
                // do not reach this key — so those are 403 whether or not the team exists,
                // SPEC §4; a dataset's team is checked against its organisation.)
                let bodies = [
                    ("/api/datasets/", #"{"key":"leak","name":"Leak","organisation":\#(acme),"team":\#(theirs)}"#, HTTPResponse.Status.badRequest),
                    ("/api/datasets/", #"{"key":"leak","name":"Leak","organisation":\#(acme),"team":\#(personalTeam)}"#, .badRequest),
                    ("/api/surveys/", #"{"name":"S","slug":"s2","organisation":\#(acme),"team":\#(theirs)}"#, .forbidden),
                    ("/api/surveys/", #"{"name":"S","slug":"s2","organisation":\#(acme),"team":999999}"#, .forbidden),
                ]
                for (path, body, status) in bodies {
                    let reply = try await client.send(path, method: .post, key: key, body: body)
                    #expect(reply.status == status, "\(path) \(body): \(reply.text)")
                    #expect(!reply.text.contains("secret-team") && !reply.text.contains("OTHER"), "\(reply.text)")
                }
                // A team that exists elsewhere and one that does not exist get the same answer.
                // (A move: the decision API is asked about the update, not where it goes.)
                let (elsewhere, nowhere) = try await DecisionAgreement.$exempt.withValue(true) {
                    (try await client.send("/api/surveys/\(survey)/", method: .patch, key: key, body: #"{"team":\#(theirs)}"#),
                     try await client.send("/api/surveys/\(survey)/", method: .patch, key: key, body: #"{"team":\#(theirs + 1000)}"#))
                }
                #expect(elsewhere.status == .forbidden && nowhere.status == .forbidden)
                #expect(elsewhere.detail?.replacingOccurrences(of: "\(theirs)", with: "N")
                        == nowhere.detail?.replacingOccurrences(of: "\(theirs + 1000)", with: "N"))
            }
            #expect(try await world.fingerprint() == before)
        }
    }

    @Test func directoryWritesCannotEscalate() async throws {
        try await ServerWorld.with { world in
            let owner = try await world.user("owner", tier: .organisation)
            let admin = try await world.user("admin", tier: .organisation)
            let viewer = try await world.user("viewer", tier: .organisation)
            let shared = try await world.user("shared", tier: .organisation)
            let solo = try await world.user("solo", tier: .organisation)
            let staff = try await world.user("staff", tier: .organisation)
            try await world.pool.execute("UPDATE users SET is_staff = true WHERE id = \(staff)")
            let a = try await world.organisation("a", owner: owner, members: [
                (admin, "admin"), (viewer, "viewer"), (shared, "creator"), (solo, "creator"), (staff, "viewer"),
            ])
            _ = try await world.organisation("b", members: [(shared, "admin")])
            let viewerKey = try await world.key(for: viewer, organisation: a, capabilities: ["view", "superuser"])
            let adminKey = try await world.key(for: admin, organisation: a, capabilities: ["view", "superuser"])
            let sharedKey = try await world.key(for: shared, capabilities: ["view"])
            let before = try await world.fingerprint()
            try await world.client { client in
                let refused: [(String, HTTPRequest.Method, String?, String)] = [
                    // A viewer with a superuser key cannot promote themselves, nor anyone.
                    (viewerKey, .patch, #"{"role":"admin"}"#, "/api/user/\(viewer)/"),
                    (viewerKey, .patch, #"{"role":"admin"}"#, "/api/user/\(solo)/"),
                    (viewerKey, .post, #"{"username":"new","email":"new@example.com"}"#, "/api/user/"),
                    (viewerKey, .delete, nil, "/api/user/\(solo)/"),
                    // An admin: not their own role or activity, not the owner, not staff.
                    (adminKey, .patch, #"{"role":"viewer"}"#, "/api/user/\(admin)/"),
                    (adminKey, .patch, #"{"is_active":false}"#, "/api/user/\(admin)/"),
                    (adminKey, .delete, nil, "/api/user/\(admin)/"),
                    (adminKey, .patch, #"{"first_name":"Boss"}"#, "/api/user/\(owner)/"),
                    (adminKey, .delete, nil, "/api/user/\(owner)/"),
                    (adminKey, .patch, #"{"role":"admin"}"#, "/api/user/\(staff)/"),
                    (adminKey, .delete, nil, "/api/user/\(staff)/"),
                    // Account-wide fields of an account that also belongs to b.
                    (adminKey, .patch, #"{"is_active":false}"#, "/api/user/\(shared)/"),
                    (adminKey, .patch, #"{"email":"taken-over@example.com"}"#, "/api/user/\(shared)/"),
                ]
                for (key, method, body, path) in refused {
                    // What an edit changes (own role, a shared account's email) is a question the
                    // decision API's `user.update` is not asked: it judges the role alone.
                    let bodyMatters = body?.contains("role") == true || body?.contains("is_active") == true
                        || body?.contains("email") == true || body?.contains("_name") == true
                    let reply = try await DecisionAgreement.$exempt.withValue(bodyMatters) {
                        try await client.send(path, method: method, key: key, body: body)
                    }
                    #expect(reply.status == .forbidden, "\(method) \(path) \(body ?? ""): \(reply.text)")
                }
                let sharedEmail = try await DecisionAgreement.$exempt.withValue(true) {
                    try await client.send("/api/user/\(shared)/", method: .patch, key: adminKey, body: #"{"last_name":"X"}"#)
                }
                #expect(sharedEmail.object["code"] as? String == "DENY_SHARED_ACCOUNT")
            }
            #expect(try await world.fingerprint() == before)
            try await world.client { client in
                // What the directory may do: the role of a shared account, anything of a solo one.
                let role = try await client.send("/api/user/\(shared)/", method: .patch, key: adminKey, body: #"{"role":"viewer"}"#)
                #expect(role.status == .ok, "\(role.text)")
                let solo = try await client.send("/api/user/\(solo)/", method: .patch, key: adminKey, body: #"{"is_active":false,"first_name":"S"}"#)
                #expect(solo.status == .ok, "\(solo.text)")
                // The shared account's key elsewhere still works.
                #expect(try await client.send("/api/surveys/", key: sharedKey).status == .ok)
            }
        }
    }

    // MARK: Routing before credentials (SPEC §3), query strings

    @Test func routingComesBeforeCredentials() async throws {
        try await ServerWorld.with { world in
            let bad = "ct_live_" + String(repeating: "A", count: 49)
            try await world.client { client in
                let headers: [HTTPFields] = [
                    [.authorization: "Bearer \(bad)"], [.authorization: "Basic Zm9vOmJhcg=="],
                    [HTTPFields.Element.Name("authtoken")!: "nonsense"], [:],
                ]
                for header in headers {
                    let missing = try await client.send("/api/no-such-thing/", headers: header)
                    #expect(missing.status == .notFound, "\(header): \(missing.text)")
                    let verify = try await client.send("/v1/keys/verify", headers: header)
                    #expect(verify.status == .methodNotAllowed, "\(header): \(verify.text)")
                    #expect(verify.headers[.allow]?.contains("POST") == true)
                    let evaluation = try await client.send("/access/v1/evaluation", method: .delete, headers: header)
                    #expect(evaluation.status == .methodNotAllowed)
                    let surveys = try await client.send("/api/surveys/", method: .put, headers: header)
                    #expect(surveys.status == .methodNotAllowed)
                    #expect(surveys.headers[.allow] == "GET, HEAD, POST, OPTIONS")
                    #expect(try await client.send("/access/v1/nothing", method: .post, headers: header).status == .notFound)
                }
                // A known route still refuses the bad key.
                #expect(try await client.send("/api/surveys/", key: bad).status == .unauthorized)
                // A method no route knows is 405 on a known path too, 404 elsewhere.
                for (path, allow) in [("/api/surveys/17/", "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"),
                                      ("/access/v1/evaluation", "POST, OPTIONS"), ("/api/health", "GET, HEAD, OPTIONS")] {
                    let query = try await client.send(path, method: HTTPRequest.Method("QUERY")!, key: bad)
                    #expect(query.status == .methodNotAllowed, "\(path): \(query.text)")
                    #expect(query.headers[.allow] == allow, "\(path)")
                }
                #expect(try await client.send("/api/nowhere/", method: HTTPRequest.Method("QUERY")!).status == .notFound)
            }
        }
    }

    /// Issue 13: links the server writes never come from the request's `Host` (or a forwarded
    /// host), which any client chooses: paging links are relative, and the AuthZEN metadata
    /// advertises the configured base (here the test default).
    @Test func paginationLinksAreRelativeAndMetadataIgnoresTheHost() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            for index in 0..<3 { try await world.survey("s\(index)", owner: alice) }
            let key = try await world.key(for: alice)
            let evil: HTTPFields = [HTTPField.Name("X-Forwarded-Host")!: "evil.example"]
            try await world.client(over: .live) { client async throws in
                let page = try await client.send("/api/surveys/?limit=1&offset=1", key: key, headers: evil)
                #expect(page.object["next"] as? String == "/api/surveys/?limit=1&offset=2")
                #expect(page.object["previous"] as? String == "/api/surveys/?limit=1")
                let metadata = try await client.send("/.well-known/authzen-configuration", headers: evil)
                #expect(metadata.status == .ok)
                #expect(metadata.object["policy_decision_point"] as? String == "http://localhost")
                #expect(!metadata.text.contains("evil.example"))
                #expect(!page.text.contains("evil.example"))
            }
        }
    }

    @Test func queryStringsAreFormEncoded() async throws {
        try await ServerWorld.with { world in
            try await world.dataset("ethnic", name: "Ethnic category", global: true)
            try await world.dataset("plus", name: "C++ tools", global: true)
            try await world.client { client in
                var found: [String: [String]] = [:]
                for query in ["search=ethnic+category", "search=ethnic%20category", "search=C%2B%2B", "search=C++", "sea%72ch=Ethnic"] {
                    found[query] = try await client.send("/api/datasets/?\(query)").items.compactMap { $0["key"] as? String }
                }
                #expect(found["search=ethnic+category"] == ["ethnic"])
                #expect(found["search=ethnic%20category"] == ["ethnic"])
                #expect(found["search=C%2B%2B"] == ["plus"])
                #expect(found["search=C++"] == [])  // "C  " (two spaces)
                #expect(found["sea%72ch=Ethnic"] == ["ethnic"])
                #expect(try await client.send("/api/datasets/?search=%zz").status == .ok)
            }
        }
    }
}
