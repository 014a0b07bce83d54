import Foundation
import Hummingbird
import HummingbirdTesting
import JSON
import PluginKit
import Policy
import Postgres
import ServerTestSupport
import Testing
import TestSupport

/// "A new resource plugin is one folder and one registration line": a plugin that exists only in
/// this file — its facts, rules, routes, OpenAPI part, resolver and random-world seeding — is
/// mounted beside the real ones without a line of Policy, Server or PluginKit changing, and the
/// engine, the router, the assembled document, the decision API and organisation confinement all
/// take it in; the decision-agreement test and the tenant-isolation property ask its routes from
/// their records, with no edit of theirs, and catch a plugin that ignores its rules.
@Suite struct TestOnlyPluginTests {
    /// A note: private to its author, or shared with an organisation.
    struct NoteFacts: ResourceFacts {
        var id: Int64
        var authorID: Int64
        var organisationID: Int64?
        var resourceType: ResourceType { "note" }
        var objectID: Int64? { id }

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

        func searchScope(_ principal: Principal, for action: Action) -> VisibilityPredicate? { visibility(principal, for: action) }
    }

    struct NotesPlugin: ResourcePlugin {
        /// A plugin gone wrong: it serves any note to any caller, never asking its rules.
        var ignoresItsRules = false

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

        func mount(dependencies: PluginDependencies) -> any MountedPlugin {
            MountedNotes(dependencies: dependencies, ignoresItsRules: ignoresItsRules)
        }
    }

    struct MountedNotes: MountedPlugin {
        let dependencies: PluginDependencies
        let ignoresItsRules: Bool

        func registerRoutes<Context: PluginRequestContext>(on routes: RouteTable<Context>) {
            let engine = dependencies.engine, pool = dependencies.pool, ignoresItsRules = ignoresItsRules
            routes.on("/api/notes/", method: .get, .action(NoteRules.list), documented: NotesPlugin.openAPI.operation("listNotes")) { _, context in
                let user = try context.caller.requireAuthenticated()
                let predicate = engine.visibility(.user(user), for: NoteRules.list)
                let sql = VisibilitySQL(owner: "n.author_id", organisation: "n.organisation_id")
                let rows = try await pool.query("SELECT n.id FROM notes n WHERE \(sql.condition(for: predicate)) ORDER BY n.id")
                return Response.json(body: ByteBuffer(string: "[" + (try rows.map { #"{"id":\#(try $0.decode(Int64.self, at: 0)),"text":"…"}"# })
                    .joined(separator: ",") + "]"))
            }
            routes.on("/api/notes/{id}/", method: .get, .action(NoteRules.retrieve, object: "id"), documented: NotesPlugin.openAPI.operation("retrieveNote")) { _, context in
                let user = try context.caller.requireAuthenticated()
                let id = try ObjectID.int64("id", in: context)
                guard let facts = try await NotesResolver(pool: pool).facts([id])[id],
                      ignoresItsRules || engine.decide(.user(user), NoteRules.retrieve, .object(facts)).isAllowed
                else { throw APIError.notFound }
                return Response.json(body: ByteBuffer(string: #"{"id":\#(id),"text":"…"}"#))
            }
        }

        var resourceResolvers: [any ResourceResolver] { [NotesResolver(pool: dependencies.pool)] }
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

        func search(_ scope: VisibilityPredicate, after: String?, limit: Int) async throws -> [String]? {
            let visibility = VisibilitySQL(owner: "n.author_id", organisation: "n.organisation_id")
            return try await integerIDs(pool, id: "n.id", from: "notes n", where: visibility.condition(for: scope), after: after, limit: limit)
        }
    }

    @Test func aPluginOfOneFileIsMountedWhole() async throws {
        try await ServerWorld.with { base in
            try await Self.createNotes(base.pool)
            // The one registration line.
            let world = Self.world(base, NotesPlugin())
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

    /// The plugin's migration.
    static func createNotes(_ pool: PGPool) async throws {
        try await pool.execute("""
            CREATE TABLE notes (id bigserial PRIMARY KEY, author_id bigint NOT NULL REFERENCES users (id),
                                organisation_id bigint REFERENCES organisations (id))
            """)
    }

    /// A world mounting the real plugins and `notes`, on `base`'s database.
    static func world(_ base: ServerWorld, _ notes: NotesPlugin) -> ServerWorld {
        var world = ServerWorld(pool: base.pool, plugins: base.mounted + [notes])
        world.service = base.service
        return world
    }

    /// The routes' records carry the plugin's actions: the decision-agreement test asks the
    /// decision API about its requests, and the isolation property walks its routes.
    @Test func theAgreementAndTheIsolationPropertyAskItsRoutes() async throws {
        try await ServerWorld.with { base in
            try await Self.createNotes(base.pool)
            let world = Self.world(base, NotesPlugin())
            let question = DecisionAgreement.$routes.withValue(world.routes) {
                (DecisionAgreement.question(method: .get, uri: "/api/notes/7/?x=1"), DecisionAgreement.question(method: .head, uri: "/api/notes/"))
            }
            #expect(question.0?.action == "note.retrieve" && question.0?.type == "note" && question.0?.id == "7")
            #expect(question.1?.action == "note.list" && question.1?.id == nil)
            let asked = try await TenantIsolationTests.property(world, seed: 11)
            #expect(asked.isSuperset(of: ["GET /api/notes/", "GET /api/notes/{id}/", "GET /api/surveys/{id}/", "DELETE /api/user/{id}/"]), "\(asked.sorted())")
        }
    }

    /// A notes plugin that shows any note to anyone is caught by both, with no edit of theirs.
    @Test func aPluginIgnoringItsRulesIsCaught() async throws {
        try await ServerWorld.with { base in
            try await Self.createNotes(base.pool)
            let world = Self.world(base, NotesPlugin(ignoresItsRules: true))
            let ann = try await world.user("ann"), ben = try await world.user("ben")
            let acme = try await world.organisation("acme", members: [(ann, "viewer")])
            let bens = try await world.pool.query("INSERT INTO notes (author_id) VALUES (\(ben)) RETURNING id")[0].decode(Int64.self, at: 0)
            let key = try await world.key(for: ann, organisation: acme)
            // The decision-agreement test: the resource API serves what the decision API denies.
            await withKnownIssue {
                _ = try await world.client { try await $0.send("/api/notes/\(bens)/", key: key) }
            }
        }
        try await ServerWorld.with { base in
            try await Self.createNotes(base.pool)
            // The isolation property: a note of elsewhere is shown.
            await withKnownIssue {
                _ = try await TenantIsolationTests.property(Self.world(base, NotesPlugin(ignoresItsRules: true)), seed: 12)
            }
        }
    }
}

/// Notes in random worlds: most shared with an organisation, the rest private to their author
/// (which no key confined to an organisation reaches).
extension TestOnlyPluginTests.NotesPlugin: RandomWorldPlugin {
    func seedRandomWorld(_ world: ServerWorld, _ tenants: RandomTenants, _ random: inout SplitMix64) async throws -> [PlacedObject] {
        var placed: [PlacedObject] = []
        for _ in 0..<8 {
            let organisation = random.chance(0.7) ? tenants.organisations.randomElement(using: &random) : nil
            let author = tenants.users.randomElement(using: &random)!
            let id = try await world.pool.query("INSERT INTO notes (author_id, organisation_id) VALUES (\(author), \(organisation)) RETURNING id")[0]
                .decode(Int64.self, at: 0)
            placed.append(PlacedObject("note", id: String(id), organisations: Set([organisation].compactMap { $0 })))
        }
        return placed
    }

    var hiddenObjectStatuses: Set<HTTPResponse.Status> { [.notFound] }
}
