import Policy
import SurveysPolicy
import DatasetsPolicy
import TemplatesPolicy
import UsersDirectoryPolicy
import Testing

/// Every row of the SPEC §2 issuer table, allowed and refused, with limits and capability rules.
@Suite("Key issuance and revocation")
struct KeyIssuanceTests {
    enum Issuer: String, Sendable, CaseIterable {
        case target, targetMember, teamAdmin, teamViewer, orgAdmin, orgOwner, orgCreator, outsider, staff, anonymous, freeStaff
    }

    static let targetID: Int64 = 70

    static func principal(_ issuer: Issuer) -> Principal {
        func user(_ id: Int64, tier: Tier = .organisation, staff: Bool = false, org: MembershipTable<OrganisationRole> = [:],
                  owned: IDSet = [], teams: MembershipTable<TeamRole> = [:]) -> Principal {
            .user(UserPrincipal(userID: id, tier: tier, isStaff: staff, organisationRoles: org, ownedOrganisations: owned, teamRoles: teams))
        }
        switch issuer {
        case .target: return user(targetID, tier: .pro)
        case .targetMember: return user(targetID, tier: .enterprise, org: [CheckTick.organisation: .viewer])
        case .teamAdmin: return user(71, teams: [CheckTick.team: .admin])
        case .teamViewer: return user(72, teams: [CheckTick.team: .viewer])
        case .orgAdmin: return user(73, org: [CheckTick.organisation: .admin])
        case .orgOwner: return user(74, owned: [CheckTick.organisation])
        case .orgCreator: return user(75, org: [CheckTick.organisation: .creator])
        case .outsider: return user(76, org: [CheckTick.otherOrganisation: .admin], teams: [99: .admin])
        case .staff: return user(77, staff: true)
        case .anonymous: return .anonymous
        case .freeStaff: return user(78, tier: .free, staff: true)
        }
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let tier: Tier
        let issuer: Issuer
        var capabilities: Capabilities = .view
        var active = 0
        var context: Int64? = nil
        var sso = false
        /// The capabilities the organisation's SSO trust allows.
        var trust: Capabilities = .view
        let expected: DecisionCode
        var testDescription: String {
            "\(tier) by \(issuer) [\(capabilities)] active=\(active)\(context.map { " org=\($0)" } ?? "")\(sso ? " sso" : "")"
        }
    }

    static let rows: [Row] = [
        // free: nobody
        Row(tier: .free, issuer: .target, expected: .denyTier),
        Row(tier: .free, issuer: .staff, expected: .denyTier),
        Row(tier: .free, issuer: .orgAdmin, expected: .denyTier),
        // pro: the user themselves, limit 5
        Row(tier: .pro, issuer: .target, expected: .allowSelfServe),
        Row(tier: .pro, issuer: .target, active: 4, expected: .allowSelfServe),
        Row(tier: .pro, issuer: .target, active: 5, expected: .denyLimit),
        Row(tier: .pro, issuer: .orgAdmin, expected: .denyNotMember),
        Row(tier: .pro, issuer: .teamAdmin, expected: .denyNotMember),
        Row(tier: .pro, issuer: .staff, expected: .allowStaff),
        Row(tier: .pro, issuer: .staff, active: 5, expected: .denyLimit),
        Row(tier: .pro, issuer: .target, capabilities: [.view, .add], expected: .denyCapabilityGrant),
        // team: an admin of a team the target belongs to, limit 10
        Row(tier: .team, issuer: .teamAdmin, expected: .allowTeamAdmin),
        Row(tier: .team, issuer: .teamAdmin, active: 9, expected: .allowTeamAdmin),
        Row(tier: .team, issuer: .teamAdmin, active: 10, expected: .denyLimit),
        Row(tier: .team, issuer: .teamViewer, expected: .denyRole),
        Row(tier: .team, issuer: .target, expected: .denyNotMember),
        Row(tier: .team, issuer: .orgAdmin, expected: .denyNotMember),
        Row(tier: .team, issuer: .outsider, expected: .denyNotMember),
        Row(tier: .team, issuer: .staff, expected: .allowStaff),
        Row(tier: .team, issuer: .teamAdmin, capabilities: [.view, .edit], expected: .denyCapabilityGrant),
        // organisation: an admin of an organisation the target belongs to, limit 20
        Row(tier: .organisation, issuer: .orgAdmin, expected: .allowOrgAdmin),
        Row(tier: .organisation, issuer: .orgOwner, expected: .allowOrgOwner),
        Row(tier: .organisation, issuer: .orgAdmin, active: 19, expected: .allowOrgAdmin),
        Row(tier: .organisation, issuer: .orgAdmin, active: 20, expected: .denyLimit),
        Row(tier: .organisation, issuer: .orgCreator, expected: .denyRole),
        Row(tier: .organisation, issuer: .teamAdmin, expected: .denyNotMember),
        Row(tier: .organisation, issuer: .outsider, expected: .denyNotMember),
        Row(tier: .organisation, issuer: .target, expected: .denyNotMember),
        Row(tier: .organisation, issuer: .staff, expected: .allowStaff),
        Row(tier: .organisation, issuer: .orgAdmin, capabilities: [.view, .add, .edit, .delete], context: CheckTick.organisation, expected: .allowOrgAdmin),
        // Capabilities beyond view exist only on keys issued in an organisation (SPEC §2); an
        // organisation admin's key is issued in theirs even when the request names none.
        Row(tier: .organisation, issuer: .orgAdmin, capabilities: [.view, .add, .edit, .delete], expected: .allowOrgAdmin),
        Row(tier: .organisation, issuer: .orgAdmin, capabilities: [.view, .superuser], expected: .denyCapabilityGrant),
        Row(tier: .organisation, issuer: .staff, capabilities: .all, context: CheckTick.organisation, expected: .allowStaff),
        Row(tier: .organisation, issuer: .staff, capabilities: .all, expected: .denyCapabilityGrant),
        Row(tier: .organisation, issuer: .orgAdmin, context: CheckTick.organisation, expected: .allowOrgAdmin),
        Row(tier: .organisation, issuer: .orgAdmin, context: CheckTick.otherOrganisation, expected: .denyNotMember),
        Row(tier: .organisation, issuer: .staff, context: CheckTick.otherOrganisation, expected: .denyNotMember),
        // enterprise: an organisation admin or SSO exchange, unlimited
        Row(tier: .enterprise, issuer: .orgAdmin, expected: .allowOrgAdmin),
        Row(tier: .enterprise, issuer: .orgAdmin, active: 10_000, expected: .allowOrgAdmin),
        Row(tier: .enterprise, issuer: .orgCreator, expected: .denyRole),
        Row(tier: .enterprise, issuer: .target, sso: true, expected: .allowSSO),
        Row(tier: .enterprise, issuer: .target, capabilities: [.view, .add], sso: true, expected: .denyCapabilityGrant),
        Row(tier: .enterprise, issuer: .targetMember, context: CheckTick.organisation, sso: true, expected: .allowSSO),
        Row(tier: .enterprise, issuer: .targetMember, capabilities: [.view, .add], context: CheckTick.organisation, sso: true, expected: .denyCapabilityGrant),
        Row(tier: .enterprise, issuer: .targetMember, capabilities: [.view, .add], context: CheckTick.organisation, sso: true, trust: [.view, .add, .edit], expected: .allowSSO),
        Row(tier: .enterprise, issuer: .targetMember, capabilities: [.view, .superuser], context: CheckTick.organisation, sso: true, trust: .all, expected: .denyCapabilityGrant),
        Row(tier: .enterprise, issuer: .targetMember, capabilities: [.view, .add], context: CheckTick.organisation, trust: [.view, .add], expected: .denyRole),
        Row(tier: .enterprise, issuer: .orgAdmin, sso: true, expected: .denyDefault),
        Row(tier: .organisation, issuer: .target, sso: true, expected: .denyTier),
        Row(tier: .enterprise, issuer: .orgAdmin, capabilities: [.view, .delete], context: CheckTick.organisation, expected: .allowOrgAdmin),
        Row(tier: .enterprise, issuer: .staff, capabilities: [.view, .superuser], context: CheckTick.organisation, expected: .allowStaff),
        // issuers that are refused before any rule
        Row(tier: .pro, issuer: .anonymous, expected: .denyAnonymous),
        Row(tier: .pro, issuer: .freeStaff, expected: .denyTier),
    ]

    @Test("issuer table", arguments: rows)
    func issue(_ row: Row) {
        let request = KeyIssuanceFacts(
            targetUserID: Self.targetID, targetTier: row.tier,
            targetOrganisationIDs: [CheckTick.organisation], targetTeamIDs: [CheckTick.team],
            organisationID: row.context, requestedCapabilities: row.capabilities,
            activeKeyCount: row.active, isSSOExchange: row.sso, ssoCapabilities: row.trust
        )
        let decision = standardEngine.decide(Self.principal(row.issuer), .keyIssue, .keyIssuance(request))
        #expect(decision.code == row.expected, "\(decision)")
        #expect(decision.isAllowed == row.expected.rawValue.hasPrefix("ALLOW_"))
    }

    /// SPEC §2: a key never reaches further than its issuer's authority.
    @Test("issuer authority: the organisation or team a key is confined to")
    func issuerAuthority() {
        func facts(_ tier: Tier, organisations: IDSet = [CheckTick.organisation], teams: IDSet = [CheckTick.team],
                   context: Int64? = nil, team: Int64? = nil, sso: Bool = false) -> KeyIssuanceFacts {
            KeyIssuanceFacts(targetUserID: Self.targetID, targetTier: tier, targetOrganisationIDs: organisations, targetTeamIDs: teams,
                             organisationID: context, teamID: team, isSSOExchange: sso)
        }
        func judge(_ issuer: Principal, _ request: KeyIssuanceFacts) -> (DecisionCode, Confinement?) {
            let decision = standardEngine.decide(issuer, .keyIssue, .keyIssuance(request))
            return (decision.code, decision.isAllowed ? KeyRules.confinement(of: request, by: issuer.user!) : nil)
        }
        let admin = Self.principal(.orgAdmin), owner = Self.principal(.orgOwner), teamAdmin = Self.principal(.teamAdmin)
        let staff = Self.principal(.staff)
        // An organisation admin or owner: always that organisation, named or not.
        #expect(judge(admin, facts(.organisation)) == (.allowOrgAdmin, .organisation(CheckTick.organisation)))
        #expect(judge(owner, facts(.enterprise)) == (.allowOrgOwner, .organisation(CheckTick.organisation)))
        #expect(judge(admin, facts(.enterprise, context: CheckTick.organisation)) == (.allowOrgAdmin, .organisation(CheckTick.organisation)))
        // The target belongs to another organisation too, where the issuer holds no role: still the issuer's.
        let both: IDSet = [CheckTick.organisation, CheckTick.otherOrganisation]
        #expect(judge(admin, facts(.organisation, organisations: both)) == (.allowOrgAdmin, .organisation(CheckTick.organisation)))
        // An admin of two of the target's organisations must name one.
        let twoAdmin = Principal.user(UserPrincipal(userID: 80, tier: .organisation,
                                                    organisationRoles: [CheckTick.organisation: .admin, CheckTick.otherOrganisation: .admin]))
        #expect(judge(twoAdmin, facts(.organisation, organisations: both)).0 == .denyAmbiguousAuthority)
        #expect(judge(twoAdmin, facts(.organisation, organisations: both, context: CheckTick.otherOrganisation))
                == (.allowOrgAdmin, .organisation(CheckTick.otherOrganisation)))
        // A team admin: that team, never an organisation.
        #expect(judge(teamAdmin, facts(.team)) == (.allowTeamAdmin, .team(CheckTick.team)))
        #expect(judge(teamAdmin, facts(.team, team: CheckTick.team)) == (.allowTeamAdmin, .team(CheckTick.team)))
        #expect(judge(teamAdmin, facts(.team, team: 99)).0 == .denyNotMember)
        let twoTeams = Principal.user(UserPrincipal(userID: 81, tier: .team, teamRoles: [CheckTick.team: .admin, 99: .admin]))
        #expect(judge(twoTeams, facts(.team, teams: [CheckTick.team, 99])).0 == .denyAmbiguousAuthority)
        #expect(judge(twoTeams, facts(.team, teams: [CheckTick.team, 99], team: 99)) == (.allowTeamAdmin, .team(99)))
        // Self-service, SSO and staff: what was asked.
        #expect(judge(Self.principal(.target), facts(.pro)) == (.allowSelfServe, nil))
        #expect(judge(Self.principal(.targetMember), facts(.enterprise, context: CheckTick.organisation, sso: true))
                == (.allowSSO, .organisation(CheckTick.organisation)))
        #expect(judge(staff, facts(.organisation)) == (.allowStaff, nil))
        #expect(judge(staff, facts(.organisation, context: CheckTick.organisation)) == (.allowStaff, .organisation(CheckTick.organisation)))
    }

    @Test("limits per tier")
    func limits() {
        #expect(Tier.free.activeKeyLimit == 0)
        #expect(Tier.pro.activeKeyLimit == 5)
        #expect(Tier.team.activeKeyLimit == 10)
        #expect(Tier.organisation.activeKeyLimit == 20)
        #expect(Tier.enterprise.activeKeyLimit == nil)
    }

    static let revokeRows: [(Issuer, Int64?, DecisionCode)] = [
        (.target, CheckTick.organisation, .allowOwner),
        (.orgAdmin, CheckTick.organisation, .allowOrgAdmin),
        (.orgOwner, CheckTick.organisation, .allowOrgOwner),
        (.orgCreator, CheckTick.organisation, .denyNotMember),
        (.orgAdmin, nil, .denyNotMember),
        (.orgAdmin, CheckTick.otherOrganisation, .denyNotMember),
        (.teamAdmin, CheckTick.organisation, .denyNotMember),
        (.staff, nil, .allowStaff),
        (.outsider, CheckTick.organisation, .denyNotMember),
        (.anonymous, nil, .denyAnonymous),
    ]

    @Test("a free-tier admin still revokes the keys they administer; a free-tier stranger does not")
    func freeTierRevocation() {
        let freeAdmin = Principal.user(UserPrincipal(userID: 90, tier: .free, organisationRoles: [CheckTick.organisation: .admin]))
        let key = KeyFacts(ownerID: Self.targetID, organisationID: CheckTick.organisation)
        #expect(standardEngine.decide(freeAdmin, .keyRevoke, .key(key)).code == .allowOrgAdmin)
        let freeOwner = Principal.user(UserPrincipal(userID: Self.targetID, tier: .free))
        #expect(standardEngine.decide(freeOwner, .keyRevoke, .key(KeyFacts(ownerID: Self.targetID))).code == .allowOwner)
        let freeStranger = Principal.user(UserPrincipal(userID: 91, tier: .free))
        #expect(standardEngine.decide(freeStranger, .keyRevoke, .key(key)).code == .denyNotMember)
        #expect(standardEngine.decide(freeAdmin, .keyIssue, .keyIssuance(KeyIssuanceFacts(targetUserID: Self.targetID, targetTier: .organisation))).code == .denyTier)
    }

    @Test("an admin of a team the owner belongs to revokes the owner's keys issued outside any organisation")
    func teamAdminRevocation() {
        let team: Int64 = 77
        let teamAdmin = Principal.user(UserPrincipal(userID: 92, tier: .team, teamRoles: [team: .admin]))
        let teamViewer = Principal.user(UserPrincipal(userID: 93, tier: .team, teamRoles: [team: .viewer]))
        let personal = KeyFacts(ownerID: Self.targetID, ownerTeamIDs: [team])
        #expect(standardEngine.decide(teamAdmin, .keyRevoke, .key(personal)).code == .allowTeamAdmin)
        #expect(standardEngine.decide(teamViewer, .keyRevoke, .key(personal)).code == .denyNotMember)
        #expect(standardEngine.decide(teamAdmin, .keyRevoke, .key(KeyFacts(ownerID: Self.targetID, ownerTeamIDs: [78]))).code == .denyNotMember)
        // A key issued in an organisation belongs to that organisation's admins, not the team's.
        let inOrganisation = KeyFacts(ownerID: Self.targetID, organisationID: CheckTick.organisation, ownerTeamIDs: [team])
        #expect(standardEngine.decide(teamAdmin, .keyRevoke, .key(inOrganisation)).code == .denyNotMember)
    }

    @Test("revocation", arguments: revokeRows)
    func revoke(_ issuer: Issuer, _ organisation: Int64?, _ expected: DecisionCode) {
        let key = KeyFacts(ownerID: Self.targetID, organisationID: organisation)
        #expect(standardEngine.decide(Self.principal(issuer), .keyRevoke, .key(key)).code == expected)
    }
}
