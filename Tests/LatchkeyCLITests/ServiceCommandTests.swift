import Foundation
import Postgres
import TestSupport
import Testing
import Vault

/// `latchkey services issue|list|revoke` end to end (SPEC §8, §6 tenant-scoped services).
@Suite("services commands")
struct ServiceCommandTests {
    @Test func operatorsIssueListAndRevokeScopedAndDeploymentWideCredentials() async throws {
        try await LatchkeyCommand.withMigrated { latchkey, pool in
            #expect(try latchkey("orgs", "create", "--slug", "acme", "--name", "Acme").status == 0)
            func count() async throws -> Int { try await pool.query("SELECT count(*) FROM service_credentials")[0].decode(Int.self, at: 0) }

            // issue: the secret alone on stdout; --org scopes it; an unknown slug stores nothing.
            let scoped = try latchkey("services", "issue", "--name", "acme-backend", "--org", "acme")
            #expect(scoped.status == 0 && scoped.lines.count == 1 && scoped.lines[0].hasPrefix("ct_svc_"), "\(scoped.stderr)")
            let wide = try latchkey("services", "issue", "--name", "operator")
            #expect(wide.status == 0 && wide.lines.count == 1 && wide.lines[0].hasPrefix("ct_svc_"))
            let unknown = try latchkey("services", "issue", "--name", "ghost", "--org", "nowhere")
            #expect(unknown.status != 0 && unknown.stdout.isEmpty && unknown.stderr.contains("no such organisation: nowhere"), "\(unknown.stderr)")
            #expect(try await count() == 2)
            let vault = Vault(pool: pool)
            let acme = try await pool.query("SELECT id FROM organisations WHERE slug = 'acme'")[0].decode(Int64.self, at: 0)
            #expect(try await vault.verifyServiceCredential(scoped.lines[0])?.organisationID == acme)
            #expect(try await vault.verifyServiceCredential(wide.lines[0])?.organisationID == nil)

            // list: id, name, organisation (or -), created, status; never the secret or its hash.
            let listed = try latchkey("services", "list")
            #expect(listed.status == 0 && listed.lines.count == 2, "\(listed.stdout)")
            let rows = listed.lines.map { $0.split(separator: "\t").map(String.init) }
            #expect(rows.map { $0.count } == [5, 5])
            #expect(rows.map { $0[1] } == ["acme-backend", "operator"] && rows.map { $0[2] } == ["acme", "-"])
            #expect(rows.allSatisfy { UUID(uuidString: $0[0]) != nil && $0[3].hasSuffix("Z") && $0[4] == "active" })
            for secret in [scoped.lines[0], wide.lines[0]] {
                #expect(!listed.stdout.contains(secret) && !listed.stdout.contains(String(secret.suffix(20))))
            }

            // revoke: idempotent; the credential stops admitting its service; an unknown id fails.
            #expect(try latchkey("services", "revoke", rows[0][0]).status == 0)
            #expect(try latchkey("services", "revoke", rows[0][0]).status == 0)
            vault.flushCache()
            #expect(try await vault.verifyServiceCredential(scoped.lines[0]) == nil)
            #expect(try latchkey("services", "list").lines.map { $0.split(separator: "\t").last.map(String.init) } == ["revoked", "active"])
            let missing = try latchkey("services", "revoke", UUID().uuidString)
            #expect(missing.status != 0 && missing.stderr.contains("no such service credential"), "\(missing.stderr)")
            #expect(try latchkey("services", "revoke", "not-a-uuid").status != 0)
            let audited = try await pool.query("SELECT action, organisation_id FROM audit_events WHERE action LIKE 'service.%' ORDER BY id")
            #expect(try audited.map { "\(try $0.decode(String.self, at: 0)) \(try $0.decode(Int64?.self, at: 1).map(String.init) ?? "-")" }
                    == ["service.issued \(acme)", "service.issued -", "service.revoked \(acme)"])
        }
    }
}
