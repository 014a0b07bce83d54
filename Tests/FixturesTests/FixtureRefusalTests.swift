import TestSupport
import Fixtures
import Foundation
import Postgres
import Testing

/// A fixture that must be refused, the item the error must name and words its problem must contain.
struct RefusalCase: Sendable, CustomTestStringConvertible {
    let name: String
    let fixture: String
    let item: String
    let problem: String

    var testDescription: String { name }

    /// `SampleFixtures.specExample` with one edit.
    static func edit(_ name: String, _ old: String, _ new: String, item: String, problem: String) -> RefusalCase {
        RefusalCase(name: name, fixture: SampleFixtures.specExample(replacing: old, with: new), item: item, problem: problem)
    }

    /// Problems found without the database.
    static let validation: [RefusalCase] = [
        edit("unknown top-level field", #""services": ["#, #""servicez": ["#,
             item: "fixture", problem: #"unknown field "servicez""#),
        edit("unknown field in a user", #""email":"bob@example.com""#, #""emali":"bob@example.com""#,
             item: #"users[1] (ref "bob")"#, problem: #"unknown field "emali""#),
        edit("unknown nested field", #""members":[{"user":"bob","role":"admin"}]"#, #""members":[{"user":"bob","rol":"admin"}]"#,
             item: #"organisations[0] (ref "acme").members[0]"#, problem: #"unknown field "rol""#),
        edit("unknown user ref in members", #"{"user":"dan","role":"viewer"}"#, #"{"user":"zed","role":"viewer"}"#,
             item: #"surveys[0] (ref "s1").members[0]"#, problem: #"unknown user ref "zed""#),
        edit("unknown user ref as owner", #""owner":"alice","organisation":"acme","team":null"#, #""owner":"zed","organisation":"acme","team":null"#,
             item: #"surveys[0] (ref "s1")"#, problem: #"field "owner": unknown user ref "zed""#),
        edit("unknown organisation ref", #""organisation":"acme","size""#, #""organisation":"acne","size""#,
             item: #"teams[0] (ref "t1")"#, problem: #"unknown organisation ref "acne""#),
        edit("duplicate slug", #""teams": [{"ref":"t1""#, #""teams": [{"ref":"t0","slug":"t1","name":"T0"},{"ref":"t1""#,
             item: #"teams[1] (ref "t1")"#, problem: #"duplicate team slug "t1" (also teams[0] (ref "t0"))"#),
        edit("duplicate username", #""username":"dan""#, #""username":"bob""#,
             item: #"users[3] (ref "dan")"#, problem: #"duplicate username "bob""#),
        edit("duplicate email, case-insensitive", #""Dan@Example.com""#, #""BOB@example.COM""#,
             item: #"users[3] (ref "dan")"#, problem: #"duplicate email "bob@example.com""#),
        edit("duplicate ref", #""ref":"carol""#, #""ref":"bob""#,
             item: #"users[2] (ref "bob")"#, problem: #"duplicate user ref "bob""#),
        edit("bad tier", #""tier":"team""#, #""tier":"gold""#,
             item: #"users[2] (ref "carol")"#, problem: #"field "tier": "gold" is not one of free, pro, team, organisation, enterprise"#),
        edit("bad role", #"{"user":"carol","role":"admin"}"#, #"{"user":"carol","role":"owner"}"#,
             item: #"teams[0] (ref "t1").members[0]"#, problem: #""owner" is not one of admin, creator, viewer"#),
        edit("bad capability", #""capabilities":["view"]"#, #""capabilities":["view","admin"]"#,
             item: #"keys[0] (ref "k1")"#, problem: #"field "capabilities": "admin" is not one of view, add, edit, delete, superuser"#),
        edit("bad allowed range", #""capabilities":["view"]"#, #""capabilities":["view"],"allowed_cidrs":["10.0.0.0/8","10.0.0.0/33"]"#,
             item: #"keys[0] (ref "k1")"#, problem: #"field "allowed_cidrs": “10.0.0.0/33” is not an IPv4 or IPv6 address or CIDR range"#),
        edit("unknown permission type", #""capabilities":["view"]"#, #""permissions":{"widgets":["view"]}"#,
             item: #"keys[0] (ref "k1")"#, problem: "unknown type(s) widgets"),
        edit("unknown permission verb", #""capabilities":["view"]"#, #""permissions":{"surveys":["read"]}"#,
             item: #"keys[0] (ref "k1")"#, problem: "Unknown permission 'read' for surveys"),
        edit("selected ref of nothing", #""capabilities":["view"]"#, #""permissions":{"surveys":["view"]},"resources":{"surveys":["s9"]}"#,
             item: #"keys[0] (ref "k1")"#, problem: #"unknown survey ref "s9""#),
        edit("resources without permissions", #""capabilities":["view"]"#, #""resources":{"surveys":["s1"]}"#,
             item: #"keys[0] (ref "k1")"#, problem: #"field "resources" needs "permissions""#),
        edit("metadata too large", #""capabilities":["view"]"#, #""meta":{"x":""# + String(repeating: "y", count: 4100) + #""}"#,
             item: #"keys[0] (ref "k1")"#, problem: "at most 4096 bytes"),
        edit("bad rate limit", #""capabilities":["view"]"#, #""rate_limit":"5/day""#,
             item: #"keys[0] (ref "k1")"#, problem: "rate"),
        edit("organisation template without organisation", #""publication_level":"global""#, #""publication_level":"organisation""#,
             item: #"templates[0] (ref "tp1")"#, problem: #"requires an "organisation""#),
        edit("bad survey status", #""status":"published""#, #""status":"live""#,
             item: #"surveys[0] (ref "s1")"#, problem: #""live" is not one of draft, published, closed"#),
        edit("bad dataset category", #""category":"nhs_dd""#, #""category":"nhs""#,
             item: #"datasets[0] (key "ethnicity")"#, problem: #""nhs" is not one of nhs_dd"#),
        edit("bad team size", #""size":"small""#, #""size":"huge""#,
             item: #"teams[0] (ref "t1")"#, problem: #""huge" is not one of small, medium, large"#),
        edit("missing required field", #""slug":"acme","#, "",
             item: #"organisations[0] (ref "acme")"#, problem: #"missing required field "slug""#),
        edit("wrong type", #""is_staff":false"#, #""is_staff":"no""#,
             item: #"users[0] (ref "alice")"#, problem: #"field "is_staff" must be a boolean, not a string"#),
        edit("bad timestamp", #""2026-11-20T10:00:00Z""#, #""yesterday""#,
             item: #"surveys[0] (ref "s1").responses[0]"#, problem: #""yesterday" is not an RFC 3339 timestamp"#),
        edit("bad dataset key", #""key":"ethnicity""#, #""key":"Ethnicity!""#,
             item: #"datasets[0] (key "Ethnicity!")"#, problem: "must be lowercase letters"),
        edit("unknown service organisation", #"{"ref":"svc","name":"billing"}"#, #"{"ref":"svc","name":"billing","organisation":"acne"}"#,
             item: #"services[0] (ref "svc")"#, problem: #"unknown organisation ref "acne""#),
        RefusalCase(name: "not JSON", fixture: #"{"users": ["#, item: "fixture", problem: "not valid JSON"),
    ]

    /// Problems only the database can find, mid-import, after `specExample` was imported.
    static let conflicts: [RefusalCase] = [
        RefusalCase(
            name: "dataset key already in the database",
            fixture: """
                {"users":[{"ref":"erin","username":"erin","email":"erin@example.com","password":"p"}],
                 "organisations":[{"ref":"globex","slug":"globex","name":"Globex","owner":"erin"}],
                 "datasets":[{"key":"colours","name":"Colours"},{"key":"ethnicity","name":"Ethnicity again"}],
                 "keys":[{"ref":"k","user":"erin","name":"k"}]}
                """,
            item: #"datasets[1] (key "ethnicity")"#, problem: "conflicts with a row already in the database"),
        RefusalCase(
            name: "email already in the database, case-insensitive",
            fixture: """
                {"users":[{"ref":"erin","username":"erin","email":"erin@example.com"},
                          {"ref":"al","username":"al","email":"ALICE@example.com"}]}
                """,
            item: #"users[1] (ref "al")"#, problem: "conflicts with a row already in the database"),
        RefusalCase(
            name: "organisation slug already in the database",
            fixture: """
                {"users":[{"ref":"erin","username":"erin","email":"erin@example.com"}],
                 "organisations":[{"ref":"a","slug":"acme","name":"Acme again","members":[{"user":"erin","role":"admin"}]}]}
                """,
            item: #"organisations[0] (ref "a")"#, problem: "conflicts with a row already in the database"),
    ]
}

@Suite("Refusing fixtures")
struct FixtureRefusalTests {
    @Test("problems are found before the database and name the item", arguments: RefusalCase.validation)
    func refusedBeforeDatabase(_ refusal: RefusalCase) throws {
        let error = #expect(throws: FixtureError.self) { try Fixture(json: Data(refusal.fixture.utf8), sections: SampleFixtures.sections) }
        #expect(error?.item == refusal.item)
        #expect(error?.problem.contains(refusal.problem) == true, "\(error.map(String.init(describing:)) ?? "no error")")
    }

    @Test("a refused import names the item and leaves every table unchanged", arguments: RefusalCase.validation + RefusalCase.conflicts)
    func refusedLeavesDatabaseUnchanged(_ refusal: RefusalCase) async throws {
        try await TestDatabase.withMigratedPool { pool in
            let importer = FixtureImporter(pool: pool, passwordHasher: SampleFixtures.hasher, sections: SampleFixtures.sections)
            _ = try await importer.importFixture(Data(SampleFixtures.specExample.utf8))
            let before = try await pool.rowCounts()
            let error = await #expect(throws: FixtureError.self) { try await importer.importFixture(Data(refusal.fixture.utf8)) }
            #expect(error?.item == refusal.item)
            #expect(error?.problem.contains(refusal.problem) == true, "\(error.map(String.init(describing:)) ?? "no error")")
            #expect(try await pool.rowCounts() == before)
            #expect(before["users"] == 4 && before["api_keys"] == 1 && before["audit_events"] == 1)
        }
    }

    @Test("the spec example imports into a database that already holds other data")
    func importsBesideOtherData() async throws {
        try await TestDatabase.withMigratedPool { pool in
            let importer = FixtureImporter(pool: pool, passwordHasher: SampleFixtures.hasher, sections: SampleFixtures.sections)
            _ = try await importer.importFixture(Data(SampleFixtures.other.utf8))
            let result = try await importer.importFixture(Data(SampleFixtures.specExample.utf8))
            #expect(result.ids["user:alice"]?.number == 2)
            #expect(try await pool.rowCounts()["users"] == 5)
        }
    }
}
