import Policy
import SurveysPolicy
import DatasetsPolicy
import TemplatesPolicy
import UsersDirectoryPolicy
import Testing

/// The question-group template rules of SPEC §4 on the CheckTick world.
@Suite("Template permission matrix")
struct TemplateMatrixTests {
    static let global = TemplateFacts(id: 1, level: .global, publisherID: CheckTick.outsider)
    static let globalDeleted = TemplateFacts(id: 2, level: .global, publisherID: CheckTick.owner, status: .deleted)
    static let acme = TemplateFacts(id: 3, level: .organisation, organisationID: CheckTick.organisation, publisherID: CheckTick.orgAdmin)
    static let other = TemplateFacts(id: 4, level: .organisation, organisationID: CheckTick.otherOrganisation, publisherID: CheckTick.outsider)
    static let acmeDeleted = TemplateFacts(id: 5, level: .organisation, organisationID: CheckTick.organisation, publisherID: CheckTick.orgAdmin, status: .deleted)
    static let all = [global, globalDeleted, acme, other, acmeDeleted]

    static let rows: [(CheckTick.Role, Set<Int64>)] = [
        (.owner, [1]), (.orgAdmin, [1, 3]), (.orgOwner, [1, 3]), (.orgCreator, [1, 3]), (.orgViewer, [1, 3]),
        // The outsider is a member of organisation 2 only, but holds a key issued in
        // organisation 1: template 4 (organisation 2) is out of that key's reach (SPEC §2).
        (.surveyViewer, [1]), (.teamAdmin, [1]), (.outsider, [1]), (.anonymous, []),
    ]

    @Test("a key issued in the outsider's own organisation reaches its templates")
    func outsiderAtHome() {
        let principal = CheckTick.principal(.outsider, keyOrganisation: CheckTick.otherOrganisation)
        let predicate = standardEngine.visibility(principal, for: .templateList)
        #expect(Set(Self.all.filter { predicate.evaluate(on: $0) }.map(\.id)) == [1, 4])
        #expect(!standardEngine.decide(principal, .templateRetrieve, .template(Self.acme)).isAllowed)
    }

    @Test("visibility by role: list and retrieve agree", arguments: rows)
    func visibility(_ role: CheckTick.Role, _ visible: Set<Int64>) {
        let principal = CheckTick.principal(role)
        let predicate = standardEngine.visibility(principal, for: .templateList)
        #expect(Set(Self.all.filter { predicate.evaluate(on: $0) }.map(\.id)) == visible)
        let retrieved = Self.all.filter { standardEngine.decide(principal, .templateRetrieve, .template($0)).isAllowed }
        #expect(Set(retrieved.map(\.id)) == visible)
    }

    @Test("anonymous callers are refused; writes are not template actions")
    func refusals() {
        #expect(standardEngine.decide(.anonymous, .templateList, .collection).code == .denyAnonymous)
        #expect(standardEngine.decide(.anonymous, .templateRetrieve, .template(Self.global)).code == .denyAnonymous)
        let admin = CheckTick.principal(.orgAdmin)
        #expect(standardEngine.decide(admin, Action(.template, .update), .template(Self.acme)).code == .denyUnknownAction)
        #expect(standardEngine.decide(CheckTick.principal(.outsider, capabilities: []), .templateRetrieve, .template(Self.global)).code == .denyCapability)
    }
}
