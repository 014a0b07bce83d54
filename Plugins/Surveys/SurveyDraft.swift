import Foundation
import PluginKit
import Policy
import SurveysPolicy

/// The writable fields of a survey (SPEC §4 writes), read from a request body onto defaults
/// (create) or onto the stored survey (`PUT`, `PATCH`).
struct SurveyDraft: Sendable, Equatable, WriteDraft {
    var name = ""
    var slug = ""
    var description = ""
    var organisationID: Int64?
    var teamID: Int64?
    var status = SurveyStatus.draft
    var startAt: Date?
    var endAt: Date?

    /// Every field a body may carry.
    static let fields: Set<String> = ["name", "slug", "description", "organisation", "team", "status", "start_at", "end_at"]

    init() {}

    init(_ survey: SurveyRecord) {
        name = survey.name
        slug = survey.slug
        description = survey.description
        organisationID = survey.organisationID
        teamID = survey.teamID
        status = SurveyStatus(rawValue: survey.status) ?? .draft
        startAt = survey.startAt
        endAt = survey.endAt
    }

    /// Applies the fields `body` carries; 400 naming the first bad one.
    mutating func apply(_ body: JSONObjectBody) throws {
        try body.string("name", into: &name, maxLength: 200)
        try body.string("slug", into: &slug, maxLength: 100, matching: Self.isSlug, problem: "must be 1 to 100 letters, digits, hyphens or underscores")
        try body.string("description", into: &description)
        try body.optionalID("organisation", into: &organisationID)
        try body.optionalID("team", into: &teamID)
        try body.choice("status", into: &status)
        try body.optionalDate("start_at", into: &startAt)
        try body.optionalDate("end_at", into: &endAt)
        if name.allSatisfy(\.isWhitespace) { throw JSONBody.invalid("'name' must not be blank") }
        if let startAt, let endAt, endAt < startAt { throw JSONBody.invalid("'end_at' must not be before 'start_at'") }
    }

    /// Django's slug: ASCII letters, digits, hyphens and underscores.
    static func isSlug(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte == 0x2d || byte == 0x5f
        }
    }

    /// Whether `user` holds a role in the organisation (a membership, or ownership) and in the
    /// team this draft names, as far as the key reaches (SPEC §2 confinement). Where it holds
    /// none, the answer is 403 whether or not the target exists (SPEC §4: no existence oracle),
    /// so this is judged before anything about the targets is read.
    func holdsRoleInTargets(of user: UserPrincipal) -> Bool {
        if let organisationID, user.organisationRole(organisationID) == nil, !user.ownsOrganisation(organisationID) { return false }
        if let teamID, user.teamRole(teamID) == nil { return false }
        return true
    }

    /// The facts the create rule judges for a survey in this draft's place, owned by `ownerID`.
    func facts(ownerID: Int64, organisationOwnerID: Int64?) -> SurveyFacts {
        SurveyFacts(id: 0, ownerID: ownerID, organisationID: organisationID, organisationOwnerID: organisationOwnerID, teamID: teamID, status: status)
    }
}
