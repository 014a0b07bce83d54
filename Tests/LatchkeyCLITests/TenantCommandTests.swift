import Foundation
import Postgres
import TestSupport
import Testing
import Vault

/// The operator's tenant commands end to end (SPEC §8): `orgs`, `users`, `members`,
/// `--version`. Each change is audited and takes effect everywhere; bad input exits non-zero
/// with a one-line reason and changes nothing.
@Suite("tenant commands")
struct TenantCommandTests {
    @Test func operatorsCreateTenantsAndTheirMembers() async throws {
        try await TestDatabase.withFresh { configuration in
            let env = ["DATABASE_URL": TestDatabase.url(for: configuration), "LATCHKEY_MIGRATIONS": TestDatabase.packageRoot.appendingPathComponent("db").path]
            func latchkey(_ arguments: String...) throws -> CommandRunner.Output {
                try CommandRunner.run("latchkey", arguments, environment: env)
            }
            #expect(try latchkey("migrate").status == 0)
            let version = try latchkey("--version")
            #expect(version.status == 0 && version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)

            let pool = PGPool(configuration: configuration)
            defer { Task { await pool.close() } }
            func count(_ sql: PGQuery) async throws -> Int { try await pool.query(sql)[0].decode(Int.self, at: 0) }
            func fingerprint() async throws -> [Int] {
                [try await count("SELECT count(*) FROM users"), try await count("SELECT count(*) FROM organisations"),
                 try await count("SELECT count(*) FROM organisation_memberships"), try await count("SELECT count(*) FROM team_memberships"),
                 try await count("SELECT count(*) FROM audit_events"), try await count("SELECT count(*) FROM users WHERE is_active"),
                 try await count("SELECT count(*) FROM users WHERE tier = 'enterprise'")]
            }

            #expect(try latchkey("users", "create", "--username", "olive", "--email", "olive@example.com", "--tier", "organisation",
                                 "--first-name", "Olive").status == 0)
            #expect(try latchkey("users", "create", "--username", "bob", "--email", "bob@example.com").status == 0)
            #expect(try await pool.query("SELECT tier, first_name, password IS NULL FROM users WHERE username = 'olive'").first.map {
                [try $0.decode(String.self, at: 0), try $0.decode(String.self, at: 1), String(try $0.decode(Bool.self, at: 2))]
            } == ["organisation", "Olive", "true"])
            let created = try latchkey("orgs", "create", "--slug", "acme", "--name", "Acme Ltd", "--owner", "olive")
            #expect(created.status == 0, "\(created.stderr)")
            #expect(try latchkey("orgs", "create", "--slug", "globex", "--name", "Globex").status == 0)
            #expect(try latchkey("members", "add", "--org", "acme", "--user", "bob", "--role", "viewer").status == 0)
            #expect(try latchkey("members", "add", "--org", "acme", "--user", "bob", "--role", "admin").status == 0, "a second add changes the role")
            let listed = try latchkey("orgs", "list")
            #expect(listed.lines.count == 2)
            #expect(listed.lines[0].hasSuffix("\tacme\tAcme Ltd\towner=olive\tmembers=1"), "\(listed.stdout)")
            #expect(listed.lines[1].contains("\tglobex\tGlobex\towner=-\tmembers=0"))
            #expect(try await count("SELECT count(*) FROM organisation_memberships WHERE role = 'admin'") == 1)

            // The member may now have an organisation key issued by the owner; a team works the same way.
            #expect(try latchkey("users", "set-tier", "bob", "enterprise").status == 0)
            let issued = try latchkey("keys", "issue", "--user", "bob", "--name", "ci", "--org", "acme", "--by", "olive", "--allow-cidr", "10.0.0.0/8")
            #expect(issued.status == 0 && issued.lines.count == 1, "\(issued.stderr)")
            let vault = Vault(pool: pool)
            #expect(try await vault.verify(issued.lines[0]).from("10.1.2.3").status == .valid)
            try await pool.execute("INSERT INTO teams (slug, name) VALUES ('t1', 'T1')")
            #expect(try latchkey("members", "add", "--team", "t1", "--user", "bob", "--role", "creator").status == 0)
            #expect(try latchkey("members", "remove", "--team", "t1", "--user", "bob").status == 0)
            // Offboarding (SPEC §2): the key confined to acme ends with bob's membership (a fresh
            // vault: this test's has no change listener; a server's hears the key trigger).
            #expect(try latchkey("members", "remove", "--org", "acme", "--user", "bob").status == 0)
            #expect(try await count("SELECT count(*) FROM organisation_memberships") == 0)
            #expect(try await Vault(pool: pool).verify(issued.lines[0]).status == .revoked)
            #expect(try await pool.query("SELECT revoke_reason FROM api_keys")[0].decode(String.self, at: 0) == "membership_ended")

            // Deactivation stops the user's keys.
            #expect(try latchkey("users", "deactivate", "bob").status == 0)
            #expect(try await count("SELECT count(*) FROM users WHERE username = 'bob' AND NOT is_active") == 1)

            let actions = try await pool.query("SELECT action FROM audit_events WHERE actor_id IS NULL ORDER BY id").map { try $0.decode(String.self, at: 0) }
            #expect(actions.filter { $0 != "key.issued" } == ["user.created", "user.created", "organisation.created", "organisation.created",
                                                               "member.added", "member.added", "user.tier_changed", "member.added",
                                                               "membership_ended", "member.removed", "key.revoked", "membership_ended", "member.removed",
                                                               "user.deactivated"])

            // Bad input: non-zero, one line naming the problem, nothing changed.
            let before = try await fingerprint()
            let refusals: [([String], String)] = [
                (["orgs", "create", "--slug", "acme", "--name", "Again"], "already exists"),
                (["orgs", "create", "--slug", "Bad Slug", "--name", "X"], "slug"),
                (["orgs", "create", "--slug", "initech", "--name", "Initech", "--owner", "nobody"], "nobody"),
                (["orgs", "create", "--slug", "initech", "--name", ""], "name"),
                (["users", "create", "--username", "olive", "--email", "other@example.com"], "already exists"),
                (["users", "create", "--username", "dave", "--email", "OLIVE@example.com"], "already exists"),
                (["users", "create", "--username", "dave", "--email", "not-an-email"], "email"),
                (["users", "create", "--username", "dave", "--email", "dave@example.com", "--tier", "gold"], "tier"),
                (["users", "set-tier", "olive", "platinum"], "tier"),
                (["users", "set-tier", "nobody", "pro"], "nobody"),
                (["users", "deactivate", "nobody"], "nobody"),
                (["members", "add", "--org", "acme", "--user", "olive", "--role", "owner"], "role"),
                (["members", "add", "--org", "nowhere", "--user", "olive", "--role", "admin"], "nowhere"),
                (["members", "add", "--team", "t9", "--user", "olive", "--role", "admin"], "t9"),
                (["members", "add", "--org", "acme", "--team", "t1", "--user", "olive", "--role", "admin"], "--org"),
                (["members", "add", "--user", "olive", "--role", "admin"], "--org"),
                (["members", "remove", "--org", "globex", "--user", "olive"], "not a member"),
            ]
            for (arguments, reason) in refusals {
                let refused = try CommandRunner.run("latchkey", arguments, environment: env)
                #expect(refused.status != 0, "\(arguments)")
                #expect(refused.stdout.isEmpty, "\(arguments): \(refused.stdout)")
                let lines = refused.stderr.split(separator: "\n").filter { !$0.isEmpty && !$0.hasPrefix("Usage") && !$0.hasPrefix(" ") && !$0.contains("--help") }
                #expect(lines.count == 1 && refused.stderr.contains(reason), "\(arguments): \(refused.stderr)")
            }
            #expect(try await fingerprint() == before)
        }
    }
}
