import Foundation
import Hummingbird
import HummingbirdTesting
import Policy
import Postgres
import ServerTestSupport
import Testing
import TestSupport
import Vault

/// SPEC §2 trust rules, each an attack seen on an earlier build: a key never reaches further
/// than its issuer's authority, offboarding ends access, a leak report reaches rolled keys.
@Suite struct IssuerAuthorityTests {
    /// alice administers acme; bob is a viewer in acme and an admin of bobco, with a survey
    /// and audit events there.
    struct Tenants {
        var alice: Int64, bob: Int64, acme: Int64, bobco: Int64, acmeSurvey: Int64, bobcoSurvey: Int64, bobPersonal: Int64
    }

    static func tenants(_ world: ServerWorld, bobTier: Tier = .organisation) async throws -> Tenants {
        let alice = try await world.user("alice", tier: .organisation)
        let bob = try await world.user("bob", tier: bobTier)
        let acme = try await world.organisation("acme", members: [(alice, "admin"), (bob, "viewer")])
        let bobco = try await world.organisation("bobco", members: [(bob, "admin")])
        let acmeSurvey = try await world.survey("acme-s", owner: alice, organisation: acme)
        let bobcoSurvey = try await world.survey("bobco-s", owner: bob, organisation: bobco)
        let bobPersonal = try await world.survey("bob-personal", owner: bob)
        try await world.pool.execute("INSERT INTO audit_events (organisation_id, action) VALUES (\(bobco), 'secret.bobco.event')")
        return Tenants(alice: alice, bob: bob, acme: acme, bobco: bobco, acmeSurvey: acmeSurvey, bobcoSurvey: bobcoSurvey, bobPersonal: bobPersonal)
    }

    /// `keys issue --user bob --by alice` used to issue a key with no organisation that read
    /// bobco's surveys and audit log. Now it is confined to acme, the one organisation through
    /// which alice has authority over bob.
    @Test func anAdminsKeyIsConfinedToTheAdminsOrganisation() async throws {
        try await ServerWorld.with { world in
            let t = try await Self.tenants(world)
            let issued = try await world.dependencies.vault.issue(KeyIssueRequest(username: "bob", name: "by alice", issuer: .user("alice")))
            #expect(issued.record.organisationID == t.acme && issued.record.teamID == nil)
            try await world.client { client in
                let key = issued.secret
                #expect(try await client.send("/api/surveys/", key: key).ids == [])  // bob is a viewer in acme
                #expect(try await client.send("/api/surveys/\(t.bobcoSurvey)/", key: key).status == .forbidden)
                #expect(try await client.send("/api/surveys/\(t.bobPersonal)/", key: key).status == .forbidden)
                #expect(try await client.send("/api/audit/", key: key).status == .forbidden)
                let current = try await client.send("/api/keys/current/", key: key)
                #expect((current.object["organisation"] as? NSNumber)?.int64Value == t.acme)
            }
        }
    }

    /// An admin of several of the target's organisations must name one (400 words, nothing stored).
    @Test func anAdminOfSeveralOrganisationsMustNameOne() async throws {
        try await ServerWorld.with { world in
            let t = try await Self.tenants(world)
            try await world.pool.execute("INSERT INTO organisation_memberships (organisation_id, user_id, role) VALUES (\(t.bobco), \(t.alice), 'admin')")
            let before = try await world.pool.query("SELECT count(*) FROM api_keys")[0].decode(Int.self, at: 0)
            await #expect(throws: VaultError.self) {
                _ = try await world.dependencies.vault.issue(KeyIssueRequest(username: "bob", name: "which", issuer: .user("alice")))
            }
            do {
                _ = try await world.dependencies.vault.issue(KeyIssueRequest(username: "bob", name: "which", issuer: .user("alice")))
            } catch VaultError.invalidInput(let why) {
                #expect(why.contains("name the organisation"), "\(why)")
            }
            #expect(try await world.pool.query("SELECT count(*) FROM api_keys")[0].decode(Int.self, at: 0) == before)
            let named = try await world.dependencies.vault.issue(KeyIssueRequest(username: "bob", name: "named", organisationSlug: "bobco", issuer: .user("alice")))
            #expect(named.record.organisationID == t.bobco)
        }
    }

    /// A team admin's key is confined to the team: its surveys, datasets and global objects,
    /// nothing of any organisation, not the directory, not the audit log.
    @Test func aTeamAdminsKeyIsConfinedToTheTeam() async throws {
        try await ServerWorld.with { world in
            let t = try await Self.tenants(world, bobTier: .team)
            let carol = try await world.user("carol", tier: .team)
            let team = try await world.team("crew", organisation: t.acme, members: [(carol, "admin"), (t.bob, "creator")])
            let teamSurvey = try await world.survey("crew-s", owner: carol, organisation: t.acme, team: team)
            try await world.pool.execute("INSERT INTO organisation_memberships (organisation_id, user_id, role) VALUES (\(t.acme), \(carol), 'viewer')")
            try await world.pool.execute("UPDATE organisation_memberships SET role = 'admin' WHERE user_id = \(t.bob) AND organisation_id = \(t.acme)")
            try await world.pool.execute("""
                INSERT INTO datasets (key, name, category, is_global, organisation_id, team_id, options, tags)
                VALUES ('crew-d', 'Crew', 'user_created', false, \(t.acme), \(team), '{}', '{}'),
                       ('acme-d', 'Acme', 'user_created', false, \(t.acme), NULL, '{}', '{}'),
                       ('global-d', 'Global', 'nhs_dd', true, NULL, NULL, '{}', '{}')
                """)
            let issued = try await world.dependencies.vault.issue(KeyIssueRequest(username: "bob", name: "by carol", issuer: .user("carol")))
            #expect(issued.record.teamID == team && issued.record.organisationID == nil)
            try await world.client { client in
                let key = issued.secret
                // bob administers acme and bobco, but this key reaches the team alone.
                #expect(try await client.send("/api/surveys/", key: key).ids == [])
                try await world.pool.execute("INSERT INTO survey_memberships (survey_id, user_id, role) VALUES (\(teamSurvey), \(t.bob), 'viewer'), (\(t.acmeSurvey), \(t.bob), 'viewer')")
                try await world.pool.execute("NOTIFY latchkey_data, 'survey_memberships'")
                #expect(try await client.send("/api/surveys/\(teamSurvey)/", key: key).status == .ok)
                #expect(try await client.send("/api/surveys/\(t.acmeSurvey)/", key: key).status == .forbidden)
                #expect(try await client.send("/api/surveys/\(t.bobcoSurvey)/", key: key).status == .forbidden)
                let datasets = Set(try await client.send("/api/datasets/", key: key).items.compactMap { $0["key"] as? String })
                #expect(datasets == ["crew-d", "global-d"], "\(datasets)")
                #expect(try await client.send("/api/datasets/acme-d/", key: key).status == .notFound)
                #expect(try await client.send("/api/user/", key: key).status == .forbidden)
                #expect(try await client.send("/api/audit/", key: key).status == .forbidden)
                let login = try await client.send("/api/auth/login/", method: .post, body: #"{"apikey":"\#(key)"}"#)
                #expect(((login.object["user"] as? [String: Any])?["organisations"] as? [Any])?.isEmpty == true, "\(login.text)")
                let survey = #"{"name":"n","slug":"n1","organisation":\#(t.acme)}"#
                #expect(try await client.send("/api/surveys/", method: .post, key: key, body: survey).status == .forbidden)
            }
        }
    }

    /// SPEC §2: the audit log is the key's own organisation's; a key with none reads nothing,
    /// whatever its user administers.
    @Test func aKeyWithoutOrganisationReadsNoAuditLog() async throws {
        try await ServerWorld.with { world in
            let t = try await Self.tenants(world, bobTier: .pro)
            let personal = try await world.dependencies.vault.issue(KeyIssueRequest(username: "bob", name: "mine", issuer: .user("bob")))
            #expect(personal.record.organisationID == nil)
            try await world.client { client in
                #expect(try await client.send("/api/audit/", key: personal.secret).status == .forbidden)
                let bobcoKey = try await world.key(for: t.bob, organisation: t.bobco)
                let events = try await client.send("/api/audit/", key: bobcoKey).items
                #expect(events.contains { $0["action"] as? String == "secret.bobco.event" })
            }
        }
    }

    /// Offboarding: a member removed by the directory or the command line loses every key
    /// confined to the organisation, and the sessions made from them, audited `membership_ended`.
    @Test func aRemovedMembersKeysEnd() async throws {
        try await ServerWorld.with { world in
            let t = try await Self.tenants(world)
            try await world.pool.execute("UPDATE users SET is_staff = false")
            let admin = try await world.key(for: t.alice, organisation: t.acme, capabilities: ["view", "superuser"])
            let bobKey = try await world.key(for: t.bob, organisation: t.acme, capabilities: ["view", "add", "edit", "delete"])
            let bobElsewhere = try await world.key(for: t.bob, organisation: t.bobco)
            let bobsSurvey = try await world.survey("bob-in-acme", owner: t.bob, organisation: t.acme)
            try await world.client { client in
                let login = try await client.send("/api/auth/login/", method: .post, body: #"{"apikey":"\#(bobKey)"}"#)
                let token = try #require(login.object["token-id"] as? String)
                #expect(try await client.send("/api/surveys/\(bobsSurvey)/", key: bobKey).status == .ok)
                #expect(try await client.send("/api/user/\(t.bob)/", method: .delete, key: admin).status == .noContent)
                #expect(try await client.send("/api/surveys/\(bobsSurvey)/", key: bobKey).status == .unauthorized)
                #expect(try await client.send("/api/surveys/\(bobsSurvey)/", method: .patch, key: bobKey, body: #"{"name":"mine"}"#).status == .unauthorized)
                #expect(try await client.send("/api/surveys/", headers: [HTTPFields.Element.Name("authtoken")!: token]).status == .unauthorized)
                #expect(try await client.send("/api/surveys/", key: bobElsewhere).status == .ok)
            }
            let ended = try await world.pool.query("""
                SELECT revoke_reason FROM api_keys WHERE user_id = \(t.bob) AND organisation_id = \(t.acme)
                """).map { try $0.decode(String?.self, at: 0) }
            #expect(ended == ["membership_ended"])
            let audit = try await world.pool.query("""
                SELECT organisation_id, (detail->>'revoked_keys')::int FROM audit_events WHERE action = 'membership_ended'
                """).map { try $0.decode((Int64?, Int).self) }
            #expect(audit.count == 1 && audit.first?.0 == t.acme && audit.first?.1 == 1)
            #expect(try await world.pool.query("SELECT count(*) FROM session_tokens WHERE revoked_at IS NULL")[0].decode(Int.self, at: 0) == 0)
        }
    }

    /// A confined key whose user is no longer a member is refused even where the revocation
    /// has not landed (a membership row removed with the trigger disabled, as an old
    /// replica or a restore might leave it).
    @Test func aConfinedKeyOfANonMemberIsRefused() async throws {
        try await ServerWorld.with { world in
            let t = try await Self.tenants(world)
            let bobKey = try await world.key(for: t.bob, organisation: t.acme)
            let verdict = try await world.dependencies.vault.verify(bobKey)
            #expect(verdict.status == .valid)
            try await world.pool.withTransaction { connection in
                try await connection.execute("ALTER TABLE organisation_memberships DISABLE TRIGGER organisation_memberships_ended")
                try await connection.execute("DELETE FROM organisation_memberships WHERE user_id = \(t.bob) AND organisation_id = \(t.acme)")
                try await connection.execute("ALTER TABLE organisation_memberships ENABLE TRIGGER organisation_memberships_ended")
            }
            world.dependencies.vault.forget(userID: t.bob)
            #expect(try await world.dependencies.vault.verify(bobKey).status == .revoked)
            #expect(try await world.pool.query("SELECT revoked_at IS NULL FROM api_keys WHERE user_id = \(t.bob)")[0].decode(Bool.self, at: 0))
            try await world.client { client in
                let reply = try await client.send("/api/keys/current/", key: bobKey)
                #expect(reply.status == .unauthorized)
            }
        }
    }

    /// Offboarding by an operator's SQL on one instance is refused by the other within 1 s;
    /// team memberships and deactivation end confined keys too.
    @Test func offboardingBySQLReachesEveryInstanceWithinASecond() async throws {
        try await ServerWorld.twoInstances { a, b in
            let t = try await Self.tenants(a)
            let team = try await a.team("crew", organisation: t.acme, members: [(t.bob, "viewer")])
            let orgKey = try await a.key(for: t.bob, organisation: t.acme)
            let teamKey = try await a.key(for: t.bob, team: team)
            let other = try await a.key(for: t.bob, organisation: t.bobco)
            for key in [orgKey, teamKey, other] { #expect(try await b.dependencies.vault.verify(key).status == .valid) }
            try await a.pool.execute("DELETE FROM organisation_memberships WHERE user_id = \(t.bob) AND organisation_id = \(t.acme)")
            try await a.pool.execute("DELETE FROM team_memberships WHERE user_id = \(t.bob)")
            let start = ContinuousClock.now
            func stillValid() async throws -> Bool {
                let org = try await b.dependencies.vault.verify(orgKey).status, team = try await b.dependencies.vault.verify(teamKey).status
                return org == .valid || team == .valid
            }
            // SPEC §2 asks for 1 s; the notice takes milliseconds, and the bound leaves room for a
            // machine running the whole suite (as VaultVerificationTests' does).
            while try await stillValid() {
                #expect(ContinuousClock.now - start < .seconds(2))
                guard ContinuousClock.now - start < .seconds(2) else { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(try await b.dependencies.vault.verify(other).status == .valid)
            try await a.pool.execute("UPDATE users SET is_active = false WHERE id = \(t.bob)")
            try await a.pool.execute("UPDATE users SET is_active = true WHERE id = \(t.bob)")
            #expect(try await a.pool.query("SELECT revoke_reason FROM api_keys WHERE user_id = \(t.bob) ORDER BY created_at")
                .map { try $0.decode(String?.self, at: 0) } == ["membership_ended", "membership_ended", "membership_ended"])
            let audited = try await a.pool.query("SELECT organisation_id FROM audit_events WHERE action = 'membership_ended' ORDER BY id")
                .map { try $0.decode(Int64?.self, at: 0) }
            #expect(audited == [t.acme, t.acme, t.bobco], "\(audited)")
        }
    }

    /// Leak chains: whoever found a key cannot roll it into a successor that survives the
    /// report; the roll is audited with the client's address.
    @Test func aLeakReportKillsEveryKeyRolledFromTheLeakedOne() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.user("ada", tier: .pro)
            let leaked = try await world.key(for: ada)
            try await world.client(over: .live) { client in
                let first = try await client.send("/api/keys/current/roll/", method: .post, key: leaked, body: #"{"grace_hours":1}"#)
                let successor = try #require(first.object["key"] as? String)
                let second = try await client.send("/api/keys/current/roll/", method: .post, key: successor, body: "")
                let third = try #require(second.object["key"] as? String)
                let login = try await client.send("/api/auth/login/", method: .post, body: #"{"apikey":"\#(third)"}"#)
                let token = try #require(login.object["token-id"] as? String)
                #expect(try await client.send("/v1/keys/revoke-leaked", method: .post, body: #"{"credentials":["\#(leaked)"]}"#).status == .accepted)
                for key in [leaked, successor, third] {
                    #expect(try await client.send("/api/keys/current/", key: key).status == .unauthorized)
                }
                #expect(try await client.send("/api/surveys/", headers: [HTTPFields.Element.Name("authtoken")!: token]).status == .unauthorized)
            }
            let rolls = try await world.pool.query("""
                SELECT actor_id, detail->>'via', ip FROM audit_events WHERE action = 'key.rolled' ORDER BY id
                """).map { try $0.decode((Int64?, String?, String?).self) }
            #expect(rolls.count == 2)
            #expect(rolls.allSatisfy { $0.0 == ada && $0.1 == "key" && $0.2 == "127.0.0.1" }, "\(rolls)")
            #expect(try await world.pool.query("SELECT count(*) FROM audit_events WHERE action = 'key.revoked_leak'")[0].decode(Int.self, at: 0) == 3)
        }
    }

    /// Chained rolls used to get around the tier's active-key limit: each roll left the old key
    /// working for its grace. A roll now needs room for the new key beside the others.
    @Test func chainedRollsStayWithinTheTiersLimit() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.user("ada", tier: .pro)
            var made: [String] = []
            for _ in 0..<5 { made.append(try await world.key(for: ada)) }
            let keys = made
            try await world.client { client in
                let first = try await client.send("/api/keys/current/roll/", method: .post, key: keys[0], body: "")
                #expect(first.status == .created)
                let successor = try #require(first.object["key"] as? String)
                let second = try await client.send("/api/keys/current/roll/", method: .post, key: successor, body: "")
                #expect(second.status == .forbidden && second.object["code"] as? String == "DENY_LIMIT", "\(second.text)")
            }
            #expect(try await world.pool.query("""
                SELECT count(*) FROM api_keys WHERE user_id = \(ada) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
                """)[0].decode(Int.self, at: 0) == 6)
        }
    }

    /// A roll racing a revocation is a 4xx, never a 500.
    @Test func aRollAfterARevocationIsRefusedIn4xx() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.user("ada", tier: .pro)
            let key = try await world.key(for: ada)
            let verified = try #require(try await world.dependencies.vault.verify(key).found)
            try await world.pool.execute("UPDATE api_keys SET revoked_at = now() WHERE id = \(verified.key.id)")
            await #expect(throws: VaultError.self) {
                _ = try await world.dependencies.vault.roll(keyID: verified.key.id, graceHours: 1)
            }
            // Through the router: the revoked key is refused before the roll; with the cached
            // verification still valid, the roll itself refuses it.
            try await world.client { client in
                let reply = try await client.send("/api/keys/current/roll/", method: .post, key: key, body: "")
                #expect((400..<500).contains(reply.status.code), "\(reply.status) \(reply.text)")
            }
        }
    }
}
