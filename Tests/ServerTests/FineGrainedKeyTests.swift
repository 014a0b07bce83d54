import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Policy
import Postgres
import ServerTestSupport
import Testing
import Vault

/// Fine-grained keys (SPEC §15) through the real router: permissions per resource type and
/// selected resources, on the resource API, sessions, verify, the decision API and its
/// searches, and a roll. Every resource request a test sends with a key is also replayed as an
/// AuthZEN evaluation (``DecisionAgreement``), which must agree.
@Suite struct FineGrainedKeyTests {
    struct World {
        var alice: Int64, acme: Int64
        var s1: Int64, s2: Int64, personal: Int64, foreign: Int64
    }

    /// Alice administers acme (two surveys, a dataset) and owns a personal survey; bob's survey is
    /// in another organisation. Datasets: acme's `acme-ds`, and the global `ethnicity`.
    static func seed(_ world: ServerWorld) async throws -> World {
        let alice = try await world.user("alice", tier: .organisation)
        let bob = try await world.user("bob", tier: .organisation)
        let acme = try await world.organisation("acme", members: [(alice, "admin")])
        let other = try await world.organisation("other", members: [(bob, "admin")])
        let s1 = try await world.survey("s1", owner: alice, organisation: acme)
        let s2 = try await world.survey("s2", owner: alice, organisation: acme)
        let personal = try await world.survey("mine", owner: alice)
        let foreign = try await world.survey("theirs", owner: bob, organisation: other)
        try await world.pool.execute("""
            INSERT INTO datasets (key, name, category, is_global, organisation_id, options)
            VALUES ('acme-ds', 'Acme', 'user_created', false, \(acme), '{a}'), ('ethnicity', 'Ethnicity', 'nhs_dd', true, NULL, '{b}')
            """)
        return World(alice: alice, acme: acme, s1: s1, s2: s2, personal: personal, foreign: foreign)
    }

    /// A key for alice in acme with `permissions`, selecting `resources`.
    static func issue(_ world: ServerWorld, _ permissions: [String: [String]], resources: [String: [String]] = [:]) async throws -> IssuedKey {
        var request = KeyIssueRequest(username: "alice", name: "fine", organisationSlug: "acme", issuer: .user("alice"))
        request.permissions = try KeyPermissions(verbs: permissions)
        request.resources = resources
        request.selections = world.selections
        return try await world.dependencies.vault.issue(request)
    }

    @Test func aKeyReachesOnlyTheTypesItsPermissionsName() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            let key = try await Self.issue(world, ["surveys": ["view", "edit"], "datasets": ["view"]]).secret
            try await world.client { client in
                #expect(try await client.send("/api/surveys/", key: key).ids == [w.s1, w.s2])
                let templates = try await client.send("/api/question-group-templates/", key: key)
                #expect(templates.status == .forbidden)
                #expect(templates.object["code"] as? String == "DENY_CAPABILITY", "\(templates.text)")
                // Edit where the type grants it, not where it does not.
                let edited = try await client.send("/api/surveys/\(w.s1)/", method: .patch, key: key, body: #"{"name":"Renamed"}"#)
                #expect(edited.status == .ok, "\(edited.text)")
                let refused = try await client.send("/api/datasets/acme-ds/", method: .patch, key: key, body: #"{"name":"Renamed"}"#)
                #expect(refused.status == .forbidden, "\(refused.text)")
                #expect(try await world.pool.query("SELECT name FROM datasets WHERE key = 'acme-ds'")[0].decode(String.self, at: 0) == "Acme")
                // The audit log is no resource type: a plain key of the same admin reads it, a fine-grained one may not.
                let plain = try await world.key(for: w.alice, organisation: w.acme)
                #expect(try await client.send("/api/audit/", key: plain).status == .ok)
                let audit = try await client.send("/api/audit/", key: key)
                #expect(audit.status == .forbidden && audit.object["code"] as? String == "DENY_CAPABILITY", "\(audit.text)")
            }
        }
    }

    @Test func aSelectionLimitsListsObjectsSessionsSearchesAndRolls() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            let issued = try await Self.issue(
                world, ["surveys": ["view"], "datasets": ["view"]], resources: ["surveys": [String(w.s1)], "datasets": ["acme-ds"]])
            let key = issued.secret
            let datasetID = try await world.pool.query("SELECT id FROM datasets WHERE key = 'acme-ds'")[0].decode(Int64.self, at: 0)
            #expect(issued.record.permissions?.ids == ["surveys": [w.s1], "datasets": [datasetID]])
            try await world.client { client in
                #expect(try await client.send("/api/surveys/", key: key).ids == [w.s1])
                #expect(try await client.send("/api/surveys/\(w.s1)/", key: key).status == .ok)
                // Refused as not visible: for surveys that is 403 (SPEC §4: their existence is no secret).
                let unselected = try await client.send("/api/surveys/\(w.s2)/", key: key)
                #expect(unselected.status == .forbidden)
                #expect(unselected.object["code"] as? String == "DENY_NOT_SELECTED", "\(unselected.text)")
                let datasets = try await client.send("/api/datasets/", key: key)
                #expect(Set(datasets.items.compactMap { $0["key"] as? String }) == ["acme-ds"], "\(datasets.text)")
                #expect(try await client.send("/api/datasets/ethnicity/", key: key).status == .notFound)

                // Sessions made from the key carry its selection.
                let login = try await client.send("/api/auth/login/", method: .post, body: #"{"apikey":"\#(key)"}"#)
                let token = try #require(login.object["token-id"] as? String, "\(login.text)")
                let viaSession = try await client.send("/api/surveys/", headers: [HTTPField.Name("authtoken")!: token])
                #expect(viaSession.ids == [w.s1], "\(viaSession.text)")

                // Verify and the presenting key show them.
                let verified = try await client.send("/v1/keys/verify", method: .post, key: world.service, body: #"{"key":"\#(key)"}"#)
                let shown = verified.object["key"] as? [String: Any] ?? [:]
                #expect(shown["permissions"] as? [String: [String]] == ["datasets": ["view"], "surveys": ["view"]], "\(verified.text)")
                #expect((shown["resources"] as? [String: [NSNumber]])?["surveys"]?.map(\.int64Value) == [w.s1])
                let current = try await client.send("/api/keys/current/", key: key)
                #expect((current.object["resources"] as? [String: [NSNumber]])?["datasets"]?.map(\.int64Value) == [datasetID], "\(current.text)")

                // The resource search answers exactly the selection; an evaluation outside it is refused.
                let search = try await client.send(
                    "/access/v1/search/resource", method: .post, key: world.service,
                    body: #"{"subject":{"type":"api_key","id":"\#(key)"},"action":{"name":"survey.retrieve"},"resource":{"type":"survey"}}"#)
                #expect(search.items.compactMap { $0["id"] as? String } == [String(w.s1)], "\(search.text)")
                let outside = try await client.send(
                    "/access/v1/evaluation", method: .post, key: world.service,
                    body: #"{"subject":{"type":"api_key","id":"\#(key)"},"action":{"name":"survey.retrieve"},"resource":{"type":"survey","id":"\#(w.s2)"}}"#)
                #expect(outside.object["decision"] as? Bool == false)
                #expect((outside.object["context"] as? [String: Any])?["code"] as? String == "DENY_NOT_SELECTED", "\(outside.text)")

                // A roll keeps the shape.
                let rolled = try await client.send("/api/keys/current/roll/", method: .post, key: key, body: #"{"grace_hours":0}"#)
                let successor = try #require(rolled.object["key"] as? String, "\(rolled.text)")
                #expect(try await client.send("/api/surveys/", key: successor).ids == [w.s1])
                #expect(try await client.send("/api/question-group-templates/", key: successor).status == .forbidden)
            }
        }
    }

    /// Surveys are selected by id or slug (SPEC §15: the console's "by id or slug", through the
    /// same lookup as every issuance): the key stores the integer ids and reaches only those;
    /// the decision API still reads a resource id as an id, never a slug.
    @Test func surveysAreSelectedByIDOrSlug() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            let issued = try await Self.issue(world, ["surveys": ["view"]], resources: ["surveys": ["s2", String(w.s1), "s1"]])
            #expect(issued.record.permissions?.ids == ["surveys": [w.s1, w.s2]])
            let stored = try await world.pool.query("SELECT resources::text FROM api_keys WHERE id = \(issued.record.id)")[0]
            #expect(try stored.decode(String.self, at: 0) == #"{"surveys": [\#(w.s1), \#(w.s2)]}"#)
            let slugOnly = try await Self.issue(world, ["surveys": ["view"]], resources: ["surveys": ["s2"]])
            #expect(slugOnly.record.permissions?.ids == ["surveys": [w.s2]])
            try await world.client { client in
                #expect(try await client.send("/api/surveys/", key: slugOnly.secret).ids == [w.s2])
                #expect(try await client.send("/api/surveys/\(w.s1)/", key: slugOnly.secret).status == .forbidden)
                for (id, allowed) in [(String(w.s2), true), ("s2", false)] {
                    let decision = try await client.send(
                        "/access/v1/evaluation", method: .post, key: world.service,
                        body: #"{"subject":{"type":"api_key","id":"\#(slugOnly.secret)"},"action":{"name":"survey.retrieve"},"resource":{"type":"survey","id":"\#(id)"}}"#)
                    #expect(decision.object["decision"] as? Bool == allowed, "\(id): \(decision.text)")
                }
            }
        }
    }

    /// Objects the key's user cannot see through the key (another organisation's, or their own
    /// personal survey, outside the key's organisation), ids naming nothing, unknown types and
    /// verbs: each refused with words naming them, and no key stored.
    @Test func issuanceRefusesWhatTheKeysUserCannotSee() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            let before = try await world.pool.query("SELECT count(*) FROM api_keys")[0].decode(Int.self, at: 0)
            do {
                _ = try await Self.issue(world, ["surveys": ["view"]], resources: [
                    "surveys": [String(w.s1), String(w.foreign), String(w.personal), "999999", "abc", "s2", "theirs", "mine"],
                ])
                Issue.record("issued a key selecting objects its user cannot see")
            } catch let VaultError.invalidInput(message) {
                // Ids and slugs alike: another organisation's, alice's own personal one, none such.
                let named = Set(message.split(separator: ": ", maxSplits: 1).last?.components(separatedBy: ", ") ?? [])
                #expect(named == Set([String(w.foreign), String(w.personal), "999999", "abc", "theirs", "mine"].map { "surveys \($0)" }), "\(message)")
            }
            await #expect(throws: VaultError.self) { _ = try await Self.issue(world, ["widgets": ["view"]]) }
            await #expect(throws: VaultError.self) { _ = try await Self.issue(world, ["surveys": ["view"]], resources: ["datasets": ["acme-ds"]]) }
            #expect(throws: KeyPermissionsError.self) { _ = try KeyPermissions(verbs: ["surveys": ["read"]]) }
            #expect(throws: KeyPermissionsError.self) { _ = try KeyPermissions(verbs: ["surveys": []]) }
            #expect(throws: KeyPermissionsError.self) { _ = try KeyPermissions(verbs: ["surveys": ["view"]], ids: ["surveys": []]) }
            #expect(try await world.pool.query("SELECT count(*) FROM api_keys")[0].decode(Int.self, at: 0) == before)
        }
    }

    /// §2's issuance rules apply verb by verb: a pro user's own key may hold `view` on a type,
    /// never `edit` (capabilities beyond view only from an organisation admin).
    @Test func issuanceRulesApplyToEveryVerbOfThePermissions() async throws {
        try await ServerWorld.with { world in
            _ = try await world.user("pat", tier: .pro)
            var request = KeyIssueRequest(username: "pat", name: "fine", issuer: .user("pat"))
            request.permissions = try KeyPermissions(verbs: ["surveys": ["view"], "datasets": ["view", "edit"]])
            await #expect(throws: VaultError.self) { _ = try await world.dependencies.vault.issue(request) }
            request.permissions = try KeyPermissions(verbs: ["surveys": ["view"]])
            let issued = try await world.dependencies.vault.issue(request)
            #expect(issued.record.capabilities == .view)
            #expect(issued.record.permissions?.types == ["surveys"])
        }
    }
}
