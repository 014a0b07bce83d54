import Policy
import SurveysPolicy
import DatasetsPolicy
import TemplatesPolicy
import UsersDirectoryPolicy
import TestSupport
import Testing

@Suite("Actions, capabilities and membership tables")
struct ActionTests {
    @Test("every SPEC action parses and prints back", arguments: specActions)
    func roundTrip(_ action: Action) {
        #expect(Action(action.description) == action)
    }

    @Test("malformed action strings do not parse", arguments: ["", ".", "survey", "survey.", ".list", "Survey.list", "survey.list.x", "sur vey.list", "survey.lïst"])
    func malformed(_ string: String) {
        #expect(Action(string) == nil)
    }

    @Test("capabilities parse from and print to SPEC strings")
    func capabilities() {
        #expect(Capabilities(parsing: "view, add") == [.view, .add])
        #expect(Capabilities(names: ["delete", "view"])?.names == ["view", "delete"])
        #expect(Capabilities(parsing: "view,admin") == nil)
        #expect(Capabilities.all.description == "view,add,edit,delete,superuser")
        #expect(Capabilities.default == [.view])
        #expect(Capabilities(parsing: "") == [])
        #expect(Capability.edit.roleName == "Apikey_edit")
    }

    @Test("enum raw values match the SPEC")
    func rawValues() {
        #expect(Tier.allCases.map(\.rawValue) == ["free", "pro", "team", "organisation", "enterprise"])
        #expect(OrganisationRole.allCases.map(\.rawValue) == ["admin", "creator", "viewer"])
        #expect(SurveyRole.allCases.map(\.rawValue) == ["creator", "editor", "viewer"])
        #expect(DatasetCategory.allCases.map(\.rawValue) == ["nhs_dd", "external_api", "user_created", "rcpch", "snomed"])
    }

    @Test("membership tables find every id, small and large, and the last duplicate wins")
    func tables() {
        var rng = SplitMix64(seed: 7)
        for size in [0, 1, 5, 16, 17, 40, 200] {
            var pairs: [(Int64, OrganisationRole)] = []
            for _ in 0..<size { pairs.append((Int64.random(in: 1...300, using: &rng), rng.pick(OrganisationRole.allCases))) }
            let table = MembershipTable(pairs)
            var expected: [Int64: OrganisationRole] = [:]
            for (id, role) in pairs { expected[id] = role }
            for id in Int64(0)...301 { #expect(table[id] == expected[id]) }
            #expect(table.count == expected.count)
            let set = IDSet(pairs.map(\.0))
            for id in Int64(0)...301 { #expect(set.contains(id) == (expected[id] != nil)) }
        }
    }
}
