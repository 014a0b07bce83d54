import Policy
import SurveysPolicy
import DatasetsPolicy
import TemplatesPolicy
import UsersDirectoryPolicy
import Testing

/// The organisation user-directory rules (SPEC §4).
@Suite("Users directory rules")
struct UsersDirectoryRulesTests {
    static let member = UsersDirectoryFacts(userID: 50, organisationIDs: [CheckTick.organisation])
    static let stranger = UsersDirectoryFacts(userID: 51, organisationIDs: [CheckTick.otherOrganisation])

    static func admin(_ capabilities: Capabilities, keyOrganisation: Int64? = CheckTick.organisation) -> Principal {
        .user(UserPrincipal(userID: CheckTick.orgAdmin, tier: .organisation, capabilities: capabilities,
                            keyOrganisationID: keyOrganisation, organisationRoles: [CheckTick.organisation: .admin]))
    }

    @Test("reads are limited to the key's organisation")
    func reads() {
        let principal = Self.admin(.view)
        #expect(standardEngine.decide(principal, .userList, .collection).code == .allowFiltered)
        #expect(standardEngine.decide(principal, .userRetrieve, .user(Self.member)).code == .allowMember)
        #expect(standardEngine.decide(principal, .userRetrieve, .user(Self.stranger)).code == .denyOutsideOrganisation)
        let predicate = standardEngine.visibility(principal, for: .userList)
        #expect(predicate == .organisationIn([CheckTick.organisation]))
        #expect(predicate.evaluate(on: Self.member))
        #expect(!predicate.evaluate(on: Self.stranger))
    }

    @Test("an organisation context is required")
    func context() {
        let principal = Self.admin(.view, keyOrganisation: nil)
        #expect(standardEngine.decide(principal, .userList, .collection).code == .denyNoOrganisationContext)
        #expect(standardEngine.visibility(principal, for: .userList) == .none)
        let formerMember = Self.admin(.view, keyOrganisation: CheckTick.otherOrganisation)
        #expect(standardEngine.decide(formerMember, .userList, .collection).code == .denyNotMember)
    }

    @Test("writes need superuser")
    func writes() {
        let plain = Self.admin([.view, .add, .edit, .delete])
        let update = standardEngine.decide(plain, .userUpdate, .user(Self.member))
        #expect(update.code == .denyCapability)
        #expect(update.reasons == ["API key lacks the 'superuser' capability."])
        let superuser = Self.admin([.view, .superuser])
        #expect(standardEngine.decide(superuser, .userUpdate, .user(Self.member)).code == .allowSuperuser)
        #expect(standardEngine.decide(superuser, .userCreate, .collection).code == .allowSuperuser)
        #expect(standardEngine.decide(superuser, .userDelete, .user(Self.stranger)).code == .denyOutsideOrganisation)
        #expect(standardEngine.decide(.anonymous, .userList, .collection).code == .denyAnonymous)
    }

    @Test("writes need an admin or the owner of the key's organisation")
    func writesNeedAnAdmin() {
        let viewer = Principal.user(UserPrincipal(
            userID: CheckTick.orgViewer, tier: .organisation, capabilities: [.view, .superuser],
            keyOrganisationID: CheckTick.organisation, organisationRoles: [CheckTick.organisation: .viewer]))
        #expect(standardEngine.decide(viewer, .userRetrieve, .user(Self.member)).isAllowed)
        #expect(standardEngine.decide(viewer, .userCreate, .collection).code == .denyRole)
        #expect(standardEngine.decide(viewer, .userUpdate, .user(Self.member)).code == .denyRole)
        #expect(standardEngine.decide(viewer, .userDelete, .user(Self.member)).code == .denyRole)
        let owner = Principal.user(UserPrincipal(
            userID: CheckTick.orgOwner, tier: .organisation, capabilities: [.view, .superuser],
            keyOrganisationID: CheckTick.organisation, ownedOrganisations: [CheckTick.organisation]))
        #expect(standardEngine.decide(owner, .userUpdate, .user(Self.member)).code == .allowSuperuser)
    }

    @Test("nobody changes their own role or activity, nor leaves; staff and the owner are not edited")
    func protectedTargets() {
        let superuser = Self.admin([.view, .superuser])
        func me(_ changes: UsersDirectoryChanges) -> Resource {
            .user(UsersDirectoryFacts(userID: CheckTick.orgAdmin, organisationIDs: [CheckTick.organisation], changes: changes))
        }
        #expect(standardEngine.decide(superuser, .userUpdate, me(.role)).code == .denyRole)
        #expect(standardEngine.decide(superuser, .userUpdate, me(.activity)).code == .denyRole)
        #expect(standardEngine.decide(superuser, .userUpdate, me(.profile)).code == .allowSuperuser)
        #expect(standardEngine.decide(superuser, .userDelete, me([])).code == .denyRole)
        let staff = UsersDirectoryFacts(userID: 60, organisationIDs: [CheckTick.organisation], isStaff: true, changes: .profile)
        #expect(standardEngine.decide(superuser, .userUpdate, .user(staff)).code == .denyRole)
        #expect(standardEngine.decide(superuser, .userDelete, .user(staff)).code == .denyRole)
        let owner = UsersDirectoryFacts(userID: CheckTick.orgOwner, organisationIDs: [CheckTick.organisation],
                                       ownedOrganisationIDs: [CheckTick.organisation], changes: .role)
        #expect(standardEngine.decide(superuser, .userUpdate, .user(owner)).code == .denyRole)
        #expect(standardEngine.decide(superuser, .userDelete, .user(owner)).code == .denyRole)
    }

    @Test("account-wide fields change only for accounts of this organisation alone")
    func sharedAccounts() {
        let superuser = Self.admin([.view, .superuser])
        func shared(_ changes: UsersDirectoryChanges) -> Resource {
            .user(UsersDirectoryFacts(userID: 70, organisationIDs: [CheckTick.organisation, CheckTick.otherOrganisation], changes: changes))
        }
        #expect(standardEngine.decide(superuser, .userUpdate, shared(.profile)).code == .denySharedAccount)
        #expect(standardEngine.decide(superuser, .userUpdate, shared(.activity)).code == .denySharedAccount)
        #expect(standardEngine.decide(superuser, .userUpdate, shared(.role)).code == .allowSuperuser)
        #expect(standardEngine.decide(superuser, .userDelete, shared([])).code == .allowSuperuser)
        var single = Self.member
        single.changes = [.profile, .activity]
        #expect(standardEngine.decide(superuser, .userUpdate, .user(single)).code == .allowSuperuser)
    }
}
