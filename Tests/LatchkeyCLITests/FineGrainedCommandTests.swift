import Foundation
import Postgres
import Testing
import TestSupport

/// `keys issue --permission TYPE:VERBS --resource TYPE:REF` (SPEC §8, §15): stored as given,
/// shown by `keys list`; unknown types and verbs, malformed options and objects the key's user
/// cannot see are refused with a non-zero exit, naming them, and nothing is stored.
@Suite struct FineGrainedCommandTests {
    @Test func permissionsAndResourcesFromTheCommandLine() async throws {
        try await LatchkeyCommand.withMigrated { latchkey, pool in
            for statement: PGQuery in [
                """
                    INSERT INTO users (username, email, tier) VALUES ('bob', 'bob@example.com', 'organisation'), ('eve', 'eve@example.com', 'organisation')
                """,
                """
                    INSERT INTO organisations (slug, name) VALUES ('acme', 'Acme'), ('other', 'Other')
                """,
                """
                    INSERT INTO organisation_memberships (organisation_id, user_id, role)
                    SELECT o.id, u.id, 'admin' FROM organisations o, users u WHERE (o.slug, u.username) IN (('acme', 'bob'), ('other', 'eve'))
                """,
                """
                    INSERT INTO surveys (name, slug, owner_id, organisation_id)
                    SELECT 'S-' || o.slug, 's-' || o.slug, o2.user_id, o.id FROM organisations o JOIN organisation_memberships o2 ON o2.organisation_id = o.id
                """,
                """
                    INSERT INTO datasets (key, name, organisation_id) SELECT 'acme-ds', 'Acme', id FROM organisations WHERE slug = 'acme'
                """,
            ] { try await pool.execute(statement) }
            let rows = try await pool.query("SELECT id FROM surveys ORDER BY slug")
            let (visible, foreign) = (try rows[0].decode(Int64.self, at: 0), try rows[1].decode(Int64.self, at: 0))
            func keyCount() async throws -> Int {
                try await pool.query("SELECT count(*) FROM api_keys")[0].decode(Int.self, at: 0)
            }

            let issued = try latchkey("keys", "issue", "--user", "bob", "--name", "fine", "--org", "acme", "--by", "bob",
                                      "--permission", "surveys:view,edit", "--permission", "datasets:view",
                                      "--resource", "surveys:\(visible)", "--resource", "datasets:acme-ds")
            #expect(issued.status == 0, "\(issued.stderr)")
            #expect(issued.lines.count == 1 && issued.lines[0].hasPrefix("ct_live_"))
            let stored = try await pool.query("SELECT capabilities::text, permissions::text, resources::text FROM api_keys WHERE name = 'fine'")
            #expect(try stored[0].decode(String.self, at: 0) == "{view,edit}")
            #expect(try stored[0].decode(String.self, at: 1) == #"{"surveys": ["view", "edit"], "datasets": ["view"]}"#)
            #expect(try stored[0].decode(String.self, at: 2).contains(#""surveys": [\#(visible)]"#))
            // A survey by its slug: stored as its id.
            let bySlug = try latchkey("keys", "issue", "--user", "bob", "--name", "by-slug", "--org", "acme", "--by", "bob",
                                      "--permission", "surveys:view", "--resource", "surveys:s-acme")
            #expect(bySlug.status == 0, "\(bySlug.stderr)")
            let slugStored = try await pool.query("SELECT resources::text FROM api_keys WHERE name = 'by-slug'")[0].decode(String.self, at: 0)
            #expect(slugStored == #"{"surveys": [\#(visible)]}"#)
            let listed = try latchkey("keys", "list", "--user", "bob")
            #expect(listed.stdout.contains(#"permissions={"datasets":["view"],"surveys":["view","edit"]}"#), "\(listed.stdout)")

            let before = try await keyCount()
            for (arguments, words) in [
                (["--permission", "widgets:view"], "widgets"),
                (["--permission", "surveys:read"], "read"),
                (["--permission", "surveys"], "--permission"),
                (["--resource", "surveys:\(visible)"], "--permission"),
                (["--permission", "surveys:view", "--resource", "surveys:\(foreign)"], "surveys \(foreign)"),
                (["--permission", "surveys:view", "--resource", "surveys:nope"], "surveys nope"),
                (["--permission", "surveys:view", "--resource", "surveys:s-other"], "surveys s-other"),
                (["--permission", "surveys:edit", "--capabilities", "view"], "capabilities"),
            ] {
                let refused = try latchkey(["keys", "issue", "--user", "bob", "--name", "bad", "--org", "acme", "--by", "bob"] + arguments)
                #expect(refused.status != 0 && refused.stdout.isEmpty, "\(arguments)")
                #expect(refused.stderr.contains(words), "\(arguments): \(refused.stderr)")
            }
            #expect(try await keyCount() == before)
        }
    }
}
