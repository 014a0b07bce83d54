import Foundation
import Hummingbird
import ServerTestSupport
import Testing

/// Survey writes (SPEC §4): the key's capability AND the caller's role, checked in that order;
/// bodies validated field by field; every write audited.
@Suite struct SurveyWriteTests {
    static let all = ["view", "add", "edit", "delete"]

    /// The CheckTick roles around survey `s1` (acme, team t1, owned by `author`): who may edit
    /// it, who may delete it.
    static let matrix: [(role: String, edits: Bool, deletes: Bool)] = [
        ("author", true, true),
        ("orgOwner", true, true),
        ("orgAdmin", true, true),
        ("orgCreator", false, false),
        ("orgViewer", false, false),
        ("surveyCreator", true, false),
        ("surveyEditor", true, false),
        ("surveyViewer", false, false),
        ("teamAdmin", true, false),
        ("teamViewer", false, false),
        ("outsider", false, false),
    ]

    struct World: Sendable {
        var users: [String: Int64]
        var keys: [String: String]
        var acme: Int64
        var team: Int64
    }

    /// The matrix's users with full-capability keys, and a fresh copy of `s1` (same memberships).
    static func seed(_ world: ServerWorld) async throws -> World {
        var users: [String: Int64] = [:]
        for (role, _, _) in matrix { users[role] = try await world.user(role) }
        let acme = try await world.organisation("acme", owner: users["orgOwner"], members: [
            (users["orgAdmin"]!, "admin"), (users["orgCreator"]!, "creator"), (users["orgViewer"]!, "viewer"),
            (users["author"]!, "creator"), (users["teamAdmin"]!, "creator"), (users["teamViewer"]!, "creator"),
            // Everyone holding a key issued in acme belongs to it (SPEC §2: a confined key of a
            // non-member is refused); an organisation viewer has no role on its surveys.
            (users["surveyCreator"]!, "viewer"), (users["surveyEditor"]!, "viewer"), (users["surveyViewer"]!, "viewer"),
            (users["outsider"]!, "viewer"),
        ])
        let team = try await world.team("t1", organisation: acme, members: [(users["teamAdmin"]!, "admin"), (users["teamViewer"]!, "viewer")])
        var keys: [String: String] = [:]
        // Keys issued in acme: only such keys carry capabilities beyond view (SPEC §2).
        for (role, id) in users { keys[role] = try await world.key(for: id, organisation: acme, capabilities: all) }
        return World(users: users, keys: keys, acme: acme, team: team)
    }

    static func survey(_ slug: String, _ world: ServerWorld, _ w: World) async throws -> Int64 {
        try await world.survey(slug, owner: w.users["author"]!, organisation: w.acme, team: w.team, members: [
            (w.users["surveyCreator"]!, "creator"), (w.users["surveyEditor"]!, "editor"), (w.users["surveyViewer"]!, "viewer"),
        ])
    }

    @Test func updateAndDeleteFollowTheRoleMatrix() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            let s1 = try await Self.survey("s1", world, w)
            var copies: [String: Int64] = [:]
            for (role, _, _) in Self.matrix { copies[role] = try await Self.survey("copy-\(role.lowercased())", world, w) }
            let frozenCopies = copies
            try await world.client { client in
                for (role, edits, deletes) in Self.matrix {
                    let key = w.keys[role]!
                    let patch = try await client.send("/api/surveys/\(s1)/", method: .patch, key: key, body: #"{"description":"by \#(role)"}"#)
                    #expect(patch.status == (edits ? .ok : .forbidden), "\(role) PATCH")
                    if edits {
                        #expect(patch.object["description"] as? String == "by \(role)")
                        #expect(patch.object["slug"] as? String == "s1", "PATCH keeps what it was not sent")
                    } else {
                        #expect(["DENY_ROLE", "DENY_NOT_MEMBER"].contains(patch.object["code"] as? String ?? ""), "\(role)")
                    }
                    let put = try await client.send("/api/surveys/\(s1)/", method: .put, key: key,
                                                    body: #"{"name":"S1 by \#(role)","slug":"s1","status":"closed"}"#)
                    #expect(put.status == (edits ? .ok : .forbidden), "\(role) PUT")

                    let copy = frozenCopies[role]!
                    let delete = try await client.send("/api/surveys/\(copy)/", method: .delete, key: key)
                    #expect(delete.status == (deletes ? .noContent : .forbidden), "\(role) DELETE")
                    if deletes { #expect(delete.text.isEmpty) }
                    let after = try await client.send("/api/surveys/\(copy)/", key: w.keys["author"]!)
                    #expect(after.status == (deletes ? .notFound : .ok), "\(role) after DELETE")
                }
                let final = try await client.send("/api/surveys/\(s1)/", key: w.keys["author"]!)
                #expect(final.object["name"] as? String == "S1 by teamAdmin")
                #expect(final.object["status"] as? String == "closed")
            }
            let audited = try await world.pool.query("""
                SELECT count(*) FILTER (WHERE action = 'survey.updated'), count(*) FILTER (WHERE action = 'survey.deleted'),
                       count(*) FILTER (WHERE action = 'survey.deleted' AND actor_id IS NOT NULL AND detail->>'key_prefix' LIKE 'ct_live_%')
                FROM audit_events
                """)[0]
            let editors = Self.matrix.filter(\.edits).count, deleters = Self.matrix.filter(\.deletes).count
            #expect(try audited.decode(Int.self, at: 0) == editors * 2)
            #expect(try audited.decode(Int.self, at: 1) == deleters)
            #expect(try audited.decode(Int.self, at: 2) == deleters)
        }
    }

    @Test func theCapabilityIsCheckedBeforeTheRole() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            let s1 = try await Self.survey("s1", world, w)
            let author = w.users["author"]!, outsider = w.users["outsider"]!
            let viewOnly = try await world.key(for: author)
            let noDelete = try await world.key(for: author, capabilities: ["view", "add", "edit"])
            let outsiderViewOnly = try await world.key(for: outsider)
            try await world.client { client in
                // The owner lacks the capability: refused for the capability.
                for (method, uri, capability) in [(HTTPRequest.Method.patch, "/api/surveys/\(s1)/", "edit"),
                                                  (.put, "/api/surveys/\(s1)/", "edit"),
                                                  (.post, "/api/surveys/", "add"),
                                                  (.delete, "/api/surveys/\(s1)/", "delete")] {
                    let key = capability == "delete" ? noDelete : viewOnly
                    let reply = try await client.send(uri, method: method, key: key, body: #"{"name":"x","slug":"x"}"#)
                    #expect(reply.status == .forbidden, "\(method)")
                    #expect(reply.detail == "API key lacks the '\(capability)' capability.", "\(method)")
                    #expect(reply.object["code"] as? String == "DENY_CAPABILITY")
                }
                // An outsider without the capability hears about the capability, not the role,
                // and learns nothing about whether the survey exists.
                let missing = try await client.send("/api/surveys/999999/", method: .patch, key: outsiderViewOnly, body: "{}")
                #expect(missing.detail == "API key lacks the 'edit' capability.")
                // With the capability: the role decides.
                let role = try await client.send("/api/surveys/\(s1)/", method: .patch, key: w.keys["outsider"]!, body: #"{"name":"x"}"#)
                #expect(role.status == .forbidden)
                #expect(role.object["code"] as? String == "DENY_NOT_MEMBER")
                let viewer = try await client.send("/api/surveys/\(s1)/", method: .delete, key: w.keys["surveyViewer"]!)
                #expect(viewer.object["code"] as? String == "DENY_ROLE")
                // Anonymous → 401; no such survey → 404.
                let anonymous = try await client.send("/api/surveys/\(s1)/", method: .patch, body: #"{"name":"x"}"#)
                #expect(anonymous.status == .unauthorized)
                #expect(anonymous.headers[.wwwAuthenticate] == #"Bearer realm="api""#)
                let absent = try await client.send("/api/surveys/999999/", method: .patch, key: w.keys["author"]!, body: #"{"name":"x"}"#)
                #expect(absent.status == .notFound)
            }
            let name = try await world.pool.query("SELECT name FROM surveys WHERE id = \(s1)")[0].decode(String.self, at: 0)
            #expect(name == "S1")
        }
    }

    @Test func createFollowsTheTargetsRoles() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            // (role, organisation?, team?, expected code or nil for 201)
            let cases: [(String, Bool, Bool, String?)] = [
                ("orgAdmin", true, false, nil), ("orgCreator", true, false, nil), ("orgOwner", true, false, nil),
                ("orgViewer", true, false, "DENY_ROLE"), ("outsider", true, false, "DENY_ROLE"),
                ("teamAdmin", true, true, nil), ("teamViewer", true, true, "DENY_ROLE"), ("orgCreator", true, true, "DENY_NOT_MEMBER"),
                ("orgAdmin", true, true, "DENY_NOT_MEMBER"),
                // A personal survey is outside the organisation the keys were issued in.
                ("outsider", false, false, "DENY_OUTSIDE_ORGANISATION"), ("surveyViewer", false, false, "DENY_OUTSIDE_ORGANISATION"),
            ]
            try await world.client { client in
                for (index, (role, inOrganisation, inTeam, code)) in cases.enumerated() {
                    var body: [String: Any] = ["name": "New \(index)", "slug": "new-\(index)", "start_at": "2026-12-01T09:00:00Z"]
                    if inOrganisation { body["organisation"] = w.acme }
                    if inTeam { body["team"] = w.team }
                    let text = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
                    let reply = try await client.send("/api/surveys/", method: .post, key: w.keys[role]!, body: text)
                    if let code {
                        #expect(reply.status == .forbidden, "\(role) \(body)")
                        #expect(reply.object["code"] as? String == code, "\(role)")
                        continue
                    }
                    #expect(reply.status == .created, "\(role) \(body): \(reply.text)")
                    let id = (reply.object["id"] as? NSNumber)?.int64Value ?? 0
                    #expect(reply.headers[.location] == "/api/surveys/\(id)/")
                    #expect(reply.object["status"] as? String == "draft")
                    #expect(reply.object["description"] as? String == "")
                    #expect(reply.object["start_at"] as? String == "2026-12-01T09:00:00Z")
                    #expect((reply.object["organisation"] as? NSNumber)?.int64Value == (inOrganisation ? w.acme : nil))
                    // The creator owns it and sees it.
                    let owner = try await world.pool.query("SELECT owner_id FROM surveys WHERE id = \(id)")[0].decode(Int64.self, at: 0)
                    #expect(owner == w.users[role])
                    let seen = try await client.send("/api/surveys/\(id)/", key: w.keys[role]!)
                    #expect(seen.status == .ok)
                }
            }
            let created = try await world.pool.query("SELECT count(*) FROM surveys")[0].decode(Int.self, at: 0)
            let audited = try await world.pool.query("SELECT count(*) FROM audit_events WHERE action = 'survey.created'")[0].decode(Int.self, at: 0)
            #expect(created == cases.filter { $0.3 == nil }.count)
            #expect(audited == created)
        }
    }

    @Test func movingASurveyNeedsTheRightToCreateThere() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            let s1 = try await Self.survey("s1", world, w)
            let beta = try await world.organisation("beta", members: [(w.users["surveyEditor"]!, "viewer")])
            try await world.client { client in
                // An editor of the survey may edit it, but not move it into an organisation where
                // they are a viewer.
                // (A second question, which the decision API's survey.update cannot see.)
                let move = try await DecisionAgreement.$exempt.withValue(true) {
                    try await client.send("/api/surveys/\(s1)/", method: .patch, key: w.keys["surveyEditor"]!, body: #"{"organisation":\#(beta)}"#)
                }
                #expect(move.status == .forbidden)
                #expect(move.object["code"] as? String == "DENY_ROLE")
                // The organisation admin may take it out of its team.
                let unteam = try await client.send("/api/surveys/\(s1)/", method: .patch, key: w.keys["orgAdmin"]!, body: #"{"team":null}"#)
                #expect(unteam.status == .ok)
                #expect(unteam.object["team"] is NSNull)
            }
        }
    }

    @Test func badBodiesAre400NamingTheFieldAndChangeNothing() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            let s1 = try await Self.survey("s1", world, w)
            let key = w.keys["author"]!
            // (body, the text the detail must contain)
            let creates: [(String, String)] = [
                ("", "JSON body is required"), ("not json", "not valid JSON"), ("[]", "must be a JSON object"), ("null", "must be a JSON object"),
                (#"{"name":"x"}"#, "'slug' is required"), (#"{"slug":"x"}"#, "'name' is required"),
                (#"{"name":"x","slug":"bad slug"}"#, "'slug'"), (#"{"name":"x","slug":""}"#, "'slug'"),
                (#"{"name":1,"slug":"a"}"#, "'name' must be a string"), (#"{"name":null,"slug":"a"}"#, "'name' must be a string"),
                (#"{"name":"x","slug":"y","owner":5}"#, "'owner' is not a known field"),
                (#"{"name":"x","slug":"y","status":"archived"}"#, "'status' must be one of"),
                (#"{"name":"x","slug":"y","start_at":"yesterday"}"#, "'start_at'"),
                (#"{"name":"x","slug":"y","start_at":"2026-12-02T00:00:00Z","end_at":"2026-12-01T00:00:00Z"}"#, "'end_at'"),
                (#"{"name":"x","slug":"y","organisation":"1"}"#, "'organisation'"),
                (#"{"name":"x","slug":"y","organisation":1.5}"#, "'organisation'"),
                (#"{"name":"x","slug":"y","team":1e300}"#, "'team'"),
                (#"{"name":"x","slug":"y","team":-1}"#, "'team'"),
                (#"{"name":"x","slug":"s1","organisation":\#(w.acme)}"#, "'slug': a survey with slug 's1' already exists"),
                (#"{"name":"a\u0000b","slug":"y"}"#, "'name' must not contain NUL"),
                (#"{"name":"   ","slug":"y"}"#, "'name' must not be blank"),
                (#"{"name":"x","slug":"y","description":\#(String(repeating: "[", count: 5000))}"#, "not valid JSON"),
            ]
            let before = try await world.fingerprint()
            try await world.client { client in
                for (body, expected) in creates {
                    let reply = try await client.send("/api/surveys/", method: .post, key: key, body: body)
                    #expect(reply.status == .badRequest, "\(body.prefix(80))")
                    #expect(reply.object["code"] as? String == "INVALID_BODY", "\(body.prefix(80))")
                    #expect(reply.detail?.contains(expected) == true, "\(body.prefix(80)): \(reply.detail ?? reply.text)")
                }
                for body in [#"{"slug":"s 1"}"#, #"{"status":7}"#, #"{"id":5}"#, "[1]"] {
                    let reply = try await client.send("/api/surveys/\(s1)/", method: .patch, key: key, body: body)
                    #expect(reply.status == .badRequest, "\(body)")
                }
                // An organisation nobody has is no 400 (that would tell it from one the caller
                // has no role in): 403 as for any organisation outside the key (SPEC §4).
                let nowhere = try await client.send("/api/surveys/", method: .post, key: key, body: #"{"name":"x","slug":"y","organisation":99999}"#)
                #expect(nowhere.status == .forbidden, "\(nowhere.text)")
                let put = try await client.send("/api/surveys/\(s1)/", method: .put, key: key, body: #"{"description":"only"}"#)
                #expect(put.detail?.contains("'name' is required") == true)
                let huge = try await client.send("/api/surveys/", method: .post, key: key,
                                                 body: #"{"name":"x","slug":"y","description":""# + String(repeating: "a", count: 300_000) + #""}"#)
                #expect(huge.status == .contentTooLarge)
            }
            #expect(try await world.fingerprint() == before)
        }
    }
}
