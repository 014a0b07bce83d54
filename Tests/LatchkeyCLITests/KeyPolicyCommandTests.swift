import Foundation
import Postgres
import TestSupport
import Testing

/// `latchkey orgs policy <slug> […]` (SPEC §14): prints the policy as JSON, changes the rules
/// given (audited `policy.updated` with before and after), refuses bad values naming the option
/// and changing nothing; issuance with `--by` then follows the policy.
@Suite("key policy command")
struct KeyPolicyCommandTests {
    @Test func operatorsShowAndChangeAnOrganisationsKeyPolicy() async throws {
        try await LatchkeyCommand.withMigrated { latchkey, pool in
            #expect(try latchkey("users", "create", "--username", "olive", "--email", "olive@example.com", "--tier", "organisation").status == 0)
            #expect(try latchkey("orgs", "create", "--slug", "acme", "--name", "Acme", "--owner", "olive").status == 0)
            let open = #"{"max_lifetime_days":null,"require_expiry":false,"require_allowed_cidrs":false,"max_capabilities":["view","add","edit","delete","superuser"],"require_approval":false,"require_passkey":false}"#
            let shown = try latchkey("orgs", "policy", "acme")
            #expect(shown.status == 0 && shown.lines == [open], "\(shown.stdout) \(shown.stderr)")

            let set = try latchkey("orgs", "policy", "acme", "--max-lifetime-days", "90", "--require-allowed-cidrs", "true",
                                   "--max-capabilities", "view,add", "--require-passkey", "true")
            let tight = #"{"max_lifetime_days":90,"require_expiry":false,"require_allowed_cidrs":true,"max_capabilities":["view","add"],"require_approval":false,"require_passkey":true}"#
            #expect(set.status == 0 && set.lines == [tight], "\(set.stdout) \(set.stderr)")
            #expect(try latchkey("orgs", "policy", "acme").lines == [tight])
            let audited = try await pool.query("""
                SELECT actor_id IS NULL, detail->'before'->>'require_allowed_cidrs', detail->'after'->>'max_lifetime_days', detail->>'via'
                FROM audit_events WHERE action = 'policy.updated'
                """)
            #expect(audited.count == 1)
            #expect(try audited.first.map { [String(try $0.decode(Bool.self, at: 0)), try $0.decode(String.self, at: 1), try $0.decode(String.self, at: 2),
                                            try $0.decode(String.self, at: 3)] } == ["true", "false", "90", "cli"])

            // Bad values: one line naming the option, nothing changed; an unknown organisation.
            for bad in [["--max-lifetime-days", "0"], ["--max-lifetime-days", "3651"], ["--require-expiry", "yes"], ["--max-capabilities", "view,fly"]] {
                let refused = try latchkey(["orgs", "policy", "acme"] + bad)
                #expect(refused.status != 0 && refused.stderr.contains(bad[0]), "\(bad): \(refused.stderr)")
            }
            #expect(try latchkey("orgs", "policy", "nowhere").status != 0)
            #expect(try latchkey("orgs", "policy", "acme").lines == [tight])
            #expect(try await pool.query("SELECT count(*) FROM audit_events WHERE action = 'policy.updated'")[0].decode(Int.self, at: 0) == 1)

            // Issuance in acme with --by follows the policy, in words naming the rule.
            let refused = try latchkey("keys", "issue", "--user", "olive", "--name", "ci", "--org", "acme", "--by", "olive", "--expires-days", "30")
            #expect(refused.status != 0 && refused.stderr.contains("require_allowed_cidrs"), "\(refused.stderr)")
            let issued = try latchkey("keys", "issue", "--user", "olive", "--name", "ci", "--org", "acme", "--by", "olive", "--expires-days", "30",
                                      "--allow-cidr", "10.0.0.0/8")
            #expect(issued.status == 0, "\(issued.stderr)")

            // Loosening back: any capability, no bound.
            let loosened = try latchkey("orgs", "policy", "acme", "--max-lifetime-days", "none", "--max-capabilities", "any", "--require-allowed-cidrs", "false",
                                        "--require-passkey", "false")
            #expect(loosened.lines == [open], "\(loosened.stdout) \(loosened.stderr)")
        }
    }
}
