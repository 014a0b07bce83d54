import TestSupport
import Fixtures
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
        "2026-11-20T10:00:00Z", "2026-11-20T10:00:00.250Z", "2026-11-20T11:00:00+01:00",
    ])
    func timestamps(_ text: String) throws {
        let json = #"{"users":[{"ref":"u","username":"u","email":"u@example.com"}],"keys":[{"ref":"k","user":"u","name":"k","expires_at":"\#(text)"}]}"#
        _ = try Fixture(json: Data(json.utf8), sections: SampleFixtures.sections)
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
