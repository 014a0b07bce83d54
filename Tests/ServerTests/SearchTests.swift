import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import ServerTestSupport
import Testing
import Vault

/// The AuthZEN search APIs (SPEC §6): results, pages and their tokens, and refusals.
@Suite struct SearchTests {
    /// Every result of a search, page after page of `limit`, with the number of pages.
    static func all(
        _ client: some TestClientProtocol, _ kind: String, _ body: [String: Any], limit: Int? = nil, service: String
    ) async throws -> (results: [[String: Any]], pages: Int) {
        var results: [[String: Any]] = []
        var token = ""
        var pages = 0
        repeat {
            var request = body
            var page: [String: Any] = [:]
            if let limit { page["limit"] = limit }
            if !token.isEmpty { page["token"] = token }
            if !page.isEmpty { request["page"] = page }
            let reply = try await post(client, kind, request, service: service)
            #expect(reply.status == .ok, "\(kind): \(reply.text)")
            guard reply.status == .ok else { break }
            let items = reply.object["results"] as? [[String: Any]] ?? []
            let meta = reply.object["page"] as? [String: Any] ?? [:]
            #expect(meta["count"] as? Int == items.count)
            if let limit { #expect(items.count <= limit) }
            results += items
            token = meta["next_token"] as? String ?? ""
            pages += 1
        } while !token.isEmpty && pages < 1_000
        return (results, pages)
    }

    static func post(_ client: some TestClientProtocol, _ kind: String, _ body: [String: Any], service: String) async throws -> Reply {
        let data = try JSONSerialization.data(withJSONObject: body)
        return try await client.send("/access/v1/search/\(kind)", method: .post, key: service, body: String(decoding: data, as: UTF8.self))
    }

    static func ids(_ results: [[String: Any]]) -> [String] { results.compactMap { $0["id"] as? String } }

    @Test func resourceSearchPagesThroughEverySurveyTheKeyMayRead() async throws {
        try await ServerWorld.with { world in
            let owner = try await world.user("owner")
            let other = try await world.user("other")
            var mine: [String] = []
            for index in 0..<23 { mine.append(String(try await world.survey("m\(index)", owner: owner))) }
            for index in 0..<5 { try await world.survey("o\(index)", owner: other) }
            let shared = try await world.survey("shared", owner: other, members: [(owner, "viewer")])
            let key = try await world.key(for: owner)
            let service = try #require(world.service)
            let readable = (mine + [String(shared)]).sorted { Int64($0)! < Int64($1)! }
            let owned = Set(mine)
            try await world.client { client in
                let body: [String: Any] = [
                    "subject": ["type": "api_key", "id": key], "action": ["name": "survey.retrieve"],
                    "resource": ["type": "survey", "id": "ignored"],
                ]
                let (results, pages) = try await Self.all(client, "resource", body, limit: 10, service: service)
                #expect(pages == 3)
                #expect(Self.ids(results) == readable)
                #expect(results.allSatisfy { $0["type"] as? String == "survey" && $0.count == 2 })
                let whole = try await Self.all(client, "resource", body, service: service)
                #expect(whole.pages == 1 && Self.ids(whole.results) == Self.ids(results))
                // A viewer may read the shared survey, not edit it; a key without `edit` edits nothing.
                var edit = body
                edit["action"] = ["name": "survey.update"]
                #expect(try await Self.all(client, "resource", edit, service: service).results.isEmpty)
                edit["subject"] = ["type": "user", "id": String(owner)]
                #expect(Set(Self.ids(try await Self.all(client, "resource", edit, limit: 7, service: service).results)) == owned)
                // A subject that is not valid finds nothing.
                var revoked = body
                revoked["subject"] = ["type": "api_key", "id": try await world.key(for: owner, revoked: true)]
                #expect(try await Self.all(client, "resource", revoked, service: service).results.isEmpty)
            }
        }
    }

    @Test func pageTokensContinueOnlyTheirOwnSearch() async throws {
        try await ServerWorld.with { world in
            let owner = try await world.user("owner")
            for index in 0..<6 { try await world.survey("m\(index)", owner: owner) }
            let key = try await world.key(for: owner)
            let otherKey = try await world.key(for: owner)
            let service = try #require(world.service)
            @Sendable func request() -> [String: Any] {
                ["subject": ["type": "api_key", "id": key], "action": ["name": "survey.retrieve"], "resource": ["type": "survey"], "page": ["limit": 2]]
            }
            let token = try await world.client { client in
                let body = request()
                let first = try await Self.post(client, "resource", body, service: service)
                let token = try #require((first.object["page"] as? [String: Any])?["next_token"] as? String)
                #expect(!token.isEmpty)
                var next = body
                next["page"] = ["limit": 2, "token": token]
                #expect(try await Self.post(client, "resource", next, service: service).status == .ok)
                // Another limit continues the same search.
                next["page"] = ["limit": 5, "token": token]
                #expect(Self.ids(try await Self.post(client, "resource", next, service: service).items).count == 4)

                var tampered: [String] = []
                let parts = token.split(separator: ".").map(String.init)
                tampered.append(String(token.dropLast()) + (token.last == "A" ? "B" : "A"))
                tampered.append(Base64URLText.encode("999") + "." + parts[1])
                tampered.append(parts[0])
                tampered.append(token + ".x")
                tampered.append("not a token")
                for bad in tampered {
                    next["page"] = ["limit": 2, "token": bad]
                    let reply = try await Self.post(client, "resource", next, service: service)
                    #expect(reply.status == .badRequest, "\(bad)")
                    #expect(reply.detail?.contains("'page.token'") == true)
                }
                // Replayed with other parameters.
                for (member, value) in [
                    ("action", ["name": "survey.update"]), ("subject", ["type": "api_key", "id": otherKey]),
                    ("resource", ["type": "dataset"]), ("context", ["ip": "10.0.0.1"]),
                ] as [(String, [String: String])] {
                    var replay = body
                    replay[member] = value
                    replay["page"] = ["token": token]
                    let reply = try await Self.post(client, "resource", replay, service: service)
                    #expect(reply.status == .badRequest, "\(member)")
                }
                var otherKind = body
                otherKind["page"] = ["token": token]
                otherKind["resource"] = ["type": "survey", "id": "1"]
                #expect(try await Self.post(client, "action", otherKind, service: service).status == .badRequest)
                return token
            }
            // Another instance (another router) without the shared secret refuses it.
            try await world.client { client in
                var next = request()
                next["page"] = ["token": token]
                let reply = try await Self.post(client, "resource", next, service: service)
                #expect(reply.status == .badRequest)
            }
            // With LATCHKEY_SECRET_KEY shared, a token made by one instance serves on another.
            let shared = APISettings(secretBox: SecretBox(key: [UInt8](repeating: 7, count: 32)))
            let sharedToken = try await world.client(settings: shared) { client in
                let first = try await Self.post(client, "resource", request(), service: service)
                return (first.object["page"] as? [String: Any])?["next_token"] as? String ?? ""
            }
            try await world.client(settings: shared) { client in
                var next = request()
                next["page"] = ["token": sharedToken]
                let reply = try await Self.post(client, "resource", next, service: service)
                #expect(reply.status == .ok && reply.items.count == 4)
            }
        }
    }

    @Test func badSearchesAreRefusedNamingTheMember() async throws {
        try await ServerWorld.with { world in
            let owner = try await world.user("owner")
            let survey = try await world.survey("s", owner: owner)
            let key = try await world.key(for: owner)
            let service = try #require(world.service)
            let subject = #"{"type":"api_key","id":"\#(key)"}"#
            let cases: [(String, String, String)] = [
                ("resource", #"{"action":{"name":"survey.retrieve"},"resource":{"type":"survey"}}"#, "'subject' is required"),
                ("resource", #"{"subject":\#(subject),"resource":{"type":"survey"}}"#, "'action' is required"),
                ("resource", #"{"subject":\#(subject),"action":{"name":"survey.retrieve"}}"#, "'resource' is required"),
                ("resource", #"{"subject":5,"action":{"name":"survey.retrieve"},"resource":{"type":"survey"}}"#, "'subject' must be an object"),
                ("resource", #"{"subject":{"type":"api_key"},"action":{"name":"survey.retrieve"},"resource":{"type":"survey"}}"#, "'subject.id' is required"),
                ("resource", #"{"subject":\#(subject),"action":{"name":7},"resource":{"type":"survey"}}"#, "'action.name' must be a string"),
                ("resource", #"{"subject":\#(subject),"action":{"name":"survey.retrieve"},"resource":{"id":"1"}}"#, "'resource.type' is required"),
                ("resource", #"{"subject":\#(subject),"action":{"name":"survey"},"resource":{"type":"survey"}}"#, "'action.name'"),
                ("resource", #"{"subject":\#(subject),"action":{"name":"survey.frobnicate"},"resource":{"type":"survey"}}"#, "'action.name' names no action"),
                ("resource", #"{"subject":\#(subject),"action":{"name":"survey.retrieve"},"resource":{"type":"spaceship"}}"#, "'resource.type' names no resource type"),
                ("resource", #"{"subject":\#(subject),"action":{"name":"survey.retrieve"},"resource":{"type":"dataset"}}"#, "'resource.type' is 'dataset'"),
                ("resource", #"{"subject":\#(subject),"action":{"name":"survey.create"},"resource":{"type":"survey"}}"#, "creates objects"),
                ("resource", #"{"subject":\#(subject),"action":{"name":"key.revoke"},"resource":{"type":"key"}}"#, "cannot be searched"),
                ("resource", #"{"subject":\#(subject),"action":{"name":"survey.retrieve"},"resource":{"type":"survey"},"page":{"limit":0}}"#, "'page.limit' must be an integer from 1 to 1000"),
                ("resource", #"{"subject":\#(subject),"action":{"name":"survey.retrieve"},"resource":{"type":"survey"},"page":{"limit":1001}}"#, "'page.limit'"),
                ("resource", #"{"subject":\#(subject),"action":{"name":"survey.retrieve"},"resource":{"type":"survey"},"page":{"limit":2.5}}"#, "'page.limit'"),
                ("resource", #"{"subject":\#(subject),"action":{"name":"survey.retrieve"},"resource":{"type":"survey"},"page":{"limit":"10"}}"#, "'page.limit'"),
                ("resource", #"{"subject":\#(subject),"action":{"name":"survey.retrieve"},"resource":{"type":"survey"},"page":{"token":5}}"#, "'page.token' must be a string"),
                ("resource", #"{"subject":\#(subject),"action":{"name":"survey.retrieve"},"resource":{"type":"survey"},"page":[]}"#, "'page' must be an object"),
                ("subject", #"{"subject":\#(subject),"action":{"name":"survey.retrieve"},"resource":{"type":"survey","id":"\#(survey)"}}"#, "'subject.type' must be 'user'"),
                ("subject", #"{"subject":{"type":"user"},"action":{"name":"survey.retrieve"},"resource":{"type":"survey"}}"#, "'resource.id' is required"),
                ("subject", #"{"subject":{"type":"user"},"resource":{"type":"survey","id":"1"}}"#, "'action' is required"),
                ("action", #"{"subject":\#(subject),"resource":{"type":"survey"}}"#, "'resource.id' is required"),
                ("action", #"{"subject":\#(subject),"resource":{"type":"spaceship","id":"1"}}"#, "'resource.type' names no resource type"),
                ("action", #"{"resource":{"type":"survey","id":"1"}}"#, "'subject' is required"),
                ("action", "[]", "the body must be a JSON object"),
                ("action", "{", "Invalid request body"),
            ]
            let before = try await world.fingerprint()
            try await world.client { client in
                for (kind, body, message) in cases {
                    let reply = try await client.send("/access/v1/search/\(kind)", method: .post, key: service, body: body)
                    #expect(reply.status == .badRequest, "\(kind) \(body): \(reply.text)")
                    #expect(reply.detail?.contains(message) == true, "\(kind) \(body): \(reply.text)")
                }
                // Ignored: the searched entity's id, and an action in an action search.
                let subjectSearch = try await client.send("/access/v1/search/subject", method: .post, key: service, body: #"""
                    {"subject":{"type":"user","id":"nobody"},"action":{"name":"survey.retrieve"},"resource":{"type":"survey","id":"\#(survey)"}}
                    """#)
                #expect(Self.ids(subjectSearch.items) == [String(owner)])
                let actionSearch = try await client.send("/access/v1/search/action", method: .post, key: service, body: #"""
                    {"subject":\#(subject),"action":{"name":"nonsense"},"resource":{"type":"survey","id":"\#(survey)"}}
                    """#)
                #expect(actionSearch.status == .ok)
                // Without a service credential: 401.
                let refused = try await client.send("/access/v1/search/action", method: .post, key: key, body: "{}")
                #expect(refused.status == .unauthorized)
            }
            #expect(try await world.fingerprint() == before)
        }
    }

    @Test func subjectAndActionSearchAnswerWhoAndWhat() async throws {
        try await ServerWorld.with { world in
            let owner = try await world.user("owner")
            let admin = try await world.user("admin")
            let viewer = try await world.user("viewer")
            let editor = try await world.user("editor")
            let outsider = try await world.user("outsider")
            let gone = try await world.user("gone", active: false)
            let free = try await world.user("free", tier: .free)
            let org = try await world.organisation("acme", members: [(admin, "admin"), (viewer, "viewer"), (gone, "admin"), (free, "admin")])
            let survey = try await world.survey("s", owner: owner, organisation: org, members: [(editor, "editor"), (outsider, "viewer")])
            _ = outsider
            let service = try #require(world.service)
            try await world.client { client in
                func who(_ action: String) async throws -> [Int64] {
                    let body: [String: Any] = ["subject": ["type": "user"], "action": ["name": action], "resource": ["type": "survey", "id": String(survey)]]
                    return Self.ids(try await Self.all(client, "subject", body, limit: 2, service: service).results).compactMap { Int64($0) }
                }
                let (retrieve, update, delete, list) = (try await who("survey.retrieve"), try await who("survey.update"),
                                                        try await who("survey.delete"), try await who("survey.list"))
                #expect(retrieve == [owner, admin, editor, outsider].sorted())
                #expect(update == [owner, admin, editor].sorted())
                #expect(delete == [owner, admin].sorted())
                #expect(list == retrieve)

                func what(_ user: Int64) async throws -> [String] {
                    let body: [String: Any] = ["subject": ["type": "user", "id": String(user)], "resource": ["type": "survey", "id": String(survey)]]
                    return try await Self.all(client, "action", body, limit: 4, service: service).results.compactMap { $0["name"] as? String }
                }
                let every = ["survey.list", "survey.retrieve", "survey.metrics", "survey.create", "survey.update", "survey.delete"]
                let answers = [try await what(owner), try await what(editor), try await what(viewer), try await what(gone), try await what(free)]
                #expect(answers[0] == every)
                #expect(answers[1] == ["survey.list", "survey.retrieve", "survey.metrics", "survey.create", "survey.update"])
                #expect(answers[2] == ["survey.create"])
                #expect(answers[3].isEmpty && answers[4].isEmpty)
            }
        }
    }
}

/// base64url without padding, for forging tokens.
enum Base64URLText {
    static func encode(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
