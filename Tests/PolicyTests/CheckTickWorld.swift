import Policy
import SurveysPolicy
import DatasetsPolicy
import TemplatesPolicy
import UsersDirectoryPolicy

/// The fixed world of the CheckTick permission matrix.
///
/// Organisation 1 (owner: `orgOwner`, who holds no membership) has an admin, a creator and a
/// viewer; team 10 belongs to organisation 1 and has an admin; survey 100 is owned by `owner`,
/// lives in organisation 1 and team 10, and has a creator, an editor and a viewer member.
enum CheckTick {
    static let owner: Int64 = 1, orgOwner: Int64 = 2, orgAdmin: Int64 = 3, orgCreator: Int64 = 4
    static let orgViewer: Int64 = 5, teamAdmin: Int64 = 6, surveyCreator: Int64 = 7
    static let surveyEditor: Int64 = 8, surveyViewer: Int64 = 9, outsider: Int64 = 11, staff: Int64 = 12
    static let organisation: Int64 = 1, otherOrganisation: Int64 = 2, team: Int64 = 10, survey: Int64 = 100

    /// A named caller of the matrix.
    enum Role: String, CaseIterable, Sendable {
        case owner, orgAdmin, orgOwner, orgCreator, orgViewer
        case surveyCreator, surveyEditor, surveyViewer, teamAdmin, outsider, anonymous
    }

    /// The principal for `role`, with a key holding `capabilities`, issued in organisation 1
    /// unless `keyOrganisation` says otherwise.
    static func principal(
        _ role: Role, capabilities: Capabilities = [.view, .add, .edit, .delete], tier: Tier = .organisation,
        keyOrganisation: Int64? = organisation
    ) -> Principal {
        func user(_ id: Int64, org: MembershipTable<OrganisationRole> = [:], owned: IDSet = [],
                  teams: MembershipTable<TeamRole> = [:]) -> Principal {
            .user(UserPrincipal(userID: id, tier: tier, capabilities: capabilities, keyOrganisationID: keyOrganisation,
                                organisationRoles: org, ownedOrganisations: owned, teamRoles: teams))
        }
        switch role {
        case .owner: return user(owner)
        case .orgAdmin: return user(orgAdmin, org: [organisation: .admin])
        case .orgOwner: return user(orgOwner, owned: [organisation])
        case .orgCreator: return user(orgCreator, org: [organisation: .creator])
        case .orgViewer: return user(orgViewer, org: [organisation: .viewer])
        case .surveyCreator: return user(surveyCreator)
        case .surveyEditor: return user(surveyEditor)
        case .surveyViewer: return user(surveyViewer)
        case .teamAdmin: return user(teamAdmin, teams: [team: .admin])
        case .outsider: return user(outsider, org: [otherOrganisation: .admin])
        case .anonymous: return .anonymous
        }
    }

    /// Survey 100, with its creator, editor and viewer members.
    static let surveyFacts = SurveyFacts(id: survey, ownerID: owner, organisationID: organisation,
                                         organisationOwnerID: orgOwner, teamID: team, status: .published,
                                         members: [surveyCreator: .creator, surveyEditor: .editor, surveyViewer: .viewer])
}
