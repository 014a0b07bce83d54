import Federation
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PluginKit
import Policy
import ServerTestSupport
import Testing
import TestSupport
import Vault

/// The tenant-isolation property (SPEC §2) on seeded random worlds: several organisations with
/// members in several of them, teams, surveys, datasets and templates spread across them (and
/// personal and global ones), keys issued in each organisation — and no key, no session made
/// from it and no decision about it ever reaches an object of another organisation.
///
/// Every route that states an action is asked here from its record (``IsolatedCaller/askEveryActionRoute(_:)``),
/// about every object its plugin seeded (``RandomWorldPlugin``): a new plugin's routes are asked
/// with no edit here. The core's routes that take a key are asked in ``routes(_:_:home:_:)``.
@Suite struct TenantIsolationTests {
    /// Where each object of the world lives.
    struct Placement: Sendable {
        var world: ServerWorld
        var tenants: RandomTenants
        /// Every plugin's objects.
        var objects: [PlacedObject]
        /// The routes asked of, and the action each states.
        var routes: [RouteRecord]
        var members: [Int64: Set<Int64>] = [:]
        var names: [Int64: String] = [:]
        /// The index of each organisation in `o0…`, for its slug.
        var organisationIndex: [Int64: Int] = [:]
        var users: [Int64] { tenants.users }
        /// Keys issued in an organisation; about half are fine-grained (SPEC §15), with random
        /// permissions and selections (of objects anywhere: confinement still applies).
        var keys: [(secret: String, organisation: Int64, permissions: KeyPermissions?)] = []
        /// Keys confined to an organisation their user does not belong to (a former member):
        /// refused everywhere (SPEC §2 offboarding).
        var formerMembers: [String] = []
        var teams: [Int64] { tenants.teams }
        /// A service credential scoped to each organisation (SPEC §6), by organisation.
        var services: [Int64: String] = [:]

        /// The objects of `type`.
        func objects(_ type: ResourceType) -> [PlacedObject] { objects.filter { $0.type == type } }
    }

    static func seed(_ world: ServerWorld, _ random: inout SplitMix64) async throws -> Placement {
        let (tenants, objects) = try await world.randomWorld(users: 7, ownerChance: 0.6, teamOrganisationChance: 0.8, random: &random)
        var place = Placement(world: world, tenants: tenants, objects: objects, routes: world.routes)
        let (users, organisations) = (tenants.users, tenants.organisations)
        let (roles, owned) = try await world.organisationsByUser()
        for (index, organisation) in organisations.enumerated() { place.organisationIndex[organisation] = index }
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
                let permissions = random.chance(0.5) ? Self.randomPermissions(world, objects, &random) : nil
                place.keys.append((try await world.key(for: user, organisation: organisation, capabilities: capabilities, permissions: permissions),
                                   organisation, permissions))
            }
            if let stranger = users.first(where: { !place.members[organisation, default: []].contains($0) }) {
                place.formerMembers.append(try await world.key(for: stranger, organisation: organisation, capabilities: capabilities))
            }
            place.services[organisation] = try await world.dependencies.vault.issueServiceCredential(
                name: "backend", organisationSlug: "o\(place.organisationIndex[organisation]!)").secret
            // A webhook endpoint of each organisation (SPEC §14), with a delivery to list.
            let endpoint = try await world.pool.query("""
                INSERT INTO webhook_endpoints (organisation_id, url, events, secret)
                VALUES (\(organisation), 'https://hooks.example.com/' || \(organisation), '{key.issued,key.revoked,key.leaked}', 'v1:sealed')
                RETURNING id
                """)[0].decode(UUID.self, at: 0)
            try await world.pool.execute("""
                INSERT INTO webhook_deliveries (endpoint_id, event_id, type, status, attempt, duration_ms)
                VALUES (\(endpoint), 'msg_seed', 'key.issued', 200, 1, 5)
                """)
            // An approved key request (SPEC §14) of each organisation's first member, waiting to
            // be collected: nobody elsewhere lists, decides or collects it.
            if let member = place.members[organisation, default: []].min() {
                try await world.pool.execute("""
                    INSERT INTO key_requests (organisation_id, user_id, name, capabilities, reason, status, decided_at)
                    VALUES (\(organisation), \(member), 'asked', '{view}', 'seeded', 'approved', now())
                    """)
            }
        }
        return place
    }

    /// Random permissions: each permission type with some chance (at least one), random verbs,
    /// and half the time a selection of one to three objects of that type from anywhere.
    static func randomPermissions(_ world: ServerWorld, _ objects: [PlacedObject], _ random: inout SplitMix64) -> KeyPermissions {
        let engine = world.dependencies.engine
        var grants: [KeyPermissions.Grant] = []
        for type in engine.permissionTypes where random.chance(0.6) || type == engine.permissionTypes.last && grants.isEmpty {
            var verbs = Capabilities.none
            for capability in Capability.allCases where random.chance(0.5) { verbs.insert(Capabilities(capability)) }
            if verbs == .none { verbs = .view }
            let candidates = objects.filter { engine.permissionType(of: $0.type) == type }.compactMap(\.selectionID)
            let selection = random.chance(0.5) && !candidates.isEmpty
                ? IDSet((0..<Int.random(in: 1...3, using: &random)).map { _ in candidates.randomElement(using: &random)! }) : nil
            grants.append(KeyPermissions.Grant(type: type, capabilities: verbs, selection: selection))
        }
        return KeyPermissions(grants)
    }

    @Test(arguments: [11, 12, 13] as [UInt64])
    func noKeySessionOrDecisionReachesAnotherOrganisation(seed: UInt64) async throws {
        try await ServerWorld.with { world in _ = try await Self.property(world, seed: seed) }
    }

    /// The property on `world` (with whatever plugins it mounts), on the random world of `seed`;
    /// returns the action routes asked (`GET /api/surveys/{id}/`).
    static func property(_ world: ServerWorld, seed: UInt64) async throws -> Set<String> {
        var random = SplitMix64(seed: seed)
        let place = try await Self.seed(world, &random)
        #expect(place.keys.count >= 4)
        let before = try await world.fingerprint()
        let (checks, asked) = try await world.client { client in
            var checks = 0, asked: Set<String> = []
            for (key, home, permissions) in place.keys {
                // Every request with the key is also asked of the decision API through the
                // service scoped to the key's organisation, which must agree (DecisionAgreement).
                try await DecisionAgreement.$service.withValue(place.services[home]) {
                    checks += try await Self.routes(client, Credentials(key: key), home: home, permissions: permissions, place, asked: &asked)
                }
                let login = try await client.send("/api/auth/login/", method: .post, body: #"{"apikey":"\#(key)"}"#)
                #expect(login.status == .ok)
                let profile = (login.object["user"] as? [String: Any])?["organisations"] as? [[String: Any]] ?? []
                #expect(profile.allSatisfy { ($0["id"] as? NSNumber)?.int64Value == home }, "seed \(seed)")
                let token = login.object["token-id"] as? String ?? ""
                checks += try await Self.routes(client, Credentials(token: token), home: home, permissions: permissions, place, asked: &asked)
                checks += try await Self.decisions(client, key: key, home: home, permissions: permissions, place, service: world.service ?? "")
            }
            for key in place.formerMembers {
                checks += try await Self.refused(client, key: key, service: world.service ?? "")
            }
            return (checks, asked)
        }
        // Every write above was refused: nothing changed but the sessions and their audit.
        try await world.pool.execute("DELETE FROM session_tokens")
        try await world.pool.execute("DELETE FROM audit_events WHERE action = 'login'")
        #expect(try await world.fingerprint() == before, "seed \(seed)")
        try await Self.leakReports(world, place, &random, seed: seed)
        let ssoChecks = try await Self.ssoExchanges(world, place, &random, seed: seed)
        let serviceChecks = try await Self.scopedServices(world, place, seed: seed)
        let gatewayChecks = try await Self.gatewayChecks(world, place, seed: seed)
        let fineGrained = place.keys.filter { $0.permissions != nil }.count
        print("tenant isolation, seed \(seed): \(place.keys.count) keys (\(fineGrained) fine-grained), \(checks) checks, \(ssoChecks) through SSO keys, "
              + "\(serviceChecks) through scoped services, \(gatewayChecks) gateway checks")
        #expect(fineGrained > 0 && fineGrained < place.keys.count, "seed \(seed): draw both plain and fine-grained keys")
        #expect(checks > 500)
        return asked
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
            var checks = 0, asked: Set<String> = []
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
                    checks += try await Self.routes(client, Credentials(key: key), home: organisation, place, asked: &asked)
                }
            }
            return checks
        }
    }

    /// A key that may not act at all (its user left where it is confined): 401 on the resource
    /// API and at login, not valid to the decision API.
    static func refused(_ client: some TestClientProtocol, key: String, service: String) async throws -> Int {
        #expect(try await client.send("/api/keys/current/", key: key).status == .unauthorized)
        #expect(try await client.send("/api/surveys/", key: key).status == .unauthorized)
        #expect(try await client.send("/api/auth/login/", method: .post, body: #"{"apikey":"\#(key)"}"#).status == .unauthorized)
        let verify = try await client.send("/v1/keys/verify", method: .post, headers: [.authorization: "Bearer \(service)"], body: #"{"key":"\#(key)"}"#)
        #expect(verify.object["valid"] as? Bool == false, "\(verify.text)")
        return 4
    }

    /// Every resource route as a key confined to team `team`: the team's surveys and datasets
    /// and global objects, nothing of any organisation, not the directory, not the audit log.
    static func teamRoutes(_ client: some TestClientProtocol, key: String, team: Int64, _ place: Placement, service: String) async throws -> Int {
        var checks = 0
        func send(_ uri: String, _ method: HTTPRequest.Method = .get, body: String? = nil) async throws -> Reply {
            checks += 1
            return try await client.send(uri, method: method, key: key, body: body)
        }
        let current = try await send("/api/keys/current/")
        #expect(current.status == .ok && current.object["organisation"] is NSNull, "\(current.text.prefix(200))")
        #expect(try await send("/api/audit/").status == .forbidden)
        #expect(try await send("/api/usage/keys/").status == .forbidden)
        #expect(try await send("/api/user/").status == .forbidden)
        let surveys = place.objects("survey"), datasets = place.objects("dataset")
        let teamSurveys = Set(surveys.filter { $0.team == team }.map(\.id))
        let listed = try await send("/api/surveys/").ids
        #expect(listed.allSatisfy { teamSurveys.contains(String($0)) }, "team \(team) surveys \(listed)")
        for survey in surveys.map(\.id) where !teamSurveys.contains(survey) {
            #expect(try await send("/api/surveys/\(survey)/").status == .forbidden)
            #expect(try await send("/api/surveys/\(survey)/", .patch, body: #"{"name":"taken"}"#).status == .forbidden)
        }
        for item in try await send("/api/datasets/").items {
            let key = item["key"] as? String ?? ""
            let placed = datasets.first { $0.id == key }
            #expect(placed?.global == true || placed?.team == team, "team \(team) dataset \(key)")
        }
        let templates = try await send("/api/question-group-templates/").ids
        let global = Set(place.objects("template").filter(\.global).map(\.id))
        #expect(templates.allSatisfy { global.contains(String($0)) }, "team \(team) templates \(templates)")
        let login = try await client.send("/api/auth/login/", method: .post, body: #"{"apikey":"\#(key)"}"#)
        #expect(((login.object["user"] as? [String: Any])?["organisations"] as? [Any])?.isEmpty == true)
        // The decision API: nothing outside the team.
        let items = surveys.map(\.id).filter { !teamSurveys.contains($0) }.map {
            #"{"action":{"name":"survey.retrieve"},"resource":{"type":"survey","id":"\#($0)"}}"#
        }
        if !items.isEmpty {
            let body = #"{"subject":{"type":"api_key","id":"\#(key)"},"evaluations":[\#(items.joined(separator: ","))]}"#
            let reply = try await client.send("/access/v1/evaluations", method: .post, headers: [.authorization: "Bearer \(service)"], body: body)
            let answers = reply.object["evaluations"] as? [[String: Any]] ?? []
            #expect(answers.count == items.count && answers.allSatisfy { $0["decision"] as? Bool == false })
            checks += items.count
        }
        return checks
    }

    /// SPEC §2 issuer authority on random worlds: organisation admins and owners, and team
    /// admins, issue keys for members who hold roles elsewhere (in other organisations, other
    /// teams, as admins there); no key reaches further than the authority its issuer used. Then
    /// random memberships end (by SQL, as any writer may), and the keys confined there die.
    @Test(arguments: [21, 22, 23] as [UInt64])
    func noIssuedKeyReachesFurtherThanItsIssuer(seed: UInt64) async throws {
        try await ServerWorld.with { world in
            var random = SplitMix64(seed: seed)
            let place = try await Self.seed(world, &random)
            let vault = world.dependencies.vault
            let usernames = Dictionary(uniqueKeysWithValues: try await world.pool.query("SELECT id, username FROM users").map {
                (try $0.decode(Int64.self, at: 0), try $0.decode(String.self, at: 1))
            })
            let teamSlugs = Dictionary(uniqueKeysWithValues: try await world.pool.query("SELECT id, slug FROM teams").map {
                (try $0.decode(Int64.self, at: 0), try $0.decode(String.self, at: 1))
            })
            // Every admin (or owner) of an organisation issues for each other member, and every
            // team admin for each member of the team; targets hold roles elsewhere too. Tiers
            // are set per attempt; the organisation is sometimes named, sometimes another one.
            var attempts: [(issuer: Int64, target: Int64, tier: Tier, named: String?)] = []
            let admins = try await world.pool.query("""
                SELECT organisation_id, user_id FROM organisation_memberships WHERE role = 'admin'
                UNION SELECT id, owner_id FROM organisations WHERE owner_id IS NOT NULL ORDER BY 1, 2
                """).map { try $0.decode((Int64, Int64).self) }
            for (organisation, admin) in admins {
                for member in place.members[organisation, default: []].sorted() where member != admin {
                    let named: String? = random.chance(0.3) ? "o\(place.organisationIndex[organisation]!)"
                        : random.chance(0.15) ? "o\(Int.random(in: 0..<3, using: &random))" : nil
                    attempts.append((admin, member, random.chance(0.5) ? .organisation : .enterprise, named))
                }
            }
            let teamMembers = try await world.pool.query("SELECT team_id, user_id, role FROM team_memberships ORDER BY 1, 2")
                .map { try $0.decode((Int64, Int64, String).self) }
            for (team, admin, role) in teamMembers where role == "admin" {
                for (other, member, _) in teamMembers where other == team && member != admin {
                    attempts.append((admin, member, .team, nil))
                }
            }
            var issued: [KeyRecord: String] = [:], refusals = 0
            for attempt in attempts {
                try await world.pool.execute("UPDATE users SET tier = \(attempt.tier.rawValue) WHERE id = \(attempt.target)")
                do {
                    let key = try await vault.issue(KeyIssueRequest(
                        username: usernames[attempt.target]!, name: "by \(attempt.issuer)", organisationSlug: attempt.named,
                        capabilities: attempt.tier == .team ? .view : [.view, .add, .edit, .delete], issuer: .user(usernames[attempt.issuer]!)))
                    issued[key.record] = key.secret
                } catch is VaultError {
                    refusals += 1
                }
            }
            vault.flushCache()
            #expect(issued.count >= 3, "seed \(seed): only \(issued.count) issued")
            let keys = issued
            let checks = try await world.client { client in
                var checks = 0, asked: Set<String> = []
                // Every key's confinement is checked; a sample's reach, route by route.
                var sampled = 0
                for (record, secret) in keys.sorted(by: { $0.key.id.uuidString < $1.key.id.uuidString }) {
                    sampled += 1
                    let walk = sampled <= 12
                    // Issued by someone else: always confined, to somewhere the issuer administers.
                    let issuerID = try #require(record.createdBy)
                    if issuerID != record.userID {
                        #expect(record.organisationID != nil || record.teamID != nil, "seed \(seed): unconfined key by \(issuerID)")
                    }
                    if let organisation = record.organisationID {
                        let administers = try await world.pool.query("""
                            SELECT EXISTS (SELECT 1 FROM organisation_memberships WHERE organisation_id = \(organisation) AND user_id = \(issuerID) AND role = 'admin')
                                OR EXISTS (SELECT 1 FROM organisations WHERE id = \(organisation) AND owner_id = \(issuerID))
                            """)[0].decode(Bool.self, at: 0)
                        #expect(administers || issuerID == record.userID, "seed \(seed): key into \(organisation) by a non-admin")
                        if walk { checks += try await Self.routes(client, Credentials(key: secret), home: organisation, place, asked: &asked) }
                    } else if let team = record.teamID {
                        let administers = try await world.pool.query("""
                            SELECT EXISTS (SELECT 1 FROM team_memberships WHERE team_id = \(team) AND user_id = \(issuerID) AND role = 'admin')
                            """)[0].decode(Bool.self, at: 0)
                        #expect(administers, "seed \(seed): key into team \(teamSlugs[team] ?? "") by a non-admin")
                        if walk { checks += try await Self.teamRoutes(client, key: secret, team: team, place, service: world.service ?? "") }
                    }
                }
                return checks
            }
            // Memberships end by plain SQL: every key confined there dies with its sessions.
            let ended = try await world.pool.query("""
                DELETE FROM organisation_memberships WHERE (organisation_id + user_id) % 2 = \(Int(seed % 2)) RETURNING organisation_id, user_id
                """).map { try $0.decode((Int64, Int64).self) }
            let endedTeams = try await world.pool.query("""
                DELETE FROM team_memberships WHERE (team_id + user_id) % 2 = \(Int(seed % 2)) RETURNING team_id, user_id
                """).map { try $0.decode((Int64, Int64).self) }
            vault.flushCache()
            let owners = try await world.organisationsByUser().owned
            let removedChecks = try await world.client { client in
                var removedChecks = 0
                for (record, secret) in keys {
                    let gone = record.organisationID.map { organisation in
                        ended.contains { $0 == (organisation, record.userID) } && owners[record.userID]?.contains(organisation) != true
                    } ?? record.teamID.map { team in endedTeams.contains { $0 == (team, record.userID) } } ?? false
                    let status = try await client.send("/api/keys/current/", key: secret).status
                    #expect(status == (gone ? .unauthorized : .ok), "seed \(seed): key of a \(gone ? "removed" : "remaining") member: \(status)")
                    removedChecks += 1
                }
                return removedChecks
            }
            let teamKeys = keys.keys.filter { $0.teamID != nil }.count
            print("issuer authority, seed \(seed): \(keys.count) keys issued (\(teamKeys) confined to a team), \(refusals) refused, \(checks) checks, "
                  + "\(ended.count + endedTeams.count) memberships ended, \(removedChecks) checks after")
            #expect(checks > 100)
        }
    }

    struct Credentials {
        var key: String?
        var token: String?
        var headers: HTTPFields {
            token.map { [HTTPFields.Element.Name("authtoken")!: $0] } ?? [:]
        }
    }

    /// Every route that takes a key, as a key (or its session) confined to `home`: lists hold
    /// only `home`'s objects and global ones — of a fine-grained key, only those its permissions
    /// and selections reach; anything else is never shown, changed or counted.
    /// Every action route is asked from its record, with `asked` collecting which. Returns the
    /// number of checks made.
    static func routes(
        _ client: some TestClientProtocol, _ who: Credentials, home: Int64, permissions: KeyPermissions? = nil, _ place: Placement,
        asked: inout Set<String>
    ) async throws -> Int {
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
        // Usage (SPEC §13): the key's own; home's keys to its admins; another organisation's
        // key never, not even whether it exists.
        let ownUsage = try await send("/api/keys/current/usage/")
        #expect(ownUsage.status == .ok && ownUsage.object["key"] as? String == current.object["id"] as? String, "usage \(ownUsage.text.prefix(200))")
        let keysOf = try await place.world.pool.query("SELECT id, organisation_id FROM api_keys WHERE organisation_id IS NOT NULL")
            .map { (id: try $0.decode(UUID.self, at: 0).uuidString.lowercased(), organisation: try $0.decode(Int64.self, at: 1)) }
        let usage = try await send("/api/usage/keys/")
        let listed = Set((usage.object["results"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String })
        #expect(usage.status == .forbidden || (usage.status == .ok && listed == Set(keysOf.filter { $0.organisation == home }.map(\.id))),
                "usage of keys \(usage.status) \(usage.text.prefix(200))")
        for elsewhere in keysOf where elsewhere.organisation != home {
            let refused = try await send("/api/usage/?key=\(elsewhere.id)")
            #expect(refused.status == .forbidden || refused.status == .notFound, "usage of \(elsewhere.id): \(refused.status)")
        }
        // The key policy (SPEC §14): home's to its admins with superuser (an unchanged PUT writes
        // nothing); another organisation's, or a slug of none, never read nor changed, and not
        // told apart.
        let open = #"{"max_lifetime_days":null,"require_expiry":false,"require_allowed_cidrs":false,"max_capabilities":["view","add","edit","delete","superuser"],"require_approval":false,"require_passkey":false}"#
        let tight = #"{"max_lifetime_days":1,"require_expiry":true,"require_allowed_cidrs":true,"max_capabilities":["view"],"require_approval":true,"require_passkey":true}"#
        for (organisation, index) in place.organisationIndex {
            let path = "/api/organisations/o\(index)/key-policy/"
            let read = try await send(path)
            if organisation == home {
                #expect(read.status == .forbidden || (read.status == .ok && read.text == open), "policy of home \(read.status) \(read.text.prefix(200))")
                let same = try await send(path, .put, body: open)
                #expect(same.status == read.status, "unchanged policy of home \(same.status)")
            } else {
                #expect(read.status == .forbidden, "policy of o\(index) \(read.status) \(read.text.prefix(200))")
                let changed = try await send(path, .put, body: tight)
                #expect(changed.status == .forbidden && changed.detail == read.detail, "changing o\(index)'s policy: \(changed.status)")
            }
        }
        let nowhere = try await send("/api/organisations/no-such-org/key-policy/", .put, body: tight)
        #expect(nowhere.status == .forbidden, "policy of no organisation: \(nowhere.status)")
        // Webhooks (SPEC §14): home's to its admins with superuser keys (none made here: the
        // router has no secret key); another organisation's never listed, made, deleted or read.
        let homeSlug = "o\(place.organisationIndex[home]!)"
        let hooks = try await place.world.pool.query("SELECT id, organisation_id FROM webhook_endpoints")
            .map { (id: try $0.decode(UUID.self, at: 0).uuidString.lowercased(), organisation: try $0.decode(Int64.self, at: 1)) }
        let homeHooks = try await send("/api/organisations/\(homeSlug)/webhooks/")
        let homeListed = Set((homeHooks.object["results"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
        #expect(homeHooks.status == .forbidden || (homeHooks.status == .ok && homeListed == Set(hooks.filter { $0.organisation == home }.map(\.id))),
                "webhooks \(homeHooks.status) \(homeHooks.text.prefix(200))")
        let hook = #"{"url":"https://hooks.example.com/x","events":["key.issued"]}"#
        for (other, index) in place.organisationIndex where other != home {
            let listed = try await send("/api/organisations/o\(index)/webhooks/")
            #expect(listed.status == .forbidden || listed.status == .notFound, "webhooks of o\(index): \(listed.status)")
            let made = try await send("/api/organisations/o\(index)/webhooks/", .post, body: hook)
            #expect(made.status == .forbidden || made.status == .notFound, "webhook made in o\(index): \(made.status)")
        }
        for elsewhere in hooks where elsewhere.organisation != home {
            let slug = "o\(place.organisationIndex[elsewhere.organisation]!)"
            for base in ["/api/organisations/\(slug)/webhooks/\(elsewhere.id)/", "/api/organisations/\(homeSlug)/webhooks/\(elsewhere.id)/"] {
                let deleted = try await send(base, .delete)
                #expect(deleted.status == .forbidden || deleted.status == .notFound, "webhook \(base) deleted: \(deleted.status)")
                let deliveries = try await send(base + "deliveries/")
                #expect(deliveries.status == .forbidden || deliveries.status == .notFound, "deliveries \(base): \(deliveries.status)")
            }
        }
        let requestChecks = try await keyRequests({ try await send($0, $1, body: $2) }, home: home, homeSlug: homeSlug, place)
        checks += requestChecks
        // Every plugin's routes, as the action each states, about every object of elsewhere.
        let caller = IsolatedCaller(world: place.world, tenants: place.tenants, objects: place.objects, home: home, permissions: permissions) { uri, method, body in
            try await client.send(uri, method: method, key: who.key, headers: who.headers, body: body)
        }
        let plugins = try await caller.askEveryActionRoute(place.routes)
        asked.formUnion(plugins.asked)
        checks += plugins.checks
        return checks
    }

    /// Key requests (SPEC §14) as a key confined to `home`: its user's own and home's are the
    /// most it sees; another organisation's requests are never listed, decided or collected
    /// (they stay as they were), and no request is made elsewhere.
    static func keyRequests(
        _ send: (String, HTTPRequest.Method, String?) async throws -> Reply, home: Int64, homeSlug: String, _ place: Placement
    ) async throws -> Int {
        var checks = 0
        let stored = try await place.world.pool.query("SELECT id, organisation_id, status FROM key_requests ORDER BY id")
            .map { (id: try $0.decode(UUID.self, at: 0).uuidString.lowercased(), organisation: try $0.decode(Int64.self, at: 1), status: try $0.decode(String.self, at: 2)) }
        let own = try await send("/api/key-requests/", .get, nil)
        #expect(own.status == .forbidden || (own.status == .ok && own.items.allSatisfy { $0["organisation"] as? String == homeSlug }),
                "own key requests \(own.status) \(own.text.prefix(200))")
        let listed = try await send("/api/organisations/\(homeSlug)/key-requests/", .get, nil)
        #expect(listed.status == .forbidden || (listed.status == .ok && listed.items.allSatisfy { $0["organisation"] as? String == homeSlug }),
                "home's key requests \(listed.status)")
        checks += 2
        for (other, index) in place.organisationIndex where other != home {
            let slug = "o\(index)"
            let seen = try await send("/api/organisations/\(slug)/key-requests/", .get, nil)
            #expect(seen.status == .forbidden || seen.status == .notFound, "key requests of \(slug): \(seen.status)")
            let asked = try await send("/api/key-requests/", .post, #"{"organisation":"\#(slug)","name":"x","reason":"y"}"#)
            #expect(asked.status == .forbidden || asked.status == .notFound, "key request made in \(slug): \(asked.status)")
            checks += 2
        }
        for elsewhere in stored where elsewhere.organisation != home {
            let slug = "o\(place.organisationIndex[elsewhere.organisation]!)"
            for base in ["/api/organisations/\(slug)/key-requests/\(elsewhere.id)/", "/api/organisations/\(homeSlug)/key-requests/\(elsewhere.id)/"] {
                for verb in ["approve/", "deny/"] {
                    let decided = try await send(base + verb, .post, nil)
                    #expect(decided.status == .forbidden || decided.status == .notFound, "\(base)\(verb): \(decided.status)")
                }
            }
            let collected = try await send("/api/key-requests/\(elsewhere.id)/collect/", .post, nil)
            #expect(collected.status == .forbidden || collected.status == .notFound, "collecting \(elsewhere.id): \(collected.status)")
            checks += 5
        }
        let after = try await place.world.pool.query("SELECT id, status FROM key_requests WHERE organisation_id <> \(home) ORDER BY id")
            .map { "\(try $0.decode(UUID.self, at: 0).uuidString.lowercased()) \(try $0.decode(String.self, at: 1))" }
        #expect(after == stored.filter { $0.organisation != home }.map { "\($0.id) \($0.status)" }, "key requests elsewhere unchanged")
        return checks
    }

    /// The decision API about the key: every object of elsewhere is denied, for every action.
    static func decisions(
        _ client: some TestClientProtocol, key: String, home: Int64, permissions: KeyPermissions? = nil, _ place: Placement, service: String
    ) async throws -> Int {
        // Every action a route on one object states, about every object of elsewhere of its type
        // (and, for a fine-grained key, every object outside its permissions and selections).
        let caller = IsolatedCaller(world: place.world, tenants: place.tenants, objects: place.objects, home: home, permissions: permissions) { _, _, _ in
            preconditionFailure("decisions send nothing as the key")
        }
        let hidden = place.objects.filter { !caller.reaches($0) }
        var items: [String] = []
        for action in place.routes.objectActions {
            for object in hidden where object.type == action.resource {
                items.append(#"{"action":{"name":"\#(action)"},"resource":{"type":"\#(object.type)","id":"\#(object.id)"}}"#)
            }
        }
        for (other, _) in place.names where other != home {
            items.append(#"{"action":{"name":"survey.create"},"resource":{"type":"survey","properties":{"organisation":\#(other)}}}"#)
            items.append(#"{"action":{"name":"dataset.create"},"resource":{"type":"dataset","properties":{"organisation":\#(other)}}}"#)
        }
        // Resource searches with the key find nothing of elsewhere.
        var searches = 0
        var verbs: [(type: ResourceType, verbs: [Verb])] = []
        for route in place.routes {
            guard let action = route.access.action, action.verb != .create else { continue }
            if let index = verbs.firstIndex(where: { $0.type == action.resource }) {
                if !verbs[index].verbs.contains(action.verb) { verbs[index].verbs.append(action.verb) }
            } else {
                verbs.append((action.resource, [action.verb]))
            }
        }
        for (type, verbs) in verbs {
            let foreign = Set(hidden.filter { $0.type == type }.map(\.id))
            for verb in verbs {
                let search = #"{"subject":{"type":"api_key","id":"\#(key)"},"action":{"name":"\#(type).\#(verb)"},"resource":{"type":"\#(type)"}}"#
                let found = try await client.send("/access/v1/search/resource", method: .post, headers: [.authorization: "Bearer \(service)"], body: search)
                #expect(found.status == .ok, "\(type).\(verb): \(found.text)")
                let ids = Set(found.items.compactMap { $0["id"] as? String })
                #expect(ids.isDisjoint(with: foreign), "\(type).\(verb) found \(ids.intersection(foreign))")
                searches += 1
            }
            // Action search about each object of elsewhere: nothing may be done to it (a create
            // is about a new object, judged where the key may create it: `user.create` adds to
            // the key's own organisation).
            for object in foreign.sorted().prefix(3) {
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
