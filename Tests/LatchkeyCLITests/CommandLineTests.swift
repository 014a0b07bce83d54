import Federation
import Foundation
import Postgres
import TestSupport
import Testing
import Vault

/// The `latchkey` executable end to end (SPEC §8), against a fresh database.
@Suite("latchkey command line")
struct CommandLineTests {
    static let fixture = """
        {"users": [
           {"ref": "alice", "username": "alice", "email": "alice@example.com", "tier": "pro"},
           {"ref": "bob", "username": "bob", "email": "bob@example.com", "tier": "organisation"},
           {"ref": "carol", "username": "carol", "email": "carol@example.com", "tier": "organisation"}],
         "organisations": [{"ref": "acme", "slug": "acme", "name": "Acme", "members": [
           {"user": "bob", "role": "admin"}, {"user": "carol", "role": "viewer"}]}],
         "keys": [{"ref": "k1", "user": "alice", "name": "imported"}],
         "services": [{"ref": "svc", "name": "billing"}]}
        """

    /// SPEC §8: the executable carries its migrations, so `migrate` works from any directory;
    /// `LATCHKEY_MIGRATIONS` naming a missing folder is a one-line error naming it.
    @Test func migrateWorksFromAnyDirectoryWithTheMigrationsItCarries() async throws {
        try await TestDatabase.withFresh { configuration in
            let elsewhere = FileManager.default.temporaryDirectory.appendingPathComponent("latchkey-elsewhere-\(UUID())")
            try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: elsewhere) }
            let url = TestDatabase.url(for: configuration)

            let missing = try CommandRunner.run("latchkey", ["migrate"], environment: [
                "DATABASE_URL": url, "LATCHKEY_MIGRATIONS": "/no/such/folder",
            ], in: elsewhere)
            #expect(missing.status != 0)
            let message = missing.stderr.split(separator: "\n").filter { !$0.isEmpty }
            #expect(message.count == 1, "\(missing.stderr)")
            #expect(missing.stderr.contains("LATCHKEY_MIGRATIONS") && missing.stderr.contains("/no/such/folder"), "\(missing.stderr)")

            let migrated = try CommandRunner.run("latchkey", ["migrate"], environment: ["DATABASE_URL": url], in: elsewhere)
            #expect(migrated.status == 0, "\(migrated.stderr)")
            let onDisk = try PGMigrator.migrations(in: TestDatabase.packageRoot.appendingPathComponent("db")).map(\.name)
            #expect(onDisk.contains("core/0004_credential_change_notices.sql"))
            #expect(onDisk.allSatisfy { migrated.stdout.contains($0) }, "\(migrated.stdout)")
            let again = try CommandRunner.run("latchkey", ["migrate"], environment: ["DATABASE_URL": url], in: elsewhere)
            #expect(again.stdout.contains("nothing to apply"))
        }
    }

    /// A plugin's migrations are referenced by the plugin: `migrate` applies `core/` and the
    /// folders of registered plugins, and skips a folder no registered plugin names.
    @Test func migrateAppliesOnlyCoreAndRegisteredPluginFolders() async throws {
        try await TestDatabase.withFresh { configuration in
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("latchkey-migrations-\(UUID())")
            defer { try? FileManager.default.removeItem(at: root) }
            let db = TestDatabase.packageRoot.appendingPathComponent("db")
            for folder in ["core", "surveys"] {
                try FileManager.default.copyItem(at: db.appendingPathComponent(folder), to: root.appendingPathComponent(folder))
            }
            let stray = root.appendingPathComponent("unregistered")
            try FileManager.default.createDirectory(at: stray, withIntermediateDirectories: true)
            try "CREATE TABLE stray_plugin_rows (id bigint);".write(
                to: stray.appendingPathComponent("0001_stray.sql"), atomically: true, encoding: .utf8)

            let migrated = try CommandRunner.run("latchkey", ["migrate"], environment: [
                "DATABASE_URL": TestDatabase.url(for: configuration), "LATCHKEY_MIGRATIONS": root.path,
            ])
            #expect(migrated.status == 0, "\(migrated.stderr)")
            #expect(migrated.stdout.contains("surveys/0001_surveys.sql"), "\(migrated.stdout)")
            #expect(!migrated.stdout.contains("unregistered/"), "\(migrated.stdout)")
            let pool = PGPool(configuration: configuration)
            let stored = try await pool.query("SELECT to_regclass('stray_plugin_rows') IS NULL, to_regclass('surveys') IS NOT NULL")
            await pool.close()
            #expect(try stored[0].decode(Bool.self, at: 0), "a folder no registered plugin names was applied")
            #expect(try stored[0].decode(Bool.self, at: 1))
        }
    }

    @Test func migrateImportIssueListRevokeSetPasswordAndServices() async throws {
        try await TestDatabase.withFresh { configuration in
            let env = ["DATABASE_URL": TestDatabase.url(for: configuration), "LATCHKEY_MIGRATIONS": TestDatabase.packageRoot.appendingPathComponent("db").path]
            func latchkey(_ arguments: String..., stdin: String? = nil) throws -> CommandRunner.Output {
                try CommandRunner.run("latchkey", arguments, stdin: stdin, environment: env)
            }

            let migrated = try latchkey("migrate")
            #expect(migrated.status == 0)
            #expect(migrated.stdout.contains("core/0001_identity.sql"))
            #expect(try latchkey("migrate").stdout.contains("nothing to apply"))

            let fixtureFile = FileManager.default.temporaryDirectory.appendingPathComponent("cli-fixture-\(UUID()).json")
            try Self.fixture.write(to: fixtureFile, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: fixtureFile) }
            let imported = try latchkey("import", fixtureFile.path)
            #expect(imported.status == 0)
            let result = try JSONSerialization.jsonObject(with: Data(imported.stdout.utf8)) as? [String: Any]
            #expect((result?["ids"] as? [String: Any])?["user:alice"] != nil)
            let importedKey = (result?["keys"] as? [String: String])?["k1"] ?? ""
            #expect(importedKey.hasPrefix("ct_live_"))
            #expect(((result?["services"] as? [String: String])?["svc"] ?? "").hasPrefix("ct_svc_"))

            // keys issue: the raw key alone on its own line of stdout.
            let issued = try latchkey("keys", "issue", "--user", "alice", "--name", "CI", "--expires-days", "30")
            #expect(issued.status == 0)
            #expect(issued.lines.count == 1)
            let key = issued.lines.first ?? ""
            #expect(key.count == 57 && key.hasPrefix("ct_live_"))
            #expect(!issued.stderr.contains(key))

            let pool = PGPool(configuration: configuration)
            let vault = Vault(pool: pool)
            #expect(try await vault.verify(key).status == .valid)

            // With --by the rules apply: alice (pro) may issue for herself up to five active keys.
            for index in 0..<3 {
                #expect(try latchkey("keys", "issue", "--user", "alice", "--name", "self \(index)", "--by", "alice").status == 0)
            }
            let refused = try latchkey("keys", "issue", "--user", "alice", "--name", "sixth", "--by", "alice")
            #expect(refused.status != 0)
            #expect(refused.stdout.isEmpty)
            #expect(refused.stderr.lowercased().contains("limit"))
            let notAdmin = try latchkey("keys", "issue", "--user", "bob", "--name", "x", "--org", "acme", "--by", "carol")
            #expect(notAdmin.status != 0)
            #expect(try latchkey("keys", "issue", "--user", "carol", "--name", "ok", "--org", "acme", "--by", "bob",
                                 "--capabilities", "view,add").status == 0)
            #expect(try latchkey("keys", "issue", "--user", "alice", "--name", "x", "--capabilities", "root").status != 0)

            // --allow-cidr, repeatable, shown by keys list; a bad range is refused, naming it.
            let ranged = try latchkey("keys", "issue", "--user", "carol", "--name", "ranged", "--allow-cidr", "203.0.113.0/24", "--allow-cidr", "2001:db8::/32")
            #expect(ranged.status == 0 && ranged.lines.count == 1)
            let badRange = try latchkey("keys", "issue", "--user", "carol", "--name", "bad", "--allow-cidr", "10.0.0.0/33")
            #expect(badRange.status != 0 && badRange.stderr.contains("10.0.0.0/33") && badRange.stdout.isEmpty)
            let carolKeys = try latchkey("keys", "list", "--user", "carol")
            #expect(carolKeys.lines.contains { $0.contains("\tranged\t") && $0.contains("allowed_cidrs=203.0.113.0/24,2001:db8::/32") }, "\(carolKeys.stdout)")
            #expect(carolKeys.lines.contains { $0.contains("\tok\t") && $0.contains("allowed_cidrs=any") })
            #expect(!carolKeys.stdout.contains("\tbad\t"))

            // --meta: a JSON object kept as given; anything else refused, nothing stored.
            let keysBefore = try await PGPool.with(configuration) { try await $0.query("SELECT count(*) FROM api_keys")[0].decode(Int.self, at: 0) }
            let badMeta = try latchkey("keys", "issue", "--user", "carol", "--name", "meta", "--meta", "[1]")
            #expect(badMeta.status != 0 && badMeta.stderr.contains("meta") && badMeta.stdout.isEmpty, "\(badMeta.stderr)")
            let badRate = try latchkey("keys", "issue", "--user", "carol", "--name", "meta", "--rate-limit", "5/day")
            #expect(badRate.status != 0 && badRate.stderr.contains("rate") && badRate.stdout.isEmpty, "\(badRate.stderr)")
            let withMeta = try latchkey("keys", "issue", "--user", "carol", "--name", "meta", "--meta", #"{"team":"billing"}"#, "--rate-limit", "100/min")
            #expect(withMeta.status == 0)
            let stored = try await PGPool.with(configuration) { try await $0.query("SELECT meta::text FROM api_keys WHERE name = 'meta'") }
            #expect(stored.count == 1)
            #expect(try stored.first?.decode(String.self, at: 0) == #"{"team":"billing"}"#)
            #expect(try await PGPool.with(configuration) { try await $0.query("SELECT rate_limit FROM api_keys WHERE name = 'meta'")[0].decode(String.self, at: 0) } == "100/min")
            #expect(try await PGPool.with(configuration) { try await $0.query("SELECT count(*) FROM api_keys")[0].decode(Int.self, at: 0) } == keysBefore + 1)

            // keys list: one line per key with id, name, prefix, status and dates; never the secret.
            let listed = try latchkey("keys", "list", "--user", "alice")
            #expect(listed.lines.count == 5)
            #expect(!listed.stdout.contains(key) && !listed.stdout.contains(importedKey))
            let ciLine = listed.lines.first { $0.contains("\tCI\t") } ?? ""
            #expect(ciLine.contains("active") && ciLine.contains(String(key.prefix(12))))
            let ciID = String(ciLine.split(separator: "\t").first ?? "")

            // keys revoke, idempotently.
            #expect(try latchkey("keys", "revoke", ciID).status == 0)
            #expect(try latchkey("keys", "revoke", ciID).status == 0)
            #expect(try latchkey("keys", "revoke", "not-a-uuid").status != 0)
            vault.flushCache()
            #expect(try await vault.verify(key).status == .revoked)

            // users set-password: the password comes on stdin and revokes the user's keys.
            let changed = try latchkey("users", "set-password", "alice", stdin: "a new long password\n")
            #expect(changed.status == 0)
            vault.flushCache()
            #expect(try await vault.verify(importedKey).status == .revoked)
            #expect(try latchkey("users", "set-password", "nobody", stdin: "a new long password\n").status != 0)

            // services issue: a ct_svc_ credential alone on its line.
            let service = try latchkey("services", "issue", "--name", "search")
            #expect(service.status == 0 && service.lines.count == 1)
            #expect(service.lines.first?.hasPrefix("ct_svc_") == true && service.lines.first?.count == 56)
            let credential = try await vault.verifyServiceCredential(service.lines.first ?? "")
            #expect(credential?.name == "search")

            // keys roll: the new key alone on its line; a key rolls once; a bad grace is refused.
            let rollable = try await pool.query("SELECT id FROM api_keys WHERE name = 'ranged'")[0].decode(UUID.self, at: 0).uuidString.lowercased()
            #expect(try latchkey("keys", "roll", rollable, "--grace-hours", "200").status != 0)
            let rolledKey = try latchkey("keys", "roll", rollable, "--grace-hours", "1")
            #expect(rolledKey.status == 0 && rolledKey.lines.count == 1 && rolledKey.lines.first?.hasPrefix("ct_live_") == true, "\(rolledKey.stderr)")
            #expect(try await vault.verify(rolledKey.lines.first ?? "").status == .valid)
            let again = try latchkey("keys", "roll", rollable)
            #expect(again.status != 0 && again.stderr.contains("already rolled"))
            #expect(try latchkey("keys", "list", "--user", "carol").lines.contains { $0.contains(rollable) && !$0.contains("rolled_to=-") })

            // sso trust|list|remove: a JWKS file is checked when trusted; bad input changes nothing.
            let jwksFile = FileManager.default.temporaryDirectory.appendingPathComponent("cli-jwks-\(UUID()).json")
            let signer = try JWSSigner(.es256, keyID: "cli")
            try JSONSerialization.data(withJSONObject: ["keys": [signer.jwk]]).write(to: jwksFile)
            defer { try? FileManager.default.removeItem(at: jwksFile) }
            let trusted = try latchkey("sso", "trust", "--org", "acme", "--issuer", "https://idp.example.com", "--audience", "latchkey",
                                       "--jwks", jwksFile.path, "--capabilities", "view,add", "--ttl-hours", "8")
            #expect(trusted.status == 0, "\(trusted.stderr)")
            let trustID = trusted.lines.first ?? ""
            let byURL = try latchkey("sso", "trust", "--org", "acme", "--issuer", "https://other.example.com", "--audience", "x",
                                     "--jwks", "https://other.example.com/.well-known/jwks.json")
            #expect(byURL.status == 0, "\(byURL.stderr)")
            let trusts = try latchkey("sso", "list")
            #expect(trusts.lines.count == 2)
            #expect(trusts.lines.contains { $0.hasPrefix(trustID + "\tacme\tissuer=https://idp.example.com\taudience=latchkey\tjwks=document") && $0.hasSuffix("ttl_hours=8") })
            #expect(trusts.lines.contains { $0.contains("jwks=https://other.example.com/.well-known/jwks.json") })
            let counts = try await pool.query("SELECT count(*) FROM sso_trusts")[0].decode(Int.self, at: 0)
            for bad in [
                ["--org", "nowhere", "--issuer", "i", "--audience", "a", "--jwks", jwksFile.path],
                ["--org", "acme", "--issuer", "i", "--audience", "a", "--jwks", "/no/such/jwks.json"],
                ["--org", "acme", "--issuer", "i", "--audience", "a", "--jwks", fixtureFile.path],
                ["--org", "acme", "--issuer", "i", "--audience", "a", "--jwks", "http://example.com/jwks.json"],
                ["--org", "acme", "--issuer", "i", "--audience", "a", "--jwks", jwksFile.path, "--capabilities", "view,superuser"],
                ["--org", "acme", "--issuer", "i", "--audience", "a", "--jwks", jwksFile.path, "--ttl-hours", "169"],
                ["--org", "acme", "--issuer", "", "--audience", "a", "--jwks", jwksFile.path],
            ] {
                let refused = try CommandRunner.run("latchkey", ["sso", "trust"] + bad, environment: env)
                #expect(refused.status != 0 && !refused.stderr.isEmpty && refused.stdout.isEmpty, "\(bad)")
            }
            #expect(try await pool.query("SELECT count(*) FROM sso_trusts")[0].decode(Int.self, at: 0) == counts)
            #expect(try latchkey("sso", "remove", trustID).status == 0)
            #expect(try latchkey("sso", "remove", trustID).status != 0)
            #expect(try latchkey("sso", "list").lines.count == 1)
            await pool.close()
        }
    }
}
