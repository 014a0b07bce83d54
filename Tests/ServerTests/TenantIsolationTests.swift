import Federation
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServerTestSupport
import Testing
import TestSupport

/// The tenant-isolation property (SPEC §2) on seeded random worlds: several organisations with
/// members in several of them, teams, surveys, datasets and templates spread across them (and
/// personal and global ones), keys issued in each organisation — and no key, no session made
/// from it and no decision about it ever reaches an object of another organisation.
///
/// Every route that takes a key is asked here; a new route belongs in ``routes(_:_:)``.
@Suite struct TenantIsolationTests {
    /// Where each object of the world lives.
    struct Placement: Sendable {
        var surveys: [Int64: Int64?] = [:]
        var datasets: [String: (organisation: Int64?, global: Bool)] = [:]
        var templates: [Int64: Int64?] = [:]
        var members: [Int64: Set<Int64>] = [:]
        var names: [Int64: String] = [:]
        var users: [Int64] = []
        var keys: [(secret: String, organisation: Int64)] = []
    }

    static func seed(_ world: ServerWorld, _ random: inout SplitMix64) async throws -> Placement {
        var place = Placement()
        let (users, organisations, teams) = try await world.randomMemberships(
            users: 7, ownerChance: 0.6, teamOrganisationChance: 0.8, random: &random)
        place.users = users
        let teamOrganisation = Dictionary(uniqueKeysWithValues: try await world.pool.query("SELECT id, organisation_id FROM teams").map {
            (try $0.decode(Int64.self, at: 0), try $0.decode(Int64?.self, at: 1))
        })
        /// A team that fits `organisation` (the same one, or none for a personal object), sometimes.
        func team(for organisation: Int64?, _ random: inout SplitMix64) -> Int64? {
            let fitting = teams.filter { teamOrganisation[$0] == organisation }
            return random.chance(0.5) ? fitting.randomElement(using: &random) : nil
        }
        for index in 0..<12 {
            let organisation = random.chance(0.75) ? organisations.randomElement(using: &random) : nil
            let members = users.filter { _ in random.chance(0.2) }.map { ($0, ["creator", "editor", "viewer"].randomElement(using: &random)!) }
            let id = try await world.survey("s\(index)", owner: users.randomElement(using: &random)!, organisation: organisation,
                                            team: team(for: organisation, &random), members: members)
            place.surveys[id] = organisation
        }
        for index in 0..<10 {
            let global = random.chance(0.2)
            let organisation = random.chance(0.7) ? organisations.randomElement(using: &random) : nil
            let key = "d\(index)"
            try await world.dataset(key, global: global, organisation: organisation, team: team(for: organisation, &random),
                                    createdBy: users.randomElement(using: &random), tags: ["t\(index % 3)"])
            place.datasets[key] = (organisation, global)
        }
        for index in 0..<6 {
            let organisation = random.chance(0.7) ? organisations.randomElement(using: &random) : nil
            let id = try await world.template("Template \(index)", publisher: users.randomElement(using: &random)!,
                                              level: organisation == nil ? "global" : "organisation", organisation: organisation)
            place.templates[id] = organisation
        }
        let (roles, owned) = try await world.organisationsByUser()
        for organisation in organisations {
            place.members[organisation] = Set(users.filter {
                roles[$0]?.contains(organisation) == true || owned[$0]?.contains(organisation) == true
            })
            place.names[organisation] = try await world.pool.query("SELECT name FROM organisations WHERE id = \(organisation)")[0]
                .decode(String.self, at: 0)
        }
        // Keys issued in an organisation: for its members, and one for a user who is not (a
        // former member), with every capability.
        let capabilities = ["view", "add", "edit", "delete", "superuser"]
        for organisation in organisations {
            for user in place.members[organisation, default: []].sorted() {
                place.keys.append((try await world.key(for: user, organisation: organisation, capabilities: capabilities), organisation))
            }
            if let stranger = users.first(where: { !place.members[organisation, default: []].contains($0) }) {
                place.keys.append((try await world.key(for: stranger, organisation: organisation, capabilities: capabilities), organisation))
            }
        }
        return place
    }

    @Test(arguments: [11, 12, 13] as [UInt64])
    func noKeySessionOrDecisionReachesAnotherOrganisation(seed: UInt64) async throws {
        try await ServerWorld.with { world in
            var random = SplitMix64(seed: seed)
            let place = try await Self.seed(world, &random)
            #expect(place.keys.count >= 4)
            let before = try await world.fingerprint()
            let checks = try await world.client { client in
                var checks = 0
                for (key, home) in place.keys {
                    checks += try await Self.routes(client, Credentials(key: key), home: home, place)
                    let login = try await client.send("/api/auth/login/", method: .post, body: #"{"apikey":"\#(key)"}"#)
                    #expect(login.status == .ok)
                    let profile = (login.object["user"] as? [String: Any])?["organisations"] as? [[String: Any]] ?? []
                    #expect(profile.allSatisfy { ($0["id"] as? NSNumber)?.int64Value == home }, "seed \(seed)")
                    let token = login.object["token-id"] as? String ?? ""
                    checks += try await Self.routes(client, Credentials(token: token), home: home, place)
                    checks += try await Self.decisions(client, key: key, home: home, place, service: world.service ?? "")
                }
                return checks
            }
            // Every write above was refused: nothing changed but the sessions and their audit.
            try await world.pool.execute("DELETE FROM session_tokens")
            try await world.pool.execute("DELETE FROM audit_events WHERE action = 'login'")
            #expect(try await world.fingerprint() == before, "seed \(seed)")
            try await Self.leakReports(world, place, &random, seed: seed)
            let ssoChecks = try await Self.ssoExchanges(world, place, &random, seed: seed)
            print("tenant isolation, seed \(seed): \(place.keys.count) keys, \(checks) checks, \(ssoChecks) through SSO keys")
            #expect(checks > 500)
        }
    }

    /// Leak reports (SPEC §2): near misses of every key (one character changed, so the checksum
    /// fails) change nothing; a reported key dies alone, audited in its own organisation.
    static func leakReports(_ world: ServerWorld, _ place: Placement, _ random: inout SplitMix64, seed: UInt64) async throws {
        func report(_ credentials: [String]) async throws {
            let body = String(decoding: try JSONSerialization.data(withJSONObject: ["credentials": credentials]), as: UTF8.self)
            let reply = try await world.client { try await $0.send("/v1/keys/revoke-leaked", method: .post, body: body) }
            #expect(reply.status == .accepted && reply.object["accepted"] as? Int == credentials.count)
        }
        let before = try await world.fingerprint()
        try await report(place.keys.map { key in
            var characters = Array(key.secret)
            let index = characters.count - 1 - Int.random(in: 0..<12, using: &random)
            characters[index] = characters[index] == "a" ? "b" : "a"
            return String(characters)
        })
        #expect(try await world.fingerprint() == before, "seed \(seed): a near miss changed something")
        let leaked = random.pick(place.keys)
        try await report([leaked.secret])
        let revoked = try await world.pool.query("SELECT organisation_id FROM api_keys WHERE revoked_at IS NOT NULL").map { try $0.decode(Int64?.self, at: 0) }
        let audited = try await world.pool.query("SELECT organisation_id FROM audit_events WHERE action = 'key.revoked_leak'").map { try $0.decode(Int64?.self, at: 0) }
        #expect(revoked == [leaked.organisation] && audited == [leaked.organisation], "seed \(seed)")
        try await world.client { client in
            for key in place.keys {
                let status = try await client.send("/api/keys/current/", key: key.secret).status
                #expect(status == (key.secret == leaked.secret ? .unauthorized : .ok), "seed \(seed)")
            }
        }
    }

    /// SSO token exchange (SPEC §11): every organisation trusts one issuer (for every capability
    /// but `superuser`). An ID token naming an organisation becomes a key only for its active
    /// enterprise-tier members, and that key is confined to it like any other.
    static func ssoExchanges(_ world: ServerWorld, _ place: Placement, _ random: inout SplitMix64, seed: UInt64) async throws -> Int {
        let idp = try JWSSigner(.es256, keyID: "isolation")
        let jwks = String(decoding: try JSONSerialization.data(withJSONObject: ["keys": [idp.jwk]]), as: UTF8.self)
        let slugs = try await world.pool.query("SELECT id, slug FROM organisations").map { (try $0.decode(Int64.self, at: 0), try $0.decode(String.self, at: 1)) }
        for (_, slug) in slugs {
            _ = try await SSOTrustStore(pool: world.pool).save(SSOTrust(organisationSlug: slug, issuer: "https://idp.example.com", audience: "lk", keys: .document(jwks),
                                                                     capabilities: [.view, .add, .edit, .delete]))
        }
        let enterprise = place.users.filter { _ in random.chance(0.6) }
        try await world.pool.execute("UPDATE users SET tier = 'enterprise' WHERE id = ANY(\(enterprise))")
        let people = try await world.pool.query("SELECT id, email, tier = 'enterprise' AND is_active FROM users").map {
            (id: try $0.decode(Int64.self, at: 0), email: try $0.decode(String.self, at: 1), eligible: try $0.decode(Bool.self, at: 2))
        }
        return try await world.client { client in
            var checks = 0
            for person in people {
                for (organisation, slug) in slugs {
                    let now = Int(Date().timeIntervalSince1970)
                    let token = try idp.sign(claims: #"{"iss":"https://idp.example.com","aud":"lk","sub":"\#(person.id)","email":"\#(person.email)","# +
                                             #""email_verified":true,"iat":\#(now),"exp":\#(now + 300),"jti":"\#(UUID().uuidString)"}"#)
                    let form = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aid_token"
                        + "&audience=\(slug)&scope=view+add+edit+delete&subject_token=\(token)"
                    let reply = try await client.send("/oauth/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: form)
                    let expected = person.eligible && place.members[organisation, default: []].contains(person.id)
                    #expect((reply.status == .ok) == expected, "seed \(seed): user \(person.id) into \(slug): \(reply.status) \(reply.text.prefix(120))")
                    checks += 1
                    guard let key = reply.object["access_token"] as? String else { continue }
                    checks += try await Self.routes(client, Credentials(key: key), home: organisation, place)
                }
            }
            return checks
        }
    }

    struct Credentials {
        var key: String?
        var token: String?
        var headers: HTTPFields {
            token.map { [HTTPFields.Element.Name("authtoken")!: $0] } ?? [:]
        }
    }

    /// Every resource route, as a key (or its session) confined to `home`: lists hold only
    /// `home`'s objects and global ones; anything else is never shown, changed or counted.
    /// Returns the number of checks made.
    static func routes(_ client: some TestClientProtocol, _ who: Credentials, home: Int64, _ place: Placement) async throws -> Int {
        var checks = 0
        func send(_ uri: String, _ method: HTTPRequest.Method = .get, body: String? = nil) async throws -> Reply {
            checks += 1
            return try await client.send(uri, method: method, key: who.key, headers: who.headers, body: body)
        }
        // The presenting key: its own, in its organisation.
        let current = try await send("/api/keys/current/")
        #expect(current.status == .ok && (current.object["organisation"] as? NSNumber)?.int64Value == home, "current key \(current.text.prefix(200))")
        // The audit log: home's events to its admins, nothing to anyone else.
        let audit = try await send("/api/audit/?limit=1000")
        let events = audit.object["results"] as? [[String: Any]] ?? []
        #expect(audit.status == .forbidden || (audit.status == .ok && events.allSatisfy { ($0["organisation"] as? NSNumber)?.int64Value == home }),
                "audit \(audit.status) \(audit.text.prefix(200))")
        // Surveys: list, retrieve, metrics, and writes on every survey of elsewhere.
        let listed = try await send("/api/surveys/").ids
        #expect(listed.allSatisfy { place.surveys[$0] == .some(home) }, "surveys \(listed)")
        #expect(try await send("/api/surveys/?limit=100").ids == listed)
        for (survey, organisation) in place.surveys where organisation != home {
            #expect(try await send("/api/surveys/\(survey)/").status == .forbidden)
            #expect(try await send("/api/surveys/\(survey)/metrics/responses/").status == .forbidden)
            #expect(try await send("/api/surveys/\(survey)/", .patch, body: #"{"name":"taken"}"#).status == .forbidden)
            #expect(try await send("/api/surveys/\(survey)/", .delete).status == .forbidden)
        }
        for (other, _) in place.names where other != home {
            let create = try await send("/api/surveys/", .post, body: #"{"name":"x","slug":"x-\#(other)","organisation":\#(other)}"#)
            #expect(create.status == .forbidden)
        }
        // Datasets: list, tags, retrieve and writes.
        let datasets = try await send("/api/datasets/").items
        for item in datasets {
            let key = item["key"] as? String ?? ""
            let placed = place.datasets[key]
            #expect(placed?.global == true || placed?.organisation == home, "dataset \(key)")
            if placed?.global == false { #expect(item["organisation_name"] as? String == place.names[home]) }
        }
        let tags = (try await send("/api/datasets/available-tags/").object["tags"] as? [[String: Any]] ?? [])
            .reduce(0) { $0 + (($1["count"] as? Int) ?? 0) }
        #expect(tags == datasets.count)
        for (key, placed) in place.datasets where !placed.global && placed.organisation != home {
            #expect(try await send("/api/datasets/\(key)/").status == .notFound)
            #expect(try await send("/api/datasets/\(key)/", .patch, body: #"{"name":"taken"}"#).status == .notFound)
            #expect(try await send("/api/datasets/\(key)/", .delete).status == .notFound)
        }
        // Templates.
        let templates = try await send("/api/question-group-templates/").ids
        #expect(templates.allSatisfy { place.templates[$0] == .some(nil) || place.templates[$0] == .some(home) }, "templates \(templates)")
        for (template, organisation) in place.templates where organisation != nil && organisation != home {
            #expect(try await send("/api/question-group-templates/\(template)/").status == .notFound)
        }
        // The directory: members of home only; nobody elsewhere is shown or changed.
        let directory = try await send("/api/user/").ids
        #expect(directory.isSubset(of: place.members[home, default: []]), "directory \(directory)")
        for user in place.users where !place.members[home, default: []].contains(user) {
            // 404 (not in the directory), or 403 for a key whose user left its organisation.
            for reply in [try await send("/api/user/\(user)/"),
                          try await send("/api/user/\(user)/", .patch, body: #"{"first_name":"taken"}"#),
                          try await send("/api/user/\(user)/", .delete)] {
                #expect(reply.status == .notFound || reply.status == .forbidden, "\(reply.text)")
            }
        }
        return checks
    }

    /// The decision API about the key: every object of elsewhere is denied, for every action.
    static func decisions(_ client: some TestClientProtocol, key: String, home: Int64, _ place: Placement, service: String) async throws -> Int {
        var items: [String] = []
        for (survey, organisation) in place.surveys where organisation != home {
            for action in ["survey.retrieve", "survey.metrics", "survey.update", "survey.delete"] {
                items.append(#"{"action":{"name":"\#(action)"},"resource":{"type":"survey","id":"\#(survey)"}}"#)
            }
        }
        for (dataset, placed) in place.datasets where !placed.global && placed.organisation != home {
            for action in ["dataset.retrieve", "dataset.update", "dataset.delete"] {
                items.append(#"{"action":{"name":"\#(action)"},"resource":{"type":"dataset","id":"\#(dataset)"}}"#)
            }
        }
        for (template, organisation) in place.templates where organisation != nil && organisation != home {
            items.append(#"{"action":{"name":"template.retrieve"},"resource":{"type":"template","id":"\#(template)"}}"#)
        }
        for user in place.users where !place.members[home, default: []].contains(user) {
            for action in ["user.retrieve", "user.update", "user.delete"] {
                items.append(#"{"action":{"name":"\#(action)"},"resource":{"type":"user","id":"\#(user)"}}"#)
            }
        }
        for (other, _) in place.names where other != home {
            items.append(#"{"action":{"name":"survey.create"},"resource":{"type":"survey","properties":{"organisation":\#(other)}}}"#)
            items.append(#"{"action":{"name":"dataset.create"},"resource":{"type":"dataset","properties":{"organisation":\#(other)}}}"#)
        }
        // Resource searches with the key find nothing of elsewhere.
        var searches = 0
        let foreign: [String: Set<String>] = [
            "survey": Set(place.surveys.filter { $0.value != home }.map { String($0.key) }),
            "dataset": Set(place.datasets.filter { !$0.value.global && $0.value.organisation != home }.map(\.key)),
            "template": Set(place.templates.filter { $0.value != nil && $0.value != home }.map { String($0.key) }),
            "user": Set(place.users.filter { !place.members[home, default: []].contains($0) }.map(String.init)),
        ]
        for (type, verbs) in [("survey", ["list", "retrieve", "metrics", "update", "delete"]), ("dataset", ["list", "retrieve", "update", "delete"]),
                              ("template", ["list", "retrieve"]), ("user", ["list", "retrieve", "update", "delete"])] {
            for verb in verbs {
                let search = #"{"subject":{"type":"api_key","id":"\#(key)"},"action":{"name":"\#(type).\#(verb)"},"resource":{"type":"\#(type)"}}"#
                let found = try await client.send("/access/v1/search/resource", method: .post, headers: [.authorization: "Bearer \(service)"], body: search)
                #expect(found.status == .ok)
                let ids = Set(found.items.compactMap { $0["id"] as? String })
                #expect(ids.isDisjoint(with: foreign[type]!), "\(type).\(verb) found \(ids.intersection(foreign[type]!))")
                searches += 1
            }
            // Action search about each object of elsewhere: nothing may be done to it (a create
            // is about a new object, judged where the key may create it: `user.create` adds to
            // the key's own organisation).
            for object in foreign[type]!.sorted().prefix(3) {
                let search = #"{"subject":{"type":"api_key","id":"\#(key)"},"resource":{"type":"\#(type)","id":"\#(object)"}}"#
                let found = try await client.send("/access/v1/search/action", method: .post, headers: [.authorization: "Bearer \(service)"], body: search)
                let actions = found.items.compactMap { $0["name"] as? String }.filter { !$0.hasSuffix(".create") }
                #expect(found.status == .ok && actions.isEmpty, "actions on \(type) \(object): \(found.text)")
                searches += 1
            }
        }
        let body = #"{"subject":{"type":"api_key","id":"\#(key)"},"evaluations":[\#(items.joined(separator: ","))]}"#
        let reply = try await client.send("/access/v1/evaluations", method: .post, headers: [.authorization: "Bearer \(service)"], body: body)
        #expect(reply.status == .ok)
        let answers = reply.object["evaluations"] as? [[String: Any]] ?? []
        #expect(answers.count == items.count)
        for (item, answer) in zip(items, answers) {
            #expect(answer["decision"] as? Bool == false, "\(item): \(answer)")
        }
        return items.count + searches
    }
}
