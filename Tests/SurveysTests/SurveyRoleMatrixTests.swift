import Foundation
import Hummingbird
import ServerTestSupport
import Testing

/// The CheckTick roles × list, retrieve and metrics, end to end (SPEC §4 Surveys).
@Suite struct SurveyRoleMatrixTests {
    /// Who sees survey `s1` (in organisation acme, team t1, owned by `author`).
    static let expectations: [(role: String, sees: Bool)] = [
        ("author", true),           // owner
        ("orgOwner", true),         // owns acme, no membership
        ("orgAdmin", true),
        ("orgCreator", false),      // creator in acme, not the owner
        ("orgViewer", false),
        ("surveyCreator", true),
        ("surveyEditor", true),
        ("surveyViewer", true),
        ("teamAdmin", true),
        ("teamViewer", false),
        ("outsider", false),
    ]

    @Test func everyRoleOnListRetrieveAndMetrics() async throws {
        try await ServerWorld.with { world in
            var users: [String: Int64] = [:]
            for (role, _) in Self.expectations { users[role] = try await world.user(role) }
            let acme = try await world.organisation("acme", owner: users["orgOwner"], members: [
                (users["orgAdmin"]!, "admin"), (users["orgCreator"]!, "creator"), (users["orgViewer"]!, "viewer"),
                (users["author"]!, "creator"),
            ])
            let t1 = try await world.team("t1", organisation: acme, members: [(users["teamAdmin"]!, "admin"), (users["teamViewer"]!, "viewer")])
            let s1 = try await world.survey("s1", owner: users["author"]!, organisation: acme, team: t1, members: [
                (users["surveyCreator"]!, "creator"), (users["surveyEditor"]!, "editor"), (users["surveyViewer"]!, "viewer"),
            ])
            // A survey nobody above may see but the outsider, who owns it.
            let s2 = try await world.survey("s2", owner: users["outsider"]!)
            var keys: [String: String] = [:]
            for (role, id) in users { keys[role] = try await world.key(for: id) }
            let frozenKeys = keys

            try await world.client { client in
                for (role, sees) in Self.expectations {
                    let key = frozenKeys[role]!
                    let list = try await client.send("/api/surveys/", key: key)
                    #expect(list.status == .ok, "\(role)")
                    var expected: Set<Int64> = sees ? [s1] : []
                    if role == "outsider" { expected.insert(s2) }
                    #expect(list.ids == expected, "\(role) list")

                    let retrieve = try await client.send("/api/surveys/\(s1)/", key: key)
                    #expect(retrieve.status == (sees ? .ok : .forbidden), "\(role) retrieve")
                    if sees {
                        #expect(retrieve.object["slug"] as? String == "s1")
                    } else {
                        #expect(retrieve.object["code"] as? String == "DENY_NOT_MEMBER", "\(role)")
                        #expect(retrieve.detail != nil)
                    }

                    let metrics = try await client.send("/api/surveys/\(s1)/metrics/responses/", key: key)
                    #expect(metrics.status == (sees ? .ok : .forbidden), "\(role) metrics")
                }
                for uri in ["/api/surveys/", "/api/surveys/\(s1)/", "/api/surveys/\(s1)/metrics/responses/"] {
                    let anonymous = try await client.send(uri)
                    #expect(anonymous.status == .unauthorized, "anonymous \(uri)")
                    #expect(anonymous.headers[.wwwAuthenticate] == #"Bearer realm="api""#)
                    #expect(anonymous.detail == "Authentication credentials were not provided.")
                }
            }
        }
    }

    @Test func retrieveShowsExactlyTheSpecFields() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let id = try await world.survey("s1", owner: alice)
            let key = try await world.key(for: alice)
            try await world.client { client in
                let reply = try await client.send("/api/surveys/\(id)/", key: key)
                #expect(reply.status == .ok)
                #expect(reply.headers[.contentType] == "application/json")
                #expect(Set(reply.object.keys) == ["id", "name", "slug", "description", "status", "start_at", "end_at", "organisation", "team"])
                #expect(reply.object["start_at"] as? String == "2026-11-20T10:00:00Z")
                #expect(reply.object["end_at"] is NSNull)
                #expect(reply.object["organisation"] is NSNull)
                #expect(reply.object["status"] as? String == "published")
                #expect(reply.object["description"] as? String == "About s1")
            }
        }
    }

    @Test func notFoundVersusForbiddenVersusUnauthorized() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let bob = try await world.user("bob")
            let hidden = try await world.survey("hidden", owner: bob)
            let key = try await world.key(for: alice)
            try await world.client { client in
                let reply1 = try await client.send("/api/surveys/\(hidden)/", key: key)
                #expect(reply1.status == .forbidden)
                let reply2 = try await client.send("/api/surveys/\(hidden + 1000)/", key: key)
                #expect(reply2.status == .notFound)
                let reply3 = try await client.send("/api/surveys/\(hidden + 1000)/metrics/responses/", key: key)
                #expect(reply3.status == .notFound)
                let reply4 = try await client.send("/api/surveys/\(hidden)/")
                #expect(reply4.status == .unauthorized)
                let reply5 = try await client.send("/api/surveys/\(hidden + 1000)/")
                #expect(reply5.status == .unauthorized)
            }
        }
    }

    @Test func keyWithoutViewCapabilityIsRefused() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let id = try await world.survey("s1", owner: alice)
            let key = try await world.key(for: alice, capabilities: ["add"])
            try await world.client { client in
                let list = try await client.send("/api/surveys/", key: key)
                #expect(list.status == .forbidden)
                #expect(list.detail == "API key lacks the 'view' capability.")
                let reply6 = try await client.send("/api/surveys/\(id)/", key: key)
                #expect(reply6.status == .forbidden)
            }
        }
    }
}
