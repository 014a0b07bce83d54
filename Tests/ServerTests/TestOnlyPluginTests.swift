import Foundation
import Hummingbird
import HummingbirdTesting
import JSON
import PluginKit
import Policy
import Postgres
import ServerTestSupport
import Testing

/// "A new resource plugin is one folder and one registration line": a plugin that exists only in
/// this file — its facts, rules, routes, OpenAPI part and resolver — is mounted beside the real
/// ones without a line of Policy, Server or PluginKit changing, and the engine, the router, the
/// assembled document, the decision API and organisation confinement all take it in.
@Suite struct TestOnlyPluginTests {
    /// A note: private to its author, or shared with an organisation.
    struct NoteFacts: ResourceFacts {
        var id: Int64
        var authorID: Int64
        var organisationID: Int64?
        var resourceType: ResourceType { "note" }

        func matches(leaf: VisibilityPredicate) -> Bool {
            switch leaf {
            case .ownerIs(let user): return authorID == user
            case .organisationIn(let ids): return organisationID.map(ids.contains) ?? false
            default: return false
            }
        }

        func isWithin(organisation id: Int64) -> Bool { organisationID == id }
        func isWithin(team id: Int64) -> Bool { false }
    }

    /// Read your own notes and those of your organisations.
    struct NoteRules: PolicyRules {
        static let list = Action("note.list")!, retrieve = Action("note.retrieve")!
        var actions: [Action] { [Self.list, Self.retrieve] }

        func decide<Object: ResourceFacts>(_ principal: Principal, _ action: Action, _ object: Object) -> Decision {
            guard let user = principal.user else { return .anonymous }
            if action == Self.list { return .filteredList }
            guard let note = object.exactly(NoteFacts.self) else { return .resourceMismatch }
            if note.authorID == user.userID { return .allow(.allowOwner, "The caller wrote the note.") }
            if let organisation = note.organisationID, user.belongsToOrganisation(organisation) {
                return .allow(.allowMember, "The note is shared with the caller's organisation.")
            }
            return .deny(.denyNotMember, "The note is neither the caller's nor shared with them.")
        }

        func visibility(_ principal: Principal, for action: Action) -> VisibilityPredicate? {
            guard let user = principal.user else { return VisibilityPredicate.none }
            return .or([.ownerIs(user.userID), .organisationIn(user.organisationIDs)])
        }
    }

    struct NotesPlugin: ResourcePlugin {
        static let openAPI = OpenAPIPart(json: #"""
            {"tag": {"name": "notes", "description": "Notes (a plugin of the tests)."},
             "components": {"schemas": {"Note": {"type": "object", "required": ["id", "text"],
               "properties": {"id": {"type": "integer"}, "text": {"type": "string"}}}}},
             "operations": {
               "listNotes": {"tags": ["notes"], "summary": "List notes", "operationId": "listNotes",
                 "responses": {"200": {"description": "The notes.", "content": {"application/json": {"schema":
                   {"type": "array", "items": {"$ref": "#/components/schemas/Note"}}}}}}},
               "retrieveNote": {"tags": ["notes"], "summary": "Retrieve a note", "operationId": "retrieveNote",
                 "responses": {"200": {"description": "The note.", "content": {"application/json": {"schema":
                   {"$ref": "#/components/schemas/Note"}}}}, "404": {"$ref": "#/components/responses/NotFound"}}}}}
            """#)

        var name: String { "notes" }
        var policyRules: any PolicyRules { NoteRules() }
        var openAPITag: OpenAPIFragment { Self.openAPI["tag"] }
        var openAPIComponents: OpenAPIFragment { Self.openAPI["components"] }

        func registerRoutes<Context: PluginRequestContext>(on routes: RouteTable<Context>, dependencies: PluginDependencies) {
            let engine = dependencies.engine, pool = dependencies.pool
            routes.on("/api/notes/", method: .get, .action(NoteRules.list), documented: Self.openAPI.operation("listNotes")) { _, context in
                let user = try context.caller.requireAuthenticated()
                let predicate = engine.visibility(.user(user), for: NoteRules.list)
                let sql = VisibilitySQL(owner: "n.author_id", organisation: "n.organisation_id")
                let rows = try await pool.query("SELECT n.id FROM notes n WHERE \(sql.condition(for: predicate)) ORDER BY n.id")
                return Response.json(body: ByteBuffer(string: "[" + (try rows.map { #"{"id":\#(try $0.decode(Int64.self, at: 0)),"text":"…"}"# })
                    .joined(separator: ",") + "]"))
            }
            routes.on("/api/notes/{id}/", method: .get, .action(NoteRules.retrieve, object: "id"), documented: Self.openAPI.operation("retrieveNote")) { _, context in
                let user = try context.caller.requireAuthenticated()
                let id = try ObjectID.int64("id", in: context)
                guard let facts = try await NotesResolver(pool: pool).facts([id])[id],
                      engine.decide(.user(user), NoteRules.retrieve, .object(facts)).isAllowed
                else { throw APIError.notFound }
                return Response.json(body: ByteBuffer(string: #"{"id":\#(id),"text":"…"}"#))
            }
        }

        func resourceResolvers(dependencies: PluginDependencies) -> [any ResourceResolver] { [NotesResolver(pool: dependencies.pool)] }
    }

    struct NotesResolver: ResourceResolver {
        let pool: PGPool
        var resourceType: ResourceType { "note" }

        func facts(_ ids: [Int64]) async throws -> [Int64: NoteFacts] {
            var found: [Int64: NoteFacts] = [:]
            for row in try await pool.query("SELECT id, author_id, organisation_id FROM notes WHERE id = ANY(\(ids))") {
                let (id, author, organisation) = try row.decode((Int64, Int64, Int64?).self)
                found[id] = NoteFacts(id: id, authorID: author, organisationID: organisation)
            }
            return found
        }

        func resolve(ids: [String], for user: UserPrincipal) async throws -> [Resource?] {
            try await resolve(ids, parse: ObjectID.int64) { ids in try await facts(ids).mapValues { .object($0) } }
        }
    }

    @Test func aPluginOfOneFileIsMountedWhole() async throws {
        try await ServerWorld.with { base in
            // The plugin's migration.
            try await base.pool.execute("""
                CREATE TABLE notes (id bigserial PRIMARY KEY, author_id bigint NOT NULL REFERENCES users (id),
                                    organisation_id bigint REFERENCES organisations (id))
                """)
            // The one registration line.
            var world = ServerWorld(pool: base.pool, plugins: base.mounted + [NotesPlugin()])
            world.service = base.service
            let ann = try await world.user("ann"), ben = try await world.user("ben")
            let acme = try await world.organisation("acme", members: [(ann, "viewer"), (ben, "viewer")])
            let other = try await world.organisation("other", members: [(ann, "admin")])
            let ids = try await world.pool.query("""
                INSERT INTO notes (author_id, organisation_id) VALUES (\(ann), NULL), (\(ben), \(acme)), (\(ben), NULL), (\(ben), \(other))
                RETURNING id
                """).decode(Int64.self)
            let (private_, shared, bens, elsewhere) = (ids[0], ids[1], ids[2], ids[3])
            let service = try #require(base.service)
            let personal = try await world.key(for: ann)
            let confined = try await world.key(for: ann, organisation: acme)
            let mounted = world
            try await mounted.client { client async throws in
                #expect(try await client.send("/api/notes/", key: personal).ids == [private_, shared, elsewhere])
                #expect(try await client.send("/api/notes/\(bens)/", key: personal).status == .notFound)
                // Organisation confinement reaches the plugin without a line of its own.
                #expect(try await client.send("/api/notes/", key: confined).ids == [shared])
                #expect(try await client.send("/api/notes/\(elsewhere)/", key: confined).status == .notFound)
                #expect(try await client.send("/api/notes/\(private_)/", key: confined).status == .notFound)
                // Routing and the 405 answers, the assembled document, the decision API.
                #expect(try await client.send("/api/notes/", method: .delete, key: personal).status == .methodNotAllowed)
                let document = try await client.send("/api/schema").object
                let paths = document["paths"] as? [String: Any] ?? [:]
                #expect(paths["/api/notes/"] != nil && paths["/api/notes/{id}/"] != nil)
                let listed = (paths["/api/notes/"] as? [String: Any])?["get"] as? [String: Any]
                #expect((listed?["responses"] as? [String: Any])?["401"] != nil, "the resource routes' answers are added")
                #expect((document["tags"] as? [[String: Any]])?.contains { $0["name"] as? String == "notes" } == true)
                let body = #"{"subject":{"type":"api_key","id":"\#(confined)"},"action":{"name":"note.retrieve"},"evaluations":[{"resource":{"type":"note","id":"\#(shared)"}},{"resource":{"type":"note","id":"\#(elsewhere)"}}]}"#
                let decisions = try await client.send("/access/v1/evaluations", method: .post,
                                                      headers: [.authorization: "Bearer \(service)"], body: body)
                let answers = (decisions.object["evaluations"] as? [[String: Any]] ?? []).map { $0["decision"] as? Bool }
                #expect(answers == [true, false])
            }
        }
    }
}
