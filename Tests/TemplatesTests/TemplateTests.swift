import Foundation
import Hummingbird
import Policy
import TemplatesPolicy
import ServerTestSupport
import Testing
import TestSupport

/// SPEC §4 Question-group templates, end to end: visibility, filters, ordering, fields.
@Suite struct TemplateTests {
    static let path = "/api/question-group-templates/"

    @Test func visibilityOfGlobalOwnOrgOtherOrgAndDeleted() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let bob = try await world.user("bob")
            let acmeOwner = try await world.user("acmeowner")
            let outsider = try await world.user("outsider")
            let acme = try await world.organisation("acme", owner: acmeOwner, members: [(alice, "viewer")])
            let beta = try await world.organisation("beta", members: [(bob, "admin")])
            let global = try await world.template("global", publisher: bob)
            let own = try await world.template("own", publisher: alice, level: "organisation", organisation: acme)
            let other = try await world.template("other", publisher: bob, level: "organisation", organisation: beta)
            let deletedGlobal = try await world.template("gone", publisher: alice, status: "deleted")
            let deletedOwn = try await world.template("gone2", publisher: alice, level: "organisation", organisation: acme, status: "deleted")
            // A global template that also names an organisation is visible to everyone.
            let globalWithOrg = try await world.template("globalorg", publisher: bob, organisation: beta)
            let keys = (
                alice: try await world.key(for: alice), bob: try await world.key(for: bob),
                owner: try await world.key(for: acmeOwner), outsider: try await world.key(for: outsider)
            )
            let all = [global, own, other, deletedGlobal, deletedOwn, globalWithOrg]
            let expected: [(String, Set<Int64>)] = [
                (keys.alice, [global, own, globalWithOrg]),
                (keys.bob, [global, other, globalWithOrg]),
                (keys.owner, [global, own, globalWithOrg]),
                (keys.outsider, [global, globalWithOrg]),
            ]
            try await world.client { client in
                for (key, visible) in expected {
                    let list = try await client.send(Self.path, key: key)
                    #expect(list.status == .ok)
                    #expect(list.ids == visible)
                    for id in all {
                        let reply = try await client.send("\(Self.path)\(id)/", key: key)
                        #expect(reply.status == (visible.contains(id) ? .ok : .notFound), "template \(id)")
                        if !visible.contains(id) { #expect(reply.detail == "Not found.") }
                    }
                }
                for uri in ["\(Self.path)\(all.max()! + 1000)/", "\(Self.path)abc/", "\(Self.path)-1/", "\(Self.path)0/",
                            "\(Self.path)99999999999999999999/"] {
                    let reply = try await client.send(uri, key: keys.alice)
                    #expect(reply.status == .notFound, "\(uri)")
                }
                // A path whose id is no id is unknown (404) before credentials, as Django routes it.
                #expect(try await client.send("\(Self.path)abc/").status == .notFound)
                for uri in [Self.path, "\(Self.path)\(global)/"] {
                    let anonymous = try await client.send(uri)
                    #expect(anonymous.status == .unauthorized, "\(uri)")
                    #expect(anonymous.headers[.wwwAuthenticate] == #"Bearer realm="api""#)
                    #expect(anonymous.detail == "Authentication credentials were not provided.")
                }
            }
        }
    }

    @Test func fieldsAndCanDelete() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let bob = try await world.user("bob")
            let acme = try await world.organisation("acme", members: [(alice, "creator"), (bob, "viewer")])
            let id = try await world.template(
                "Vitals", publisher: alice, level: "organisation", organisation: acme, tags: ["core", "vitals"],
                language: "fr", importCount: 7, description: "Heart rate", markdown: "# Vitals",
                attribution: #"{"authors": ["A. Author"], "year": 2024, "licence": {"name": "CC-BY"}}"#)
            let keys = (alice: try await world.key(for: alice), bob: try await world.key(for: bob))
            try await world.client { client in
                let reply = try await client.send("\(Self.path)\(id)/", key: keys.alice)
                #expect(reply.status == .ok)
                #expect(reply.headers[.contentType] == "application/json")
                #expect(Set(reply.object.keys) == [
                    "id", "name", "description", "markdown", "publication_level", "publisher_username",
                    "organization_name", "attribution", "tags", "language", "import_count", "can_delete",
                    "created_at", "updated_at",
                ])
                let object = reply.object
                #expect((object["id"] as? NSNumber)?.int64Value == id)
                #expect(object["name"] as? String == "Vitals")
                #expect(object["description"] as? String == "Heart rate")
                #expect(object["markdown"] as? String == "# Vitals")
                #expect(object["publication_level"] as? String == "organisation")
                #expect(object["publisher_username"] as? String == "alice")
                #expect(object["organization_name"] as? String == "ACME")
                #expect(object["attribution"] as? NSDictionary == [
                    "authors": ["A. Author"], "year": 2024, "licence": ["name": "CC-BY"],
                ] as NSDictionary)
                #expect(object["tags"] as? [String] == ["core", "vitals"])
                #expect(object["language"] as? String == "fr")
                #expect(object["import_count"] as? Int == 7)
                #expect(object["can_delete"] as? Bool == true)
                #expect(object["created_at"] as? String == "2026-01-02T03:04:05Z")
                #expect((object["updated_at"] as? String)?.hasSuffix("Z") == true)

                let asBob = try await client.send("\(Self.path)\(id)/", key: keys.bob)
                #expect(asBob.object["can_delete"] as? Bool == false)
                let list = try await client.send(Self.path, key: keys.bob)
                #expect((list.json as? [[String: Any]])?.first?["can_delete"] as? Bool == false)
                let ownList = try await client.send(Self.path, key: keys.alice)
                #expect((ownList.json as? [[String: Any]])?.first?["can_delete"] as? Bool == true)
            }
        }
    }

    @Test func globalTemplateHasNullOrganizationName() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let id = try await world.template("g", publisher: alice)
            let key = try await world.key(for: alice)
            try await world.client { client in
                let object = try await client.send("\(Self.path)\(id)/", key: key).object
                #expect(object["organization_name"] is NSNull)
                #expect(object["publication_level"] as? String == "global")
                #expect(object["attribution"] as? NSDictionary == [:] as NSDictionary)
                #expect(object["tags"] as? [String] == [])
                #expect(object["language"] as? String == "en")
            }
        }
    }

    @Test func filtersCombineWithAnd() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let acme = try await world.organisation("acme", members: [(alice, "viewer")])
            let vitals = try await world.template("Vitals", publisher: alice, tags: ["core", "vitals"], description: "Heart RATE and blood pressure")
            let french = try await world.template("Signes", publisher: alice, tags: ["core"], language: "fr")
            let orgOnly = try await world.template("Growth", publisher: alice, level: "organisation", organisation: acme, tags: ["vitals"])
            let key = try await world.key(for: alice)
            let cases: [(String, Set<Int64>)] = [
                ("", [vitals, french, orgOnly]),
                ("publication_level=global", [vitals, french]),
                ("publication_level=organisation", [orgOnly]),
                ("language=fr", [french]),
                ("language=en", [vitals, orgOnly]),
                ("language=", [vitals, french, orgOnly]),
                ("tags=core", [vitals, french]),
                ("tags=core,vitals", [vitals]),
                ("tags=vitals,core", [vitals]),
                ("tags=vitals", [vitals, orgOnly]),
                ("tags=core,missing", []),
                ("search=vital", [vitals]),
                ("search=VITAL", [vitals]),
                ("search=heart%20rate", [vitals]),
                ("search=gRoWtH", [orgOnly]),
                ("search=", [vitals, french, orgOnly]),
                ("tags=core&language=en", [vitals]),
                ("publication_level=organisation&tags=core", []),
                ("search=s&publication_level=global&language=fr", [french]),
            ]
            try await world.client { client in
                for (query, expected) in cases {
                    let reply = try await client.send("\(Self.path)?\(query)", key: key)
                    #expect(reply.status == .ok, "\(query)")
                    #expect(reply.ids == expected, "\(query)")
                }
            }
        }
    }

    @Test func badFilterValuesAre400() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let key = try await world.key(for: alice)
            let bad = [
                "publication_level=team", "publication_level=", "publication_level=Global",
                "ordering=", "ordering=id", "ordering=name,-name", "ordering=NAME", "ordering=%20name",
                "ordering=name;DROP%20TABLE%20users", "ordering=status", "ordering=--name",
                "ordering=name&ordering=-name", "language=en&language=fr", "search=a%00b",
                "limit=0", "offset=-1",
            ]
            try await world.client { client in
                for query in bad {
                    let reply = try await client.send("\(Self.path)?\(query)", key: key)
                    #expect(reply.status == .badRequest, "\(query)")
                    #expect(reply.headers[.contentType] == "application/json", "\(query)")
                    #expect(reply.object["code"] as? String == "INVALID_PARAMETER", "\(query)")
                    #expect(reply.detail?.isEmpty == false, "\(query)")
                }
                let ordering = try await client.send("\(Self.path)?ordering=bogus", key: key)
                #expect(ordering.detail == "Invalid value for query parameter 'ordering': expected one of "
                    + "name, -name, created_at, -created_at, import_count, -import_count.")
            }
            let users = try await world.pool.query("SELECT count(*) FROM users")[0].decode(Int.self, at: 0)
            #expect(users == 1)
        }
    }

    @Test func sqlTextInFiltersIsData() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let plain = try await world.template("plain", publisher: alice)
            let tricky = try await world.template("it's' OR '1'='1", publisher: alice, tags: ["x' OR 'a'='a"], language: "en'--")
            let key = try await world.key(for: alice)
            let cases: [(String, Set<Int64>)] = [
                ("search=%27%20OR%201%3D1%20--", []),
                ("search=%27%20OR%20%271%27%3D%271", [tricky]),
                ("language=en%27%20OR%20%271%27%3D%271", []),
                ("language=en%27--", [tricky]),
                ("tags=x%27%20OR%20%27a%27%3D%27a", [tricky]),
                ("tags=%7D%27%3B%20DROP%20TABLE%20users%3B%20--", []),
                ("search=%29%20OR%20TRUE%20OR%20%28", []),
                ("search=%24%31", []),
            ]
            try await world.client { client in
                for (query, expected) in cases {
                    let reply = try await client.send("\(Self.path)?\(query)", key: key)
                    #expect(reply.status == .ok, "\(query)")
                    #expect(reply.ids == expected, "\(query)")
                }
                let all = try await client.send(Self.path, key: key)
                #expect(all.ids == [plain, tricky])
            }
        }
    }

    @Test func searchMatchesPercentUnderscoreAndBackslashLiterally() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let percent = try await world.template("100% done", publisher: alice)
            let underscore = try await world.template("snake_case", publisher: alice)
            let backslash = try await world.template(#"C:\path"#, publisher: alice)
            let decoy = try await world.template("1000 done snakeXcase C:path", publisher: alice)
            let key = try await world.key(for: alice)
            let cases: [(String, Set<Int64>)] = [
                ("search=%25", [percent]),
                ("search=0%25%20d", [percent]),
                ("search=_", [underscore]),
                ("search=e_c", [underscore]),
                ("search=%5C", [backslash]),
                ("search=C%3A%5Cp", [backslash]),
                ("search=%5C%25", []),
                ("search=done", [percent, decoy]),
            ]
            try await world.client { client in
                for (query, expected) in cases {
                    let reply = try await client.send("\(Self.path)?\(query)", key: key)
                    #expect(reply.ids == expected, "\(query)")
                }
            }
        }
    }

    @Test func everyOrdering() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            // (name, created day, import count); ties on import_count break on id.
            let specs: [(String, Int, Int)] = [("delta", 3, 5), ("alpha", 1, 9), ("charlie", 4, 5), ("bravo", 2, 0)]
            var made: [(id: Int64, name: String, day: Int, imports: Int)] = []
            for (name, day, imports) in specs {
                let id = try await world.template(name, publisher: alice, importCount: imports, createdAt: "2026-01-0\(day) 00:00:00+00")
                made.append((id, name, day, imports))
            }
            let key = try await world.key(for: alice)
            let byName = made.sorted { $0.name < $1.name }.map(\.id)
            let byDay = made.sorted { $0.day < $1.day }.map(\.id)
            let byImports = made.sorted { ($0.imports, $0.id) < ($1.imports, $1.id) }.map(\.id)
            let expected: [(String, [Int64])] = [
                ("ordering=name", byName), ("ordering=-name", byName.reversed()),
                ("ordering=created_at", byDay), ("ordering=-created_at", byDay.reversed()),
                ("ordering=import_count", byImports), ("ordering=-import_count", byImports.reversed()),
                ("", byDay.reversed()),
            ]
            try await world.client { client in
                for (query, order) in expected {
                    let reply = try await client.send("\(Self.path)?\(query)", key: key)
                    #expect(reply.orderedIDs == order, "\(query)")
                    let page = try await client.send("\(Self.path)?\(query)&limit=2&offset=1", key: key)
                    #expect(page.orderedIDs == Array(order[1..<3]), "\(query) paged")
                    #expect(page.object["count"] as? Int == order.count)
                }
            }
        }
    }

    @Test func otherMethodsAre405() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let id = try await world.template("t", publisher: alice)
            let key = try await world.key(for: alice, capabilities: ["view", "add", "edit", "delete"])
            try await world.client { client in
                for uri in [Self.path, "\(Self.path)\(id)/"] {
                    for method in [HTTPRequest.Method.post, .put, .patch, .delete] {
                        let reply = try await client.send(uri, method: method, key: key)
                        #expect(reply.status == .methodNotAllowed, "\(method) \(uri)")
                        #expect(reply.headers[.allow] == "GET, HEAD, OPTIONS", "\(method) \(uri)")
                    }
                }
                let get = try await client.send("\(Self.path)\(id)/", key: key)
                #expect(get.status == .ok)
            }
        }
    }

    @Test func keyWithoutViewIs403() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let id = try await world.template("t", publisher: alice)
            let key = try await world.key(for: alice, capabilities: ["add"])
            try await world.client { client in
                for uri in [Self.path, "\(Self.path)\(id)/"] {
                    let reply = try await client.send(uri, key: key)
                    #expect(reply.status == .forbidden, "\(uri)")
                    #expect(reply.detail == "API key lacks the 'view' capability.")
                }
            }
        }
    }

    /// A seeded random world: every caller's list equals the templates the engine allows one by
    /// one, both in memory and through retrieve.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func listEqualsPerObjectDecisions(seed: UInt64) async throws {
        try await ServerWorld.with { world in
            var random = SplitMix64(seed: seed)
            var users: [Int64] = []
            for index in 0..<6 { users.append(try await world.user("u\(index)")) }
            var organisations: [Int64] = []
            for index in 0..<3 {
                let owner = random.chance(0.4) ? users.randomElement(using: &random) : nil
                let members = users.filter { _ in random.chance(0.35) }.map { ($0, ["admin", "creator", "viewer"].randomElement(using: &random)!) }
                organisations.append(try await world.organisation("o\(index)", owner: owner, members: members))
            }
            var facts: [TemplateFacts] = []
            for index in 0..<14 {
                let publisher = users.randomElement(using: &random)!
                let level: PublicationLevel = random.chance(0.4) ? .global : .organisation
                let organisation = level == .organisation || random.chance(0.3) ? organisations.randomElement(using: &random) : nil
                let status: TemplateStatus = random.chance(0.2) ? .deleted : .active
                let id = try await world.template(
                    "t\(index)", publisher: publisher, level: level.rawValue, organisation: organisation, status: status.rawValue)
                facts.append(TemplateFacts(id: id, level: level, organisationID: organisation, publisherID: publisher, status: status))
            }
            var keys: [(Int64, String)] = []
            for user in users { keys.append((user, try await world.key(for: user))) }
            let allKeys = keys, allFacts = facts
            let engine = world.dependencies.engine
            let memberships = try await world.organisationsByUser()

            try await world.client { client in
                var listedSomething = false
                for (user, key) in allKeys {
                    let listed = try await client.send(Self.path, key: key).ids
                    let principal = Principal.user(UserPrincipal(
                        userID: user, tier: .pro,
                        organisationRoles: MembershipTable((memberships.roles[user] ?? []).map { ($0, .viewer) }),
                        ownedOrganisations: IDSet(memberships.owned[user] ?? [])))
                    let decided = Set(allFacts.filter { engine.decide(principal, .templateRetrieve, .template($0)).isAllowed }.map(\.id))
                    var retrievable: Set<Int64> = []
                    for template in allFacts {
                        let status = try await client.send("\(Self.path)\(template.id)/", key: key).status
                        #expect(status == .ok || status == .notFound)
                        if status == .ok { retrievable.insert(template.id) }
                    }
                    #expect(listed == decided, "seed \(seed) user \(user)")
                    #expect(listed == retrievable, "seed \(seed) user \(user)")
                    listedSomething = listedSomething || !listed.isEmpty
                }
                #expect(listedSomething)
            }
        }
    }
}
