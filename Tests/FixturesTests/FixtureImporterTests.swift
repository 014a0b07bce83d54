import TestSupport
import Fixtures
import Foundation
import Postgres
import Testing
import Vault

@Suite("Importing fixtures")
struct FixtureImporterTests {
    @Test("the SPEC §8 example imports and returns ids, keys and services")
    func specExample() async throws {
        try await TestDatabase.withMigratedPool { pool in
            let importer = FixtureImporter(pool: pool, passwordHasher: SampleFixtures.hasher, sections: SampleFixtures.sections)
            let result = try await importer.importFixture(Data(SampleFixtures.specExample.utf8))

            for id in ["user:alice", "user:bob", "user:carol", "user:dan", "org:acme", "team:t1", "survey:s1", "template:tp1"] {
                #expect(result.ids[id]?.number != nil, "missing \(id)")
            }
            #expect(result.ids["dataset:ethnicity"] == .text("ethnicity"))
            let raw = try #require(result.keys["k1"])
            let service = try #require(result.services["svc"])
            #expect(try KeyFormat.parse(raw, as: .live).kind == .live)
            #expect(try KeyFormat.parse(service, as: .service).kind == .service)

            let json = try #require(String(data: try result.jsonData(), encoding: .utf8))
            #expect(json.hasPrefix("{\"ids\":{"))
            #expect(json.contains("\"dataset:ethnicity\":\"ethnicity\""))
            #expect(json.contains("\"keys\":{\"k1\":\"ct_live_"))
            #expect(!result.description.contains(raw))
        }
    }

    @Test("a key's permissions, selected resources (by ref, datasets by key), metadata and rate limit are stored")
    func fineGrainedKeys() async throws {
        try await TestDatabase.withMigratedPool { pool in
            let importer = FixtureImporter(pool: pool, passwordHasher: SampleFixtures.hasher, sections: SampleFixtures.sections)
            let fixture = SampleFixtures.specExample(
                replacing: #""capabilities":["view"]"#,
                with: #""permissions":{"surveys":["view","edit"],"datasets":["view"]},"resources":{"surveys":["s1"],"datasets":["ethnicity"]},"#
                    + #""meta":{"plan":"gold"},"rate_limit":"100/min""#)
            let result = try await importer.importFixture(Data(fixture.utf8))
            let survey = try #require(result.ids["survey:s1"]?.number)
            let dataset = try await pool.query("SELECT id FROM datasets WHERE key = 'ethnicity'")[0].decode(Int64.self, at: 0)
            let row = try await pool.query("SELECT capabilities::text, permissions::text, resources::text, meta::text, rate_limit FROM api_keys")[0]
            #expect(try row.decode(String.self, at: 0) == "{view,edit}")
            #expect(try row.decode(String.self, at: 1) == #"{"surveys": ["view", "edit"], "datasets": ["view"]}"#)
            #expect(try row.decode(String.self, at: 2) == #"{"surveys": [\#(survey)], "datasets": [\#(dataset)]}"#)
            #expect(try row.decode(String.self, at: 3) == #"{"plan":"gold"}"#)
            #expect(try row.decode(String.self, at: 4) == "100/min")
        }
    }

    @Test("a service may name its organisation (SPEC §6): scoped there; without one, deployment-wide")
    func scopedService() async throws {
        try await TestDatabase.withMigratedPool { pool in
            let fixture = SampleFixtures.specExample(replacing: #"{"ref":"svc","name":"billing"}"#,
                                                     with: #"{"ref":"svc","name":"billing"},{"ref":"acme-svc","name":"acme backend","organisation":"acme"}"#)
            let importer = FixtureImporter(pool: pool, passwordHasher: SampleFixtures.hasher, sections: SampleFixtures.sections)
            let result = try await importer.importFixture(Data(fixture.utf8))
            let acme = try #require(result.ids["org:acme"]?.number)
            let vault = Vault(pool: pool)
            #expect(try await vault.verifyServiceCredential(try #require(result.services["acme-svc"]))?.organisationID == acme)
            #expect(try await vault.verifyServiceCredential(try #require(result.services["svc"]))?.organisationID == nil)
        }
    }

    @Test("rows hold the fixture's values; keys only as hash, prefix and last4")
    func rows() async throws {
        try await TestDatabase.withMigratedPool { pool in
            let importer = FixtureImporter(pool: pool, passwordHasher: SampleFixtures.hasher, sections: SampleFixtures.sections)
            let result = try await importer.importFixture(Data(SampleFixtures.specExample.utf8))
            let alice = try #require(result.ids["user:alice"]?.number)
            let acme = try #require(result.ids["org:acme"]?.number)
            let raw = try #require(result.keys["k1"])
            let service = try #require(result.services["svc"])

            // Users: scrypt encodings, never plaintext; defaults of SPEC §1.
            let users = try await pool.query("SELECT username, password, tier, is_staff, is_active, first_name FROM users ORDER BY id")
            let (username, password, tier, isStaff, isActive, firstName) = try users[0].decode((String, String?, String, Bool, Bool, String).self)
            #expect(username == "alice" && tier == "pro" && !isStaff && isActive && firstName == "Alice")
            let hash = try #require(password)
            #expect(hash.hasPrefix("scrypt$") && !hash.contains("alice-password"))
            #expect(SampleFixtures.hasher.verify(password: "alice-password", against: hash))
            #expect(try users[2].decode(String?.self, named: "password") == nil)
            #expect(try users[2].decode(String.self, named: "tier") == "team")
            #expect(try users[3].decode(String.self, named: "tier") == "free")

            // Organisation, membership, team, survey and its members and responses.
            #expect(try await pool.query("SELECT owner_id FROM organisations WHERE slug = 'acme'")[0].decode(Int64.self, at: 0) == alice)
            #expect(try await pool.query("SELECT u.username, m.role FROM organisation_memberships m JOIN users u ON u.id = m.user_id")[0]
                .decode((String, String).self) == ("bob", "admin"))
            #expect(try await pool.query("SELECT organisation_id, size FROM teams")[0].decode((Int64?, String).self) == (Optional(acme), "small"))
            #expect(try await pool.query("SELECT u.username, m.role FROM team_memberships m JOIN users u ON u.id = m.user_id")[0]
                .decode((String, String).self) == ("carol", "admin"))
            let survey = try await pool.query("SELECT owner_id, organisation_id, team_id, status, description FROM surveys")[0]
                .decode((Int64, Int64?, Int64?, String, String).self)
            #expect(survey == (alice, Optional(acme), nil, "published", ""))
            #expect(try await pool.query("SELECT role FROM survey_memberships")[0].decode(String.self, at: 0) == "viewer")
            let submitted = try await pool.query("SELECT submitted_at FROM survey_responses")[0].decode(Date.self, at: 0)
            #expect(submitted == Date(timeIntervalSince1970: 1_795_168_800))

            // Dataset and template.
            let dataset = try await pool.query("SELECT category, is_global, options, tags, version, is_active FROM datasets WHERE key = 'ethnicity'")[0]
                .decode((String, Bool, [String], [String], Int32, Bool).self)
            #expect(dataset == ("nhs_dd", true, ["A", "B"], ["nhs"], 1, true))
            let template = try await pool.query("""
                SELECT publication_level, publisher_id, markdown, tags, language, import_count, status, attribution::text
                FROM question_group_templates
                """)[0].decode((String, Int64, String, [String], String, Int32, String, String).self)
            #expect(template.0 == "global" && template.1 == alice && template.2 == "# q" && template.3 == ["mental-health"])
            #expect(template.4 == "en" && template.5 == 0 && template.6 == "active" && template.7 == "{}")

            // The key: a 32-byte SHA-256, prefix and last4; the raw key is in no column.
            let key = try await pool.query("""
                SELECT user_id, organisation_id, name, prefix, last4, hash, capabilities, expires_at, revoked_at
                FROM api_keys
                """)[0].decode((Int64, Int64?, String, String, String, Data, [String], Date?, Date?).self)
            #expect(key.0 == alice && key.1 == nil && key.2 == "CI")
            #expect(key.3 == String(raw.prefix(12)) && key.4 == String(raw.suffix(4)))
            #expect(key.5.count == 32 && Array(key.5) == SHA256Digest(hashing: raw).bytes)
            #expect(key.6 == ["view"] && key.7 == nil && key.8 == nil)
            let serviceHash = try await pool.query("SELECT hash FROM service_credentials WHERE name = 'billing'")[0].decode(Data.self, at: 0)
            #expect(Array(serviceHash) == SHA256Digest(hashing: service).bytes)
            for secret in [raw, service, "alice-password", "bob-password"] {
                #expect(try await Self.rowsContaining(secret, in: pool) == 0)
            }

            // One audit event with counts and no secrets.
            let audit = try await pool.query("SELECT detail::text FROM audit_events WHERE action = 'fixture.imported'")
            #expect(audit.count == 1)
            let detail = try audit[0].decode(String.self, at: 0)
            #expect(detail.contains("\"users\": 4") && detail.contains("\"keys\": 1"))
        }
    }

    @Test("keys are stored as given: revoked, expiring, with capabilities and an organisation")
    func keysAsGiven() async throws {
        let fixture = """
            {"users":[{"ref":"f","username":"free","email":"f@example.com"},
                      {"ref":"a","username":"admin","email":"a@example.com","tier":"organisation"}],
             "organisations":[{"ref":"o","slug":"o","name":"O","members":[{"user":"a","role":"admin"}]}],
             "keys":[{"ref":"revoked","user":"f","name":"old","revoked":true},
                     {"ref":"expired","user":"a","name":"exp","organisation":"o","expires_at":"2026-01-01T00:00:00Z",
                      "capabilities":["view","add","edit","delete","view"],"created_by":"a","allowed_cidrs":["203.0.113.9/24","::1"]}]}
            """
        try await TestDatabase.withMigratedPool { pool in
            let result = try await FixtureImporter(pool: pool, passwordHasher: SampleFixtures.hasher, sections: SampleFixtures.sections).importFixture(Data(fixture.utf8))
            #expect(result.keys.count == 2)
            let revokedID = try #require(result.ids["key:revoked"]?.text)
            let revoked = try await pool.query("SELECT revoked_at IS NOT NULL, revoke_reason FROM api_keys WHERE id = \(UUID(uuidString: revokedID)!)")[0]
                .decode((Bool, String?).self)
            #expect(revoked == (true, "imported as revoked"))
            let expired = try await pool.query("SELECT expires_at, capabilities, organisation_id, created_by, revoked_at FROM api_keys WHERE name = 'exp'")[0]
                .decode((Date?, [String], Int64?, Int64?, Date?).self)
            #expect(expired.0 == Date(timeIntervalSince1970: 1_767_225_600))
            #expect(expired.1 == ["view", "add", "edit", "delete"])
            #expect(expired.2 == result.ids["org:o"]?.number && expired.3 == result.ids["user:a"]?.number && expired.4 == nil)
            let ranges = try await pool.query("SELECT allowed_cidrs FROM api_keys ORDER BY name").map { try $0.decode([String].self, at: 0) }
            #expect(ranges == [["203.0.113.0/24", "::1/128"], []], "normalised; none means anywhere")
        }
    }

    @Test("mfa_secret (base32) is stored sealed under LATCHKEY_SECRET_KEY, and refused without it")
    func mfaSecretIsSealed() async throws {
        let fixture = #"{"users":[{"ref":"u","username":"ada","email":"ada@example.com","mfa_secret":"JBSWY3DPEHPK3PXPJBSWY3DP"}]}"#
        let box = try #require(SecretBox(key: Array(repeating: 9, count: 32)))
        try await TestDatabase.withMigratedPool { pool in
            let before = try await pool.rowCounts()
            let refused = await #expect(throws: FixtureError.self) {
                try await FixtureImporter(pool: pool, passwordHasher: SampleFixtures.hasher).importFixture(Data(fixture.utf8))
            }
            #expect(refused?.problem.contains("LATCHKEY_SECRET_KEY") == true)
            #expect(try await pool.rowCounts() == before)

            _ = try await FixtureImporter(pool: pool, passwordHasher: SampleFixtures.hasher, secretBox: box).importFixture(Data(fixture.utf8))
            let stored = try await pool.query("SELECT mfa_secret FROM users WHERE username = 'ada'")[0].decode(String.self, at: 0)
            #expect(stored.hasPrefix("v1:") && !stored.contains("JBSWY3DP"))
            #expect(box.open(stored, purpose: SecretBox.mfaSecret) == Base32.decode("JBSWY3DPEHPK3PXPJBSWY3DP"))
        }
        let bad = #expect(throws: FixtureError.self) {
            try Fixture(json: Data(#"{"users":[{"ref":"u","username":"ada","email":"ada@example.com","mfa_secret":"not base32!"}]}"#.utf8))
        }
        #expect(bad?.problem.contains("mfa_secret") == true)
    }

    @Test("the demo fixture imports cleanly")
    func demo() async throws {
        try await TestDatabase.withMigratedPool { pool in
            let result = try await FixtureImporter(pool: pool, passwordHasher: SampleFixtures.hasher, sections: SampleFixtures.sections).importFixture(try SampleFixtures.demo)
            #expect(result.keys.count >= 5 && result.services.count >= 1)
            let tiers = try await pool.query("SELECT DISTINCT tier FROM users ORDER BY tier").decode((String).self)
            #expect(Set(tiers) == ["free", "pro", "team", "organisation", "enterprise"])
            #expect(try await pool.query("SELECT count(*) FROM users WHERE is_staff")[0].decode(Int64.self, at: 0) >= 1)
            #expect(try await pool.query("SELECT count(*) FROM organisations")[0].decode(Int64.self, at: 0) == 2)
            #expect(try await pool.query("SELECT count(DISTINCT status) FROM surveys")[0].decode(Int64.self, at: 0) == 3)
            #expect(try await pool.query("SELECT count(*) FROM survey_responses")[0].decode(Int64.self, at: 0) > 20)
            #expect(try await pool.query("SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL")[0].decode(Int64.self, at: 0) >= 1)
            #expect(try await pool.query("SELECT count(*) FROM api_keys WHERE expires_at < now()")[0].decode(Int64.self, at: 0) >= 1)
            #expect(try await pool.query("SELECT count(*) FROM datasets WHERE NOT is_active")[0].decode(Int64.self, at: 0) >= 1)
            #expect(try await pool.query("SELECT count(*) FROM question_group_templates WHERE status = 'deleted'")[0].decode(Int64.self, at: 0) >= 1)
        }
    }

    /// How many rows of the tables that hold credentials or events contain `secret` anywhere.
    static func rowsContaining(_ secret: String, in pool: PGPool) async throws -> Int64 {
        try await pool.query("""
            SELECT count(*) FROM (
                SELECT t::text AS row FROM users t UNION ALL SELECT t::text FROM api_keys t
                UNION ALL SELECT t::text FROM service_credentials t UNION ALL SELECT t::text FROM audit_events t
            ) AS rows WHERE position(\(secret) IN row) > 0
            """)[0].decode(Int64.self, at: 0)
    }
}
