import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServerTestSupport
import Testing
import Vault

/// Tenant-scoped service credentials (SPEC §6): a credential issued for an organisation sees only
/// that organisation's keys, users and objects (plus what is global) through verify,
/// evaluations and the three searches; a deployment-wide one sees everything, as before.
@Suite struct ScopedServiceTests {
    /// Two organisations sharing an admin, teams in each and in none, and keys of every kind.
    struct Tenants {
        var alice: Int64, bob: Int64, dave: Int64, erin: Int64
        var acme: Int64, beta: Int64
        var acmeSurvey: Int64, betaSurvey: Int64, personalSurvey: Int64
        /// Keys by kind: `acme`, `beta` (confined there), `unconfined`, `teamAcme`, `teamBeta`,
        /// `teamNone` (confined to a team of acme, of beta, of no organisation), `betaRevoked`.
        var keys: [String: String]
        /// A credential scoped to acme.
        var scoped: String
        /// The world's deployment-wide credential.
        var deployment: String
    }

    static func seed(_ world: ServerWorld) async throws -> Tenants {
        let alice = try await world.user("alice"), bob = try await world.user("bob")
        let dave = try await world.user("dave"), erin = try await world.user("erin")
        // alice administers both; dave owns acme without a membership; bob is of beta only.
        let acme = try await world.organisation("acme", owner: dave, members: [(alice, "admin")])
        let beta = try await world.organisation("beta", members: [(alice, "admin"), (bob, "admin")])
        let teamAcme = try await world.team("t-acme", organisation: acme, members: [(erin, "admin")])
        let teamBeta = try await world.team("t-beta", organisation: beta, members: [(erin, "admin")])
        let teamNone = try await world.team("t-none", members: [(erin, "admin")])
        let acmeSurvey = try await world.survey("sa", owner: alice, organisation: acme)
        let betaSurvey = try await world.survey("sb", owner: bob, organisation: beta)
        let personalSurvey = try await world.survey("sp", owner: alice)
        try await world.dataset("global_ds", global: true, category: "nhs_dd")
        try await world.dataset("acme_ds", organisation: acme, createdBy: alice)
        try await world.dataset("beta_ds", organisation: beta, createdBy: bob)
        let all = ["view", "add", "edit", "delete"]
        let keys = [
            "acme": try await world.key(for: alice, organisation: acme, capabilities: all),
            "beta": try await world.key(for: alice, organisation: beta, capabilities: all),
            "unconfined": try await world.key(for: alice, capabilities: all),
            "teamAcme": try await world.key(for: erin, team: teamAcme),
            "teamBeta": try await world.key(for: erin, team: teamBeta),
            "teamNone": try await world.key(for: erin, team: teamNone),
            "betaRevoked": try await world.key(for: bob, organisation: beta, revoked: true),
        ]
        let scoped = try await world.dependencies.vault.issueServiceCredential(name: "acme-backend", organisationSlug: "acme").secret
        return Tenants(alice: alice, bob: bob, dave: dave, erin: erin, acme: acme, beta: beta, acmeSurvey: acmeSurvey,
                       betaSurvey: betaSurvey, personalSurvey: personalSurvey, keys: keys, scoped: scoped, deployment: try #require(world.service))
    }

    static func post(_ client: some TestClientProtocol, _ uri: String, _ body: String, service: String) async throws -> Reply {
        try await client.send(uri, method: .post, key: service, body: body)
    }

    /// An evaluation's JSON: `subject` (JSON) may `action` on the `type` object `id`?
    static func question(_ subject: String, _ action: String, _ type: String, _ id: Any) -> String {
        #"{"subject":\#(subject),"action":{"name":"\#(action)"},"resource":{"type":"\#(type)","id":"\#(id)"}}"#
    }

    @Test func verifyAnswersKeysOfOtherOrganisationsAsNotFound() async throws {
        try await ServerWorld.with { world in
            let tenants = try await Self.seed(world)
            try await world.client { client in
                for (kind, key) in tenants.keys.sorted(by: { $0.key < $1.key }) {
                    let scoped = try await Self.post(client, "/v1/keys/verify", #"{"key":"\#(key)"}"#, service: tenants.scoped)
                    let wide = try await Self.post(client, "/v1/keys/verify", #"{"key":"\#(key)"}"#, service: tenants.deployment)
                    #expect(scoped.status == .ok && wide.status == .ok)
                    if kind == "acme" || kind == "teamAcme" {
                        #expect(scoped.object["valid"] as? Bool == true, "\(kind): \(scoped.text)")
                        #expect(scoped.text == wide.text, "\(kind): the scope changes nothing inside it")
                    } else {
                        // Exactly a key that does not exist: nothing of it, its user or its organisation.
                        #expect(scoped.object["valid"] as? Bool == false && scoped.object["code"] as? String == "NOT_FOUND", "\(kind): \(scoped.text)")
                        for field in ["key", "user", "organisation"] { #expect(scoped.object[field] is NSNull, "\(kind): \(field) in \(scoped.text)") }
                        #expect(wide.object["code"] as? String == (kind == "betaRevoked" ? "REVOKED" : "VALID"), "\(kind): \(wide.text)")
                    }
                }
                let acme = try await Self.post(client, "/v1/keys/verify", #"{"key":"\#(tenants.keys["acme"]!)"}"#, service: tenants.scoped)
                #expect((acme.object["organisation"] as? [String: Any])?["slug"] as? String == "acme")
            }
        }
    }

    @Test func evaluationsAboutSubjectsOrResourcesOutsideAreDenied() async throws {
        try await ServerWorld.with { world in
            let t = try await Self.seed(world)
            let question = Self.question
            func user(_ id: Int64) -> String { #"{"type":"user","id":"\#(id)"}"# }
            func key(_ kind: String) -> String { #"{"type":"api_key","id":"\#(t.keys[kind]!)"}"# }
            let alice = user(t.alice)
            let items: [(question: String, scoped: String, wide: Bool)] = [
                (question(alice, "survey.retrieve", "survey", t.acmeSurvey), "ALLOW", true),
                (question(alice, "survey.retrieve", "survey", t.betaSurvey), "DENY_OUTSIDE_ORGANISATION", true),
                (question(alice, "survey.update", "survey", t.personalSurvey), "DENY_OUTSIDE_ORGANISATION", true),
                (question(alice, "dataset.retrieve", "dataset", "global_ds"), "ALLOW", true),
                (question(alice, "dataset.retrieve", "dataset", "acme_ds"), "ALLOW", true),
                (question(alice, "dataset.retrieve", "dataset", "beta_ds"), "DENY_OUTSIDE_ORGANISATION", true),
                // A user acts in the service's organisation, as with a key issued there: the
                // directory, which needs an organisation, answers inside it only.
                (question(alice, "user.retrieve", "user", t.alice), "ALLOW", false),
                (question(alice, "user.retrieve", "user", t.bob), "DENY_OUTSIDE_ORGANISATION", false),
                (question(user(t.dave), "survey.retrieve", "survey", t.acmeSurvey), "ALLOW", true),
                (question(user(t.bob), "survey.retrieve", "survey", t.betaSurvey), "DENY_UNKNOWN_SUBJECT", true),
                (question(user(t.bob), "survey.retrieve", "survey", t.acmeSurvey), "DENY_UNKNOWN_SUBJECT", false),
                (question(key("beta"), "survey.retrieve", "survey", t.betaSurvey), "DENY_INVALID_KEY", true),
                (question(key("unconfined"), "survey.retrieve", "survey", t.personalSurvey), "DENY_INVALID_KEY", true),
                (question(key("acme"), "survey.retrieve", "survey", t.acmeSurvey), "ALLOW", true),
                (question(key("acme"), "survey.retrieve", "survey", t.betaSurvey), "DENY_OUTSIDE_ORGANISATION", false),
            ]
            let batch = #"{"evaluations":["# + items.map(\.question).joined(separator: ",") + "]}"
            let expectations = items.map { ($0.scoped, $0.wide) }
            let (beta, bob, acmeSurvey) = (key("beta"), user(t.bob), t.acmeSurvey)
            try await world.client { client in
                let scoped = try await Self.post(client, "/access/v1/evaluations", batch, service: t.scoped)
                let wide = try await Self.post(client, "/access/v1/evaluations", batch, service: t.deployment)
                let scopedAnswers = scoped.object["evaluations"] as? [[String: Any]] ?? []
                let wideAnswers = wide.object["evaluations"] as? [[String: Any]] ?? []
                #expect(scopedAnswers.count == expectations.count && wideAnswers.count == expectations.count, "\(scoped.text)")
                for (index, (answer, wideAnswer)) in zip(scopedAnswers, wideAnswers).enumerated() {
                    let (scopedCode, wideDecision) = expectations[index]
                    let code = (answer["context"] as? [String: Any])?["code"] as? String ?? ""
                    #expect(answer["decision"] as? Bool == (scopedCode == "ALLOW") && code.hasPrefix(scopedCode), "item \(index): \(answer)")
                    #expect(wideAnswer["decision"] as? Bool == wideDecision, "deployment-wide item \(index): \(wideAnswer)")
                }
                // A key or user outside is answered as one that does not exist, with the scope said.
                func context(_ subject: String) async throws -> [String: Any] {
                    let reply = try await Self.post(client, "/access/v1/evaluation", Self.question(subject, "survey.retrieve", "survey", acmeSurvey), service: t.scoped)
                    #expect(reply.status == .ok && reply.object["decision"] as? Bool == false)
                    return reply.object["context"] as? [String: Any] ?? [:]
                }
                let foreignKey = try await context(beta)
                let missingKey = try await context(#"{"type":"api_key","id":"\#(try KeyFormat.generate(.live).secret)"}"#)
                #expect(NSDictionary(dictionary: foreignKey) == NSDictionary(dictionary: missingKey), "\(foreignKey) \(missingKey)")
                let foreignUser = try await context(bob)
                #expect(NSDictionary(dictionary: foreignUser) == NSDictionary(dictionary: try await context(#"{"type":"user","id":"987654"}"#)))
                #expect((foreignUser["reasons"] as? [String])?.contains { $0.contains("its own organisation") } == true, "\(foreignUser)")
            }
        }
    }

    @Test func searchesReturnOnlyTheOrganisationsUsersAndObjects() async throws {
        try await ServerWorld.with { world in
            let t = try await Self.seed(world)
            try await world.client { client in
                let alice: [String: Any] = ["type": "user", "id": "\(t.alice)"]
                func found(_ kind: String, _ body: [String: Any], _ service: String) async throws -> Set<String> {
                    let (results, _) = try await SearchTests.all(client, kind, body, limit: 1, service: service)
                    return Set(results.compactMap { ($0["id"] ?? $0["name"]) as? String })
                }
                let surveys: [String: Any] = ["subject": alice, "action": ["name": "survey.update"], "resource": ["type": "survey"]]
                #expect(try await found("resource", surveys, t.scoped) == ["\(t.acmeSurvey)"])
                #expect(try await found("resource", surveys, t.deployment) == ["\(t.acmeSurvey)", "\(t.betaSurvey)", "\(t.personalSurvey)"])
                let datasets: [String: Any] = ["subject": alice, "action": ["name": "dataset.retrieve"], "resource": ["type": "dataset"]]
                #expect(try await found("resource", datasets, t.scoped) == ["global_ds", "acme_ds"])
                #expect(try await found("resource", datasets, t.deployment).contains("beta_ds"))
                let foreignKey: [String: Any] = ["subject": ["type": "api_key", "id": t.keys["beta"]!], "action": ["name": "survey.retrieve"],
                                                 "resource": ["type": "survey"]]
                #expect(try await found("resource", foreignKey, t.scoped).isEmpty)
                #expect(try await found("resource", foreignKey, t.deployment) == ["\(t.betaSurvey)"])
                let directory: [String: Any] = ["subject": alice, "action": ["name": "user.retrieve"], "resource": ["type": "user"]]
                let people = try await found("resource", directory, t.scoped)
                #expect(people.contains("\(t.alice)") && !people.contains("\(t.bob)"), "\(people)")

                func who(_ survey: Int64, _ service: String) async throws -> Set<String> {
                    try await found("subject", ["subject": ["type": "user"], "action": ["name": "survey.retrieve"],
                                                "resource": ["type": "survey", "id": "\(survey)"]], service)
                }
                #expect(try await who(t.acmeSurvey, t.scoped) == ["\(t.alice)", "\(t.dave)"])
                #expect(try await who(t.betaSurvey, t.scoped).isEmpty)
                #expect(try await who(t.betaSurvey, t.deployment) == ["\(t.alice)", "\(t.bob)"])

                func what(_ survey: Int64, _ service: String) async throws -> Set<String> {
                    try await found("action", ["subject": alice, "resource": ["type": "survey", "id": "\(survey)"]], service)
                }
                #expect(try await what(t.betaSurvey, t.scoped).isEmpty)
                #expect(try await what(t.betaSurvey, t.deployment).contains("survey.retrieve"))
                #expect(try await what(t.acmeSurvey, t.scoped).contains("survey.delete"))
            }
        }
    }

    @Test func issuanceListingAndRevocationAreAuditedInTheOrganisation() async throws {
        try await ServerWorld.with { world in
            let t = try await Self.seed(world)
            let vault = world.dependencies.vault
            let count = { try await world.pool.query("SELECT count(*) FROM service_credentials")[0].decode(Int.self, at: 0) }
            let before = try await count()
            await #expect(throws: VaultError.self) { try await vault.issueServiceCredential(name: "ghost", organisationSlug: "nowhere") }
            #expect(try await count() == before)

            let listed = try await vault.listServiceCredentials()
            let acme = try #require(listed.first { $0.credential.name == "acme-backend" })
            #expect(acme.organisationSlug == "acme" && acme.credential.organisationID == t.acme && acme.status == "active")
            #expect(listed.first { $0.credential.name == "agreement" }?.organisationSlug == nil)
            let issued = try await world.pool.query("""
                SELECT organisation_id, detail->>'organisation' FROM audit_events WHERE action = 'service.issued' AND target = \(acme.credential.id.uuidString.lowercased())
                """)
            #expect(issued.count == 1)
            #expect(try issued.first?.decode(Int64?.self, at: 0) == t.acme && issued.first?.decode(String?.self, at: 1) == "acme")

            try await vault.revokeServiceCredential(id: acme.credential.id)
            try await vault.revokeServiceCredential(id: acme.credential.id)
            #expect(try await vault.listServiceCredentials().first { $0.credential.id == acme.credential.id }?.status == "revoked")
            let revoked = try await world.pool.query("SELECT organisation_id FROM audit_events WHERE action = 'service.revoked'").map { try $0.decode(Int64?.self, at: 0) }
            #expect(revoked == [t.acme])
            await #expect(throws: VaultError.self) { try await vault.revokeServiceCredential(id: UUID()) }
            #expect(try await vault.verifyServiceCredential(t.scoped) == nil)
        }
    }

    /// SPEC §8: `services revoke` is refused at once by every instance — revoked through another
    /// instance's vault, by plain SQL, or gone with its organisation.
    @Test func aCredentialRevokedElsewhereIsRefusedHereWithinASecond() async throws {
        try await ServerWorld.twoInstances { a, b in
            try await a.organisation("acme")
            let vault = a.dependencies.vault
            let byVault = try await vault.issueServiceCredential(name: "one", organisationSlug: "acme")
            let bySQL = try await vault.issueServiceCredential(name: "two", organisationSlug: "acme")
            let byDeletion = try await vault.issueServiceCredential(name: "three", organisationSlug: "acme")
            let wide = try await vault.issueServiceCredential(name: "wide")
            try await b.client { client in
                func status(_ secret: String) async throws -> HTTPResponse.Status {
                    try await client.send("/v1/keys/verify", method: .post, key: secret, body: #"{"key":"ct_live_x"}"#).status
                }
                // Cached on b first, so only a notice can evict them.
                for credential in [byVault, bySQL, byDeletion, wide] { #expect(try await status(credential.secret) == .ok) }
                func refusedWithinASecond(_ secret: String) async throws -> Bool {
                    let start = ContinuousClock.now
                    while ContinuousClock.now - start < .seconds(1) {
                        if try await status(secret) == .unauthorized { return true }
                        try await Task.sleep(for: .milliseconds(10))
                    }
                    return false
                }
                try await vault.revokeServiceCredential(id: byVault.credential.id)
                #expect(try await refusedWithinASecond(byVault.secret))
                try await a.pool.execute("UPDATE service_credentials SET revoked_at = now() WHERE id = \(bySQL.credential.id)")
                #expect(try await refusedWithinASecond(bySQL.secret))
                try await a.pool.execute("DELETE FROM organisations WHERE slug = 'acme'")
                #expect(try await refusedWithinASecond(byDeletion.secret))
                #expect(try await status(wide.secret) == .ok)
            }
        }
    }
}
