import Policy
import SurveysPolicy
import DatasetsPolicy
import TemplatesPolicy
import UsersDirectoryPolicy
import TestSupport

/// A random, internally consistent world of users, organisations, teams and resources.
///
/// Consistency: a survey or dataset with organisation X has no team or a team of X; one without
/// an organisation has no team or a team without an organisation. Organisation-level templates
/// always carry their organisation.
struct World {
    struct User { var id: Int64; var tier: Tier; var isStaff: Bool; var isActive: Bool }
    struct Organisation { var id: Int64; var ownerID: Int64? }
    struct Team { var id: Int64; var organisationID: Int64? }

    var users: [User] = []
    var organisations: [Organisation] = []
    var teams: [Team] = []
    var organisationMembers: [(organisation: Int64, user: Int64, role: OrganisationRole)] = []
    var teamMembers: [(team: Int64, user: Int64, role: TeamRole)] = []
    var surveys: [SurveyFacts] = []
    var surveyMembers: [(survey: Int64, user: Int64, role: SurveyRole)] = []
    var datasets: [DatasetFacts] = []
    var templates: [TemplateFacts] = []
    var keys: [KeyFacts] = []

    init(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let userCount = Int.random(in: 3...8, using: &rng)
        for index in 1...userCount {
            let tier: Tier = rng.chance(0.15) ? .free : rng.pick([.pro, .team, .organisation, .enterprise])
            users.append(User(id: Int64(index), tier: tier, isStaff: rng.chance(0.08), isActive: rng.chance(0.9)))
        }
        let userIDs = users.map(\.id)
        for index in 1...Int.random(in: 1...4, using: &rng) {
            organisations.append(Organisation(id: Int64(100 + index), ownerID: rng.chance(0.7) ? rng.pick(userIDs) : nil))
        }
        let organisationIDs = organisations.map(\.id)
        for index in 1...Int.random(in: 1...4, using: &rng) {
            teams.append(Team(id: Int64(200 + index), organisationID: rng.chance(0.7) ? rng.pick(organisationIDs) : nil))
        }
        for organisation in organisationIDs {
            for user in userIDs where rng.chance(0.35) {
                organisationMembers.append((organisation, user, rng.pick(OrganisationRole.allCases)))
            }
        }
        for team in teams {
            for user in userIDs where rng.chance(0.3) {
                teamMembers.append((team.id, user, rng.pick(OrganisationRole.allCases)))
            }
        }
        func placement(_ rng: inout SplitMix64) -> (Int64?, Int64?) {
            let organisation: Int64? = rng.chance(0.6) ? rng.pick(organisationIDs) : nil
            let candidates = teams.filter { $0.organisationID == organisation }.map(\.id)
            let team: Int64? = !candidates.isEmpty && rng.chance(0.4) ? rng.pick(candidates) : nil
            return (organisation, team)
        }
        for index in 1...Int.random(in: 4...10, using: &rng) {
            let (organisation, team) = placement(&rng)
            let owner = organisation.flatMap { id in organisations.first { $0.id == id }?.ownerID }
            var survey = SurveyFacts(
                id: Int64(300 + index), ownerID: rng.pick(userIDs), organisationID: organisation,
                organisationOwnerID: owner, teamID: team, status: rng.pick(SurveyStatus.allCases)
            )
            for user in userIDs where rng.chance(0.2) {
                surveyMembers.append((survey.id, user, rng.pick(SurveyRole.allCases)))
            }
            survey.members = MembershipTable(surveyMembers.filter { $0.survey == survey.id }.map { ($0.user, $0.role) })
            surveys.append(survey)
        }
        for index in 1...Int.random(in: 4...10, using: &rng) {
            let (organisation, team) = placement(&rng)
            datasets.append(DatasetFacts(
                key: "ds\(index)", category: rng.pick(DatasetCategory.allCases), isGlobal: rng.chance(0.25),
                organisationID: organisation, teamID: team,
                createdBy: rng.chance(0.7) ? rng.pick(userIDs) : nil, isActive: rng.chance(0.85)
            ))
        }
        for index in 1...Int.random(in: 3...8, using: &rng) {
            let level: PublicationLevel = rng.chance(0.4) ? .global : .organisation
            let organisation: Int64? = level == .organisation || rng.chance(0.3) ? rng.pick(organisationIDs) : nil
            templates.append(TemplateFacts(
                id: Int64(400 + index), level: level, organisationID: organisation,
                publisherID: rng.pick(userIDs), status: rng.chance(0.85) ? .active : .deleted
            ))
        }
        for _ in 0..<Int.random(in: 2...6, using: &rng) {
            let owner = rng.pick(userIDs)
            keys.append(KeyFacts(ownerID: owner, organisationID: rng.chance(0.6) ? rng.pick(organisationIDs) : nil,
                                 ownerTeamIDs: IDSet(teamMembers.filter { $0.user == owner }.map(\.team))))
        }
    }

    /// The principal of `user` holding a key with these capabilities and organisation context.
    func principal(_ user: User, capabilities: Capabilities, keyOrganisationID: Int64?, keyTeamID: Int64? = nil) -> Principal {
        .user(UserPrincipal(
            userID: user.id, tier: user.tier, isStaff: user.isStaff, capabilities: capabilities,
            keyOrganisationID: keyOrganisationID, keyTeamID: keyTeamID,
            organisationRoles: MembershipTable(organisationMembers.filter { $0.user == user.id }.map { ($0.organisation, $0.role) }),
            ownedOrganisations: IDSet(organisations.filter { $0.ownerID == user.id }.map(\.id)),
            teamRoles: MembershipTable(teamMembers.filter { $0.user == user.id }.map { ($0.team, $0.role) })
        ))
    }

    /// Organisations `user` belongs to: memberships plus organisations they own.
    func organisationIDs(of user: Int64) -> IDSet {
        IDSet(organisationMembers.filter { $0.user == user }.map(\.organisation)
            + organisations.filter { $0.ownerID == user }.map(\.id))
    }

    /// The user-directory facts of `user`, with an edit that varies with the id (every
    /// combination of role, activity and profile changes occurs across a world's users).
    func directoryFacts(_ user: User) -> UsersDirectoryFacts {
        UsersDirectoryFacts(
            userID: user.id, organisationIDs: organisationIDs(of: user.id), isActive: user.isActive,
            ownedOrganisationIDs: IDSet(organisations.filter { $0.ownerID == user.id }.map(\.id)),
            isStaff: user.isStaff, changes: UsersDirectoryChanges(rawValue: UInt8(user.id % 8)))
    }

    /// A random principal: anonymous sometimes, else a user with a random key.
    func randomPrincipal(_ rng: inout SplitMix64) -> (Principal, User?) {
        if rng.chance(0.1) { return (.anonymous, nil) }
        let user = rng.pick(users)
        let keyOrganisation: Int64? = rng.chance(0.6) ? rng.pick(organisations).id : nil
        let keyTeam: Int64? = keyOrganisation == nil && !teams.isEmpty && rng.chance(0.3) ? rng.pick(teams).id : nil
        return (principal(user, capabilities: rng.capabilities(), keyOrganisationID: keyOrganisation, keyTeamID: keyTeam), user)
    }

    /// A random key-issuance request for a user of this world.
    func randomIssuance(_ rng: inout SplitMix64) -> KeyIssuanceFacts {
        let target = rng.pick(users)
        let organisations = organisationIDs(of: target.id)
        let context: Int64? = rng.chance(0.3) ? rng.pick(self.organisations).id : nil
        return KeyIssuanceFacts(
            targetUserID: target.id, targetTier: target.tier, targetOrganisationIDs: organisations,
            targetTeamIDs: IDSet(teamMembers.filter { $0.user == target.id }.map(\.team)),
            organisationID: context,
            requestedCapabilities: rng.chance(0.5) ? .view : rng.capabilities(),
            activeKeyCount: Int.random(in: 0...25, using: &rng), isSSOExchange: rng.chance(0.1),
            ssoCapabilities: rng.chance(0.5) ? .view : rng.capabilities().subtracting(.superuser)
        )
    }

    /// Every object of the world as resources, for per-object actions.
    var allResources: [Resource] {
        surveys.map(Resource.survey) + datasets.map(Resource.dataset) + templates.map(Resource.template)
            + users.map { Resource.user(directoryFacts($0)) } + keys.map(Resource.key)
    }
}
