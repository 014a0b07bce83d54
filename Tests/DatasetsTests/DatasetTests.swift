import Foundation
import Hummingbird
import ServerTestSupport
import Testing
import TestSupport

/// SPEC §4 Datasets, read side: visibility for every kind of dataset, retrieve, tag counts,
/// filters, ordering, fields, and list == per-object decisions, end to end.
@Suite struct DatasetTests {
    @Test func everyKindOfDatasetIsVisibleToExactlyTheRightCallers() async throws {
        try await ServerWorld.with { world in
            let member = try await world.user("member")
            let orgOwner = try await world.user("orgowner")
            let teamMember = try await world.user("teammember")
            let creator = try await world.user("creator")
            let stranger = try await world.user("stranger")
            let acme = try await world.organisation("acme", owner: orgOwner, members: [(member, "viewer")])
            let beta = try await world.organisation("beta")
            let team = try await world.team("t1", members: [(teamMember, "viewer")])
            try await world.dataset("nhs", global: true, category: "nhs_dd")
            try await world.dataset("orgset", organisation: acme, createdBy: stranger)
            try await world.dataset("teamset", team: team, createdBy: stranger)
            try await world.dataset("mine", createdBy: creator)
            try await world.dataset("theirs", createdBy: stranger)
            try await world.dataset("mine-in-beta", organisation: beta, createdBy: creator)
            try await world.dataset("dead-global", global: true, active: false)
            try await world.dataset("dead-org", organisation: acme, active: false)
            try await world.dataset("dead-mine", createdBy: creator, active: false)
            let all = ["nhs", "orgset", "teamset", "mine", "theirs", "mine-in-beta", "dead-global", "dead-org", "dead-mine"]
            var keys: [String: String] = [:]
            for (name, id) in [("member", member), ("orgOwner", orgOwner), ("teamMember", teamMember),
                               ("creator", creator), ("stranger", stranger)] {
                keys[name] = try await world.key(for: id)
            }
            let expectations: [(caller: String, sees: Set<String>)] = [
                ("anonymous", ["nhs"]),
                ("member", ["nhs", "orgset"]),
                ("orgOwner", ["nhs", "orgset"]),
                ("teamMember", ["nhs", "teamset"]),
                ("creator", ["nhs", "mine"]),
                ("stranger", ["nhs", "theirs"]),
            ]
            let frozenKeys = keys
            try await world.client { client in
                for (caller, sees) in expectations {
                    let key = frozenKeys[caller]
                    let list = try await client.send("/api/datasets/", key: key)
                    #expect(list.status == .ok, "\(caller)")
                    #expect(Set(list.keys) == sees, "\(caller) list")
                    for dataset in all {
                        let reply = try await client.send("/api/datasets/\(dataset)/", key: key)
                        #expect(reply.status == (sees.contains(dataset) ? .ok : .notFound), "\(caller) retrieve \(dataset)")
                        if sees.contains(dataset) {
                            #expect(reply.object["key"] as? String == dataset)
                        } else {
                            #expect(reply.detail == "Not found.")
                        }
                    }
                    for missing in ["nope", "NHS", "a%20b", "%27%3B--", "-x", "%00"] {
                        let reply = try await client.send("/api/datasets/\(missing)/", key: key)
                        #expect(reply.status == .notFound, "\(caller) \(missing)")
                        #expect(reply.headers[.contentType] == "application/json")
                    }
                }
            }
        }
    }

    @Test func fieldsOptionsAndPermissions() async throws {
        try await ServerWorld.with { world in
            let admin = try await world.user("admin")
            let creator = try await world.user("creator")
            let acme = try await world.organisation("acme", members: [(admin, "admin"), (creator, "creator")])
            let team = try await world.team("t1", organisation: acme, members: [(admin, "admin")])
            let options = ["  leading", "trailing  ", "zeta", "alpha", #"with "quotes" and \ backslash"#,
                           "comma, inside", "", "tab\there", "new\nline", "ünïcödé", "NULL", "{braces}"]
            try await world.dataset("conditions", name: "Conditions", description: "Things", organisation: acme,
                                    team: team, createdBy: creator, options: options, tags: ["b", "a"])
            try await world.dataset("nhs", category: "nhs_dd", organisation: acme)
            try await world.dataset("global", global: true, organisation: acme)
            let adminEdit = try await world.key(for: admin, organisation: acme, capabilities: ["view", "edit"])
            let adminView = try await world.key(for: admin, organisation: acme)
            let creatorEdit = try await world.key(for: creator, organisation: acme, capabilities: ["view", "edit"])

            try await world.client { client in
                let reply = try await client.send("/api/datasets/conditions/", key: adminEdit)
                #expect(reply.status == .ok)
                #expect(reply.headers[.contentType] == "application/json")
                let fields = ["key", "name", "description", "category", "is_global", "organisation", "organisation_name",
                              "team", "team_name", "options", "tags", "version", "is_active", "is_editable", "can_publish",
                              "created_at", "updated_at"]
                #expect(Set(reply.object.keys) == Set(fields))
                #expect(reply.object["options"] as? [String] == options)
                #expect(reply.object["tags"] as? [String] == ["b", "a"])
                #expect(reply.object["name"] as? String == "Conditions")
                #expect(reply.object["description"] as? String == "Things")
                #expect(reply.object["category"] as? String == "user_created")
                #expect(reply.object["is_global"] as? Bool == false)
                #expect((reply.object["organisation"] as? NSNumber)?.int64Value == acme)
                #expect(reply.object["organisation_name"] as? String == "ACME")
                #expect((reply.object["team"] as? NSNumber)?.int64Value == team)
                #expect(reply.object["team_name"] as? String == "t1")
                #expect(reply.object["version"] as? Int == 1)
                #expect(reply.object["is_active"] as? Bool == true)
                #expect(reply.object["created_at"] as? String == "2026-11-20T10:00:00Z")
                #expect(reply.object["updated_at"] as? String == "2026-11-21T10:00:00.500000Z")

                // is_editable follows dataset.update (capability and role); can_publish also needs an admin.
                let cases: [(key: String, dataset: String, editable: Bool, publish: Bool)] = [
                    (adminEdit, "conditions", true, true),
                    (adminView, "conditions", false, false),
                    (creatorEdit, "conditions", true, false),
                    (adminEdit, "nhs", false, false),
                    (adminEdit, "global", false, false),
                ]
                for item in cases {
                    let one = try await client.send("/api/datasets/\(item.dataset)/", key: item.key)
                    #expect(one.object["is_editable"] as? Bool == item.editable, "\(item.dataset)")
                    #expect(one.object["can_publish"] as? Bool == item.publish, "\(item.dataset)")
                    let listed = try await client.send("/api/datasets/", key: item.key).items.first { $0["key"] as? String == item.dataset }
                    #expect(listed?["is_editable"] as? Bool == item.editable, "list \(item.dataset)")
                    #expect(listed?["can_publish"] as? Bool == item.publish, "list \(item.dataset)")
                }
                let anonymous = try await client.send("/api/datasets/global/")
                #expect(anonymous.object["is_editable"] as? Bool == false)
                #expect(anonymous.object["can_publish"] as? Bool == false)
                // No answer names an organisation or team the caller cannot see (SPEC §4): the
                // global dataset's organisation is named to its members only.
                #expect(anonymous.object["organisation_name"] is NSNull && anonymous.object["team_name"] is NSNull)
                #expect((anonymous.object["organisation"] as? NSNumber)?.int64Value == acme)
                let outsider = try await world.key(for: try await world.user("outsider"))
                let seenByOutsider = try await client.send("/api/datasets/global/", key: outsider)
                #expect(seenByOutsider.status == .ok && seenByOutsider.object["organisation_name"] is NSNull)
                #expect(try await client.send("/api/datasets/global/", key: adminView).object["organisation_name"] as? String == "ACME")
                let byCreator = try await client.send("/api/datasets/conditions/", key: creatorEdit).object
                #expect(byCreator["team_name"] as? String == "t1", "a member of the team's organisation sees the team")
            }
        }
    }

    @Test func availableTagsCountVisibleDatasetsOnly() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let acme = try await world.organisation("acme", members: [(alice, "viewer")])
            try await world.dataset("g1", global: true, tags: ["clinical", "paeds"])
            try await world.dataset("g2", global: true, tags: ["clinical", "clinical", "adult"])
            try await world.dataset("o1", organisation: acme, tags: ["clinical", "local", "paeds"])
            try await world.dataset("hidden", createdBy: nil, tags: ["secret", "clinical"])
            try await world.dataset("dead", global: true, active: false, tags: ["dead", "clinical"])
            try await world.dataset("untagged", global: true)
            let key = try await world.key(for: alice)
            try await world.client { client in
                let anonymous = try await client.send("/api/datasets/available-tags/")
                #expect(anonymous.status == .ok)
                #expect(anonymous.tagCounts.map(\.0) == ["clinical", "adult", "paeds"])
                #expect(anonymous.tagCounts.map(\.1) == [2, 1, 1])
                #expect(anonymous.text.hasPrefix(#"{"tags":[{"#))
                let member = try await client.send("/api/datasets/available-tags/", key: key)
                #expect(member.tagCounts.map(\.0) == ["clinical", "paeds", "adult", "local"])
                #expect(member.tagCounts.map(\.1) == [3, 2, 1, 1])
            }
        }
    }

    @Test func filtersCombineAndMatchLiterally() async throws {
        try await ServerWorld.with { world in
            try await world.dataset("pure", name: "100% Pure", global: true, tags: ["a", "b"])
            try await world.dataset("thousand", name: "1000 pure", global: true, tags: ["a"])
            try await world.dataset("under", name: "snake_case", global: true, category: "rcpch")
            try await world.dataset("nounder", name: "snakeXcase", global: true, category: "rcpch")
            try await world.dataset("slash", name: #"back\slash"#, global: true, tags: ["b"])
            try await world.dataset("desc", name: "Plain", description: "Mentions SNOMED codes", global: true, category: "snomed", tags: ["a", "b", "c"])
            let before = try await world.datasetCount()
            try await world.client { client in
                let cases: [(query: String, keys: [String])] = [
                    ("tags=a", ["desc", "pure", "thousand"]),
                    ("tags=a,b", ["desc", "pure"]),
                    ("tags=b,a,c", ["desc"]),
                    ("tags=a,zzz", []),
                    ("tags=", ["desc", "nounder", "pure", "slash", "thousand", "under"]),
                    ("search=PURE", ["pure", "thousand"]),
                    ("search=100%25", ["pure"]),
                    ("search=%25", ["pure"]),
                    ("search=e_c", ["under"]),
                    ("search=_", ["under"]),
                    ("search=%5C", ["slash"]),
                    ("search=snomed", ["desc"]),
                    ("search=", ["desc", "nounder", "pure", "slash", "thousand", "under"]),
                    ("category=rcpch", ["nounder", "under"]),
                    ("category=snomed&tags=a&search=codes", ["desc"]),
                    ("category=rcpch&tags=a", []),
                    ("search=%27%3B%20DROP%20TABLE%20datasets%3B%20--", []),
                    ("search=%27%20OR%201%3D1%20--", []),
                    ("tags=%27%7D%27%3B%20DROP%20TABLE%20datasets%3B--", []),
                    ("tags=a&unknown=1", ["desc", "pure", "thousand"]),
                ]
                for (query, expected) in cases {
                    let reply = try await client.send("/api/datasets/?\(query)")
                    #expect(reply.status == .ok, "\(query)")
                    #expect(reply.keys.sorted() == expected, "\(query)")
                }
                let paged = try await client.send("/api/datasets/?tags=a&limit=2")
                #expect(paged.object["count"] as? Int == 3)
                #expect(paged.keys.count == 2)
            }
            #expect(try await world.datasetCount() == before)
        }
    }

    @Test func orderedByCategoryThenName() async throws {
        try await ServerWorld.with { world in
            try await world.dataset("k1", name: "beta", global: true, category: "snomed")
            try await world.dataset("k2", name: "alpha", global: true, category: "snomed")
            try await world.dataset("k3", name: "zulu", global: true, category: "external_api")
            try await world.dataset("k4", name: "mike", global: true, category: "nhs_dd")
            try await world.dataset("k5", name: "alpha", global: true, category: "rcpch")
            try await world.dataset("k6", name: "alpha", global: true, category: "external_api")
            try await world.client { client in
                let expected = ["k6", "k3", "k4", "k5", "k2", "k1"]
                #expect(try await client.send("/api/datasets/").keys == expected)
                let page = try await client.send("/api/datasets/?limit=2&offset=2")
                #expect(page.keys == ["k4", "k5"])
                #expect(page.object["count"] as? Int == 6)
                #expect((page.object["next"] as? String)?.hasSuffix("/api/datasets/?limit=2&offset=4") == true)
            }
        }
    }

    @Test func badParametersAre400AndChangeNothing() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            try await world.dataset("nhs", global: true, category: "nhs_dd")
            let key = try await world.key(for: alice, capabilities: ["view", "add", "edit", "delete"])
            let before = try await world.datasetCount()
            try await world.client { client in
                for (query, parameter) in [("category=bogus", "category"), ("category=", "category"),
                                           ("category=NHS_DD", "category"), ("category=%27%20OR%201%3D1", "category"),
                                           ("search=a&search=b", "search"), ("tags=a&tags=b", "tags"),
                                           ("search=a%00b", "search"), ("tags=a,%00", "tags"),
                                           ("limit=x", "limit"), ("offset=-1", "offset"), ("limit=0", "limit")] {
                    for key in [nil, key] {
                        let reply = try await client.send("/api/datasets/?\(query)", key: key)
                        #expect(reply.status == .badRequest, "\(query)")
                        #expect(reply.headers[.contentType] == "application/json", "\(query)")
                        #expect(reply.object["code"] as? String == "INVALID_PARAMETER", "\(query)")
                        #expect(reply.detail?.contains("'\(parameter)'") == true, "\(query)")
                    }
                }
                for (method, uri) in [(HTTPRequest.Method.post, "/api/datasets/nhs/"), (.post, "/api/datasets/available-tags/"),
                                      (.delete, "/api/datasets/")] {
                    let reply = try await client.send(uri, method: method, key: key)
                    #expect(reply.status == .methodNotAllowed, "\(method) \(uri)")
                }
                let noView = try await world.key(for: alice, capabilities: ["add"])
                let refused = try await client.send("/api/datasets/", key: noView)
                #expect(refused.status == .forbidden)
                #expect(refused.detail == "API key lacks the 'view' capability.")
            }
            #expect(try await world.datasetCount() == before)
            let nhs = try await world.pool.query("SELECT name, version FROM datasets WHERE key = 'nhs'")
            #expect(try nhs[0].decode(String.self, at: 0) == "NHS")
            #expect(try nhs[0].decode(Int.self, at: 1) == 1)
        }
    }

    /// A seeded random world: every caller's list equals the datasets their retrieve allows.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func listEqualsPerObjectDecisions(seed: UInt64) async throws {
        try await ServerWorld.with { world in
            var random = SplitMix64(seed: seed)
            let (users, organisations, teams) = try await world.randomMemberships(
                users: 6, ownerChance: 0.5, teamOrganisationChance: 0.5, random: &random)
            var datasets: [String] = []
            for index in 0..<18 {
                let key = "d\(index)"
                try await world.dataset(
                    key, global: random.chance(0.2),
                    organisation: random.chance(0.4) ? organisations.randomElement(using: &random) : nil,
                    team: random.chance(0.3) ? teams.randomElement(using: &random) : nil,
                    createdBy: random.chance(0.7) ? users.randomElement(using: &random) : nil,
                    active: random.chance(0.85))
                datasets.append(key)
            }
            // Anonymous, personal keys, and keys confined to the users' organisations and teams.
            let keys: [String?] = [nil] + (try await world.confinedKeys(users: users, random: &random))
            let allKeys = keys, allDatasets = datasets

            try await world.client { client in
                var listedSomething = false
                for key in allKeys {
                    let listed = try await client.send("/api/datasets/", key: key).keys
                    var allowed: Set<String> = []
                    for dataset in allDatasets {
                        let status = try await client.send("/api/datasets/\(dataset)/", key: key).status
                        #expect(status == .ok || status == .notFound)
                        if status == .ok { allowed.insert(dataset) }
                    }
                    #expect(Set(listed) == allowed, "seed \(seed)")
                    #expect(listed.count == allowed.count, "no duplicates")
                    let paged = try await client.send("/api/datasets/?limit=4&offset=1", key: key)
                    #expect(paged.object["count"] as? Int == allowed.count)
                    listedSomething = listedSomething || !listed.isEmpty
                }
                #expect(listedSomething)
            }
        }
    }
}
