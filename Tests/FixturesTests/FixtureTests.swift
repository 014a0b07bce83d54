import TestSupport
@testable import Fixtures
import Foundation
import Testing

@Suite("Reading fixtures")
struct FixtureTests {
    @Test("every field but the required ones may be left out")
    func minimal() throws {
        let fixture = try Fixture(json: Data(#"{"users":[{"ref":"u","username":"u","email":"u@example.com"}]}"#.utf8), sections: SampleFixtures.sections)
        #expect(fixture.counts["users"] == 1 && fixture.counts["keys"] == 0)
        #expect(try Fixture(json: Data("{}".utf8), sections: SampleFixtures.sections).counts.values.allSatisfy { $0 == 0 })
    }

    @Test("timestamps are RFC 3339, with or without fractions and offsets", arguments: [
        ("2026-11-20T10:00:00Z", 0.0), ("2026-11-20T10:00:00.250Z", 0.25), ("2026-11-20T11:00:00+01:00", 0.0),
        ("2026-11-20T08:30:00-01:30", 0.0),
    ])
    func timestamps(_ text: String, _ fraction: Double) throws {
        let json = #"{"users":[{"ref":"u","username":"u","email":"u@example.com"}],"keys":[{"ref":"k","user":"u","name":"k","expires_at":"\#(text)"}]}"#
        let fixture = try Fixture(json: Data(json.utf8), sections: SampleFixtures.sections)
        // Every form names the same instant: 2026-11-20 10:00:00 UTC (plus the fraction).
        let expected = Date(timeIntervalSince1970: 1_795_168_800 + fraction)
        let parsed = try #require(fixture.keys.first?.expiresAt)
        #expect(abs(parsed.timeIntervalSince(expected)) < 0.0005, "\(text) read as \(parsed)")
    }

    @Test("timestamps that are not RFC 3339 are refused", arguments: ["2026-11-20", "2026-11-20 10:00:00", "yesterday", "2026-13-20T10:00:00Z"])
    func badTimestamps(_ text: String) {
        let json = #"{"users":[{"ref":"u","username":"u","email":"u@example.com"}],"keys":[{"ref":"k","user":"u","name":"k","expires_at":"\#(text)"}]}"#
        #expect(throws: FixtureError.self) { try Fixture(json: Data(json.utf8), sections: SampleFixtures.sections) }
    }

    @Test("JSON types are not coerced and values are checked", arguments: [
        (#""username":"u","email":"u@example.com","is_staff":1"#, #"field "is_staff" must be a boolean, not a number"#),
        (#""username":"u","email":"u@example.com","tier":["pro"]"#, #"field "tier" must be a string, not an array"#),
        (#""username":"","email":"u@example.com""#, #"field "username" must not be empty"#),
        (#""username":"u","email":"nobody""#, #"field "email": "nobody" is not an email address"#),
        (#""username":"u""#, #"missing required field "email""#),
    ])
    func types(_ fields: String, _ problem: String) throws {
        let json = #"{"users":[{"ref":"u",\#(fields)}]}"#
        let error = #expect(throws: FixtureError.self) { try Fixture(json: Data(json.utf8), sections: SampleFixtures.sections) }
        #expect(error?.item == #"users[0] (ref "u")"#)
        #expect(error?.problem == problem)
    }

    @Test("a section must be a list of objects")
    func shapes() throws {
        let notList = #expect(throws: FixtureError.self) { try Fixture(json: Data(#"{"users":{}}"#.utf8), sections: SampleFixtures.sections) }
        #expect(notList?.description == #"fixture: field "users" must be a list, not an object"#)
        let notObject = #expect(throws: FixtureError.self) { try Fixture(json: Data(#"{"services":["svc"]}"#.utf8), sections: SampleFixtures.sections) }
        #expect(notObject?.description == "services[0]: must be an object, not a string")
    }
}
