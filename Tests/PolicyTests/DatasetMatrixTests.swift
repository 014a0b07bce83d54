import Policy
import SurveysPolicy
import DatasetsPolicy
import TemplatesPolicy
import UsersDirectoryPolicy
import Testing

/// The dataset rules of SPEC §4 on the CheckTick world.
@Suite("Dataset permission matrix")
struct DatasetMatrixTests {
    static let nhs = DatasetFacts(key: "ethnicity", category: .nhsDD, isGlobal: true)
    static let globalInactive = DatasetFacts(key: "old", category: .rcpch, isGlobal: true, isActive: false)
    static let globalRCPCH = DatasetFacts(key: "growth", category: .rcpch, isGlobal: true)
    static let organisation = DatasetFacts(key: "acme-list", category: .userCreated, organisationID: CheckTick.organisation, createdBy: CheckTick.orgAdmin)
    static let organisationNHS = DatasetFacts(key: "acme-nhs", category: .nhsDD, organisationID: CheckTick.organisation)
    static let organisationInactive = DatasetFacts(key: "acme-old", category: .userCreated, organisationID: CheckTick.organisation, isActive: false)
    static let team = DatasetFacts(key: "team-list", category: .userCreated, teamID: CheckTick.team)
    static let personal = DatasetFacts(key: "mine", category: .userCreated, createdBy: CheckTick.owner)
    static let all = [nhs, globalInactive, globalRCPCH, organisation, organisationNHS, organisationInactive, team, personal]

    struct Row: Sendable, CustomTestStringConvertible {
        let role: CheckTick.Role
        let visible: Set<String>
        var testDescription: String { role.rawValue }
    }

    static let rows: [Row] = [
        Row(role: .anonymous, visible: ["ethnicity", "growth"]),
        // The matrix's keys are issued in organisation 1 (SPEC §2 confinement): personal and
        // team-only datasets stay out of reach, whatever the caller's roles.
        Row(role: .owner, visible: ["ethnicity", "growth"]),
        Row(role: .orgAdmin, visible: ["ethnicity", "growth", "acme-list", "acme-nhs"]),
        Row(role: .orgCreator, visible: ["ethnicity", "growth", "acme-list", "acme-nhs"]),
        Row(role: .orgViewer, visible: ["ethnicity", "growth", "acme-list", "acme-nhs"]),
        Row(role: .orgOwner, visible: ["ethnicity", "growth", "acme-list", "acme-nhs"]),
        Row(role: .teamAdmin, visible: ["ethnicity", "growth"]),
        Row(role: .outsider, visible: ["ethnicity", "growth"]),
    ]

    static let personalKeyRows: [Row] = [
        Row(role: .owner, visible: ["ethnicity", "growth", "mine"]),
        Row(role: .teamAdmin, visible: ["ethnicity", "growth", "team-list"]),
        Row(role: .orgAdmin, visible: ["ethnicity", "growth", "acme-list", "acme-nhs"]),
    ]

    @Test("a key without organisation reaches what the user's roles reach", arguments: personalKeyRows)
    func personalKeyVisibility(_ row: Row) {
        let principal = CheckTick.principal(row.role, keyOrganisation: nil)
        let predicate = standardEngine.visibility(principal, for: .datasetList)
        #expect(Set(Self.all.filter { predicate.evaluate(on: $0) }.map(\.key)) == row.visible)
        let retrieved = Self.all.filter { standardEngine.decide(principal, .datasetRetrieve, .dataset($0)).isAllowed }
        #expect(Set(retrieved.map(\.key)) == row.visible)
    }

    @Test("visibility by role: list and retrieve agree", arguments: rows)
    func visibility(_ row: Row) {
        let principal = CheckTick.principal(row.role)
        let predicate = standardEngine.visibility(principal, for: .datasetList)
        #expect(Set(Self.all.filter { predicate.evaluate(on: $0) }.map(\.key)) == row.visible)
        let retrieved = Self.all.filter { standardEngine.decide(principal, .datasetRetrieve, .dataset($0)).isAllowed }
        #expect(Set(retrieved.map(\.key)) == row.visible)
        #expect(standardEngine.decide(principal, .datasetList, .collection).isAllowed)
    }

    struct WriteRow: Sendable, CustomTestStringConvertible {
        let role: CheckTick.Role
        let dataset: DatasetFacts
        let action: Action
        let capabilities: Capabilities
        let expected: DecisionCode
        var testDescription: String { "\(role.rawValue) \(action) \(dataset.key) [\(capabilities)]" }
    }

    static let all4: Capabilities = [.view, .add, .edit, .delete]
    static let writeRows: [WriteRow] = [
        WriteRow(role: .orgAdmin, dataset: organisation, action: .datasetUpdate, capabilities: all4, expected: .allowOrgAdmin),
        WriteRow(role: .orgCreator, dataset: organisation, action: .datasetUpdate, capabilities: all4, expected: .allowOrgCreator),
        WriteRow(role: .orgOwner, dataset: organisation, action: .datasetDelete, capabilities: all4, expected: .allowOrgOwner),
        WriteRow(role: .orgCreator, dataset: organisation, action: .datasetCreate, capabilities: all4, expected: .allowOrgCreator),
        WriteRow(role: .orgViewer, dataset: organisation, action: .datasetUpdate, capabilities: all4, expected: .denyRole),
        WriteRow(role: .outsider, dataset: organisation, action: .datasetUpdate, capabilities: all4, expected: .denyNotMember),
        // Team-only and personal datasets lie outside organisation 1, where the keys were issued.
        WriteRow(role: .teamAdmin, dataset: team, action: .datasetUpdate, capabilities: all4, expected: .denyOutsideOrganisation),
        WriteRow(role: .owner, dataset: personal, action: .datasetDelete, capabilities: all4, expected: .denyOutsideOrganisation),
        WriteRow(role: .anonymous, dataset: organisation, action: .datasetUpdate, capabilities: all4, expected: .denyAnonymous),
        WriteRow(role: .orgAdmin, dataset: nhs, action: .datasetUpdate, capabilities: all4, expected: .denyReadOnlyDataset),
        WriteRow(role: .orgAdmin, dataset: globalRCPCH, action: .datasetDelete, capabilities: all4, expected: .denyReadOnlyDataset),
        WriteRow(role: .orgAdmin, dataset: organisationNHS, action: .datasetUpdate, capabilities: all4, expected: .denyReadOnlyDataset),
        WriteRow(role: .orgAdmin, dataset: organisation, action: .datasetUpdate, capabilities: [.view, .add], expected: .denyCapability),
        WriteRow(role: .orgAdmin, dataset: organisation, action: .datasetCreate, capabilities: .view, expected: .denyCapability),
        WriteRow(role: .orgAdmin, dataset: nhs, action: .datasetDelete, capabilities: .view, expected: .denyCapability),
    ]

    @Test("writes", arguments: writeRows)
    func writes(_ row: WriteRow) {
        let principal = CheckTick.principal(row.role, capabilities: row.capabilities)
        #expect(standardEngine.decide(principal, row.action, .dataset(row.dataset)).code == row.expected)
    }

    @Test("anonymous callers retrieve active global datasets only")
    func anonymous() {
        #expect(standardEngine.decide(.anonymous, .datasetRetrieve, .dataset(Self.nhs)).code == .allowGlobal)
        #expect(standardEngine.decide(.anonymous, .datasetRetrieve, .dataset(Self.organisation)).code == .denyAnonymous)
        #expect(standardEngine.decide(.anonymous, .datasetRetrieve, .dataset(Self.globalInactive)).code == .denyInactive)
    }
}
