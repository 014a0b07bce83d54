import Policy
import Testing

/// The organisation user-directory rules (SPEC §4).
@Suite("User directory")
struct UserDirectoryTests {
    static let member = DirectoryUserFacts(userID: 50, organisationIDs: [CheckTick.organisation])
    static let stranger = DirectoryUserFacts(userID: 51, organisationIDs: [CheckTick.otherOrganisation])

    static func admin(_ capabilities: Capabilities, keyOrganisation: Int64? = CheckTick.organisation) -> Principal {
        .user(UserPrincipal(userID: CheckTick.orgAdmin, tier: .organisation, capabilities: capabilities,
                            keyOrganisationID: keyOrganisation, organisationRoles: [CheckTick.organisation: .admin]))
    }

    @Test("reads are limited to the key's organisation")
    func reads() {
        let principal = Self.admin(.view)
        #expect(standardEngine.decide(principal, .userList, .collection).code == .allowFiltered)
        #expect(standardEngine.decide(principal, .userRetrieve, .user(Self.member)).code == .allowMember)
        #expect(standardEngine.decide(principal, .userRetrieve, .user(Self.stranger)).code == .denyNotMember)
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
        #expect(standardEngine.decide(superuser, .userDelete, .user(Self.stranger)).code == .denyNotMember)
        #expect(standardEngine.decide(.anonymous, .userList, .collection).code == .denyAnonymous)
    }
}
