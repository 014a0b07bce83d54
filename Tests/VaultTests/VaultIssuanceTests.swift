import Foundation
import Policy
import Postgres
import Testing
@testable import Vault

@Suite("Key issuance through the vault (SPEC §2)")
struct VaultIssuanceTests {
    func expectDenied(_ code: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> IssuedKey) async {
        do {
            _ = try await body()
            Issue.record("expected refusal \(code)", sourceLocation: sourceLocation)
        } catch VaultError.denied(let decision) {
            #expect(decision.code.rawValue == code, sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func issuerTableRowByRow() async throws {
        try await VaultWorld.withWorld { world in
            let vault = world.vault()
            let freeUser = try await world.user("free", tier: .free)
            _ = freeUser
            try await world.user("pro", tier: .pro)
            try await world.user("other", tier: .pro)
            let teamUser = try await world.user("teamuser", tier: .team)
            let teamAdmin = try await world.user("teamadmin", tier: .team)
            let teamViewer = try await world.user("teamviewer", tier: .team)
            try await world.team("t1", members: [(teamUser, "viewer"), (teamAdmin, "admin"), (teamViewer, "viewer")])
            let orgUser = try await world.user("orguser", tier: .organisation)
            let orgAdmin = try await world.user("orgadmin", tier: .organisation)
            let orgCreator = try await world.user("orgcreator", tier: .organisation)
            let entUser = try await world.user("entuser", tier: .enterprise)
            try await world.organisation("acme", members: [(orgUser, "viewer"), (orgAdmin, "admin"), (orgCreator, "creator"), (entUser, "viewer")])
            try await world.user("staff", tier: .pro, staff: true)

            // free: nobody, not even the operator.
            await expectDenied("DENY_TIER") { try await vault.issue(.init(username: "free", name: "k")) }
            await expectDenied("DENY_TIER") { try await vault.issue(.init(username: "free", name: "k", issuer: .user("free"))) }
            // pro: the user itself only.
            let own = try await vault.issue(.init(username: "pro", name: "self", issuer: .user("pro")))
            #expect(own.secret.hasPrefix("ct_live_") && own.secret.count == 57)
            await expectDenied("DENY_NOT_MEMBER") { try await vault.issue(.init(username: "pro", name: "k", issuer: .user("other"))) }
            // team: an admin of a team the user belongs to; not a fellow viewer.
            _ = try await vault.issue(.init(username: "teamuser", name: "t", issuer: .user("teamadmin")))
            await expectDenied("DENY_ROLE") { try await vault.issue(.init(username: "teamuser", name: "t", issuer: .user("teamviewer"))) }
            await expectDenied("DENY_ROLE") { try await vault.issue(.init(username: "teamuser", name: "t", issuer: .user("teamuser"))) }
            // organisation and enterprise: an admin of an organisation the user belongs to.
            _ = try await vault.issue(.init(username: "orguser", name: "o", organisationSlug: "acme", issuer: .user("orgadmin")))
            _ = try await vault.issue(.init(username: "entuser", name: "e", organisationSlug: "acme", issuer: .user("orgadmin")))
            await expectDenied("DENY_ROLE") { try await vault.issue(.init(username: "orguser", name: "o", issuer: .user("orgcreator"))) }
            // staff may issue for anyone on a paid tier; the operator acts as staff.
            _ = try await vault.issue(.init(username: "teamuser", name: "s", issuer: .user("staff")))
            _ = try await vault.issue(.init(username: "orguser", name: "op"))
        }
    }

    @Test func capabilityGrantRules() async throws {
        try await VaultWorld.withWorld { world in
            let vault = world.vault()
            try await world.user("pro", tier: .pro)
            let orgUser = try await world.user("orguser", tier: .organisation)
            let orgAdmin = try await world.user("orgadmin", tier: .organisation)
            try await world.organisation("acme", members: [(orgUser, "viewer"), (orgAdmin, "admin")])
            try await world.user("staff", tier: .enterprise, staff: true)

            // Beyond view: only an organisation admin on organisation/enterprise tiers.
            await expectDenied("DENY_CAPABILITY_GRANT") {
                try await vault.issue(.init(username: "pro", name: "w", capabilities: [.view, .add], issuer: .user("pro")))
            }
            let writer = try await vault.issue(.init(username: "orguser", name: "w", organisationSlug: "acme",
                                                     capabilities: [.view, .add, .edit, .delete], issuer: .user("orgadmin")))
            #expect(writer.record.capabilities == [.view, .add, .edit, .delete])
            // superuser: staff only.
            await expectDenied("DENY_CAPABILITY_GRANT") {
                try await vault.issue(.init(username: "orguser", name: "su", organisationSlug: "acme",
                                            capabilities: [.view, .superuser], issuer: .user("orgadmin")))
            }
            let superuser = try await vault.issue(.init(username: "orguser", name: "su", organisationSlug: "acme",
                                                        capabilities: [.view, .superuser], issuer: .user("staff")))
            #expect(superuser.record.capabilities.contains(.superuser))
        }
    }

    @Test func activeKeyLimitsPerTier() async throws {
        try await VaultWorld.withWorld { world in
            let vault = world.vault()
            try await world.user("pro", tier: .pro)
            for index in 0..<5 {
                _ = try await vault.issue(.init(username: "pro", name: "k\(index)", issuer: .user("pro")))
            }
            await expectDenied("DENY_LIMIT") { try await vault.issue(.init(username: "pro", name: "six", issuer: .user("pro"))) }
            // Revoking one frees a slot; expired keys do not count either.
            let first = try await vault.listKeys(username: "pro").last!
            try await vault.revoke(keyID: first.id)
            _ = try await vault.issue(.init(username: "pro", name: "again", issuer: .user("pro")))
            await expectDenied("DENY_LIMIT") { try await vault.issue(.init(username: "pro", name: "seven", issuer: .user("pro"))) }
            try await world.pool.execute("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE name = 'k1'")
            _ = try await vault.issue(.init(username: "pro", name: "after-expiry", issuer: .user("pro")))

            let teamUser = try await world.user("teamuser", tier: .team)
            try await world.team("t", members: [(teamUser, "admin")])
            for index in 0..<10 { _ = try await vault.issue(.init(username: "teamuser", name: "t\(index)", issuer: .user("teamuser"))) }
            await expectDenied("DENY_LIMIT") { try await vault.issue(.init(username: "teamuser", name: "t11", issuer: .user("teamuser"))) }
        }
    }

    @Test func limitHoldsUnderTwentyConcurrentIssuances() async throws {
        try await VaultWorld.withWorld { world in
            let vault = world.vault()
            try await world.user("pro", tier: .pro)
            for index in 0..<4 { _ = try await vault.issue(.init(username: "pro", name: "k\(index)", issuer: .user("pro"))) }
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        (try? await vault.issue(.init(username: "pro", name: "race\(index)", issuer: .user("pro")))) != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            let active = try await world.pool.query("SELECT count(*) FROM api_keys WHERE revoked_at IS NULL")[0].decode(Int.self, at: 0)
            #expect(active == 5)
        }
    }

    @Test func badInputIsRefusedAndNothingIsStored() async throws {
        try await VaultWorld.withWorld { world in
            let vault = world.vault()
            try await world.user("pro", tier: .pro)
            await #expect(throws: VaultError.self) { try await vault.issue(.init(username: "pro", name: "  ")) }
            await #expect(throws: VaultError.self) { try await vault.issue(.init(username: "pro", name: "x", expiresAt: Date().addingTimeInterval(-1))) }
            await #expect(throws: VaultError.self) { try await vault.issue(.init(username: "nobody", name: "x")) }
            await #expect(throws: VaultError.self) { try await vault.issue(.init(username: "pro", name: "x", organisationSlug: "nowhere")) }
            let count = try await world.pool.query("SELECT count(*) FROM api_keys")[0].decode(Int.self, at: 0)
            #expect(count == 0)
            let audits = try await world.pool.query("SELECT count(*) FROM audit_events")[0].decode(Int.self, at: 0)
            #expect(audits == 0)
        }
    }
}
