import Foundation
import JSON
import PluginKit
import Policy
import SurveysPolicy
import Postgres

/// One survey as the API shows it (SPEC §4: `id`, `name`, `slug`, `description`, `status`,
/// `start_at`, `end_at`, `organisation`, `team`), plus the facts the policy needs.
struct SurveyRecord: Sendable, JSONWritable {
    var id: Int64
    var name: String
    var slug: String
    var description: String
    var status: String
    var startAt: Date?
    var endAt: Date?
    var organisationID: Int64?
    var teamID: Int64?
    /// Not shown; for the policy.
    var ownerID: Int64
    /// Not shown; for the policy (`nil` when the organisation has no owner, or no organisation).
    var organisationOwnerID: Int64?

    /// The columns ``init(row:from:)`` reads, in order, for a `surveys s` joined to its
    /// `organisations o` (left join).
    static let columns: PGQuery = """
        s.id, s.name, s.slug, s.description, s.status, s.start_at, s.end_at, s.organisation_id, s.team_id, \
        s.owner_id, o.owner_id AS organisation_owner_id
        """

    /// Reads the ``columns`` starting at `first`.
    init(row: PGRow, from first: Int) throws {
        id = try row.decode(Int64.self, at: first)
        name = try row.decode(String.self, at: first + 1)
        slug = try row.decode(String.self, at: first + 2)
        description = try row.decode(String.self, at: first + 3)
        status = try row.decode(String.self, at: first + 4)
        startAt = try row.decode(Date?.self, at: first + 5)
        endAt = try row.decode(Date?.self, at: first + 6)
        organisationID = try row.decode(Int64?.self, at: first + 7)
        teamID = try row.decode(Int64?.self, at: first + 8)
        ownerID = try row.decode(Int64.self, at: first + 9)
        organisationOwnerID = try row.decode(Int64?.self, at: first + 10)
    }

    /// What the survey rules read when `user` asks, who holds `role` in it (if any): the survey
    /// memberships the rules need are the asking user's alone.
    func facts(for user: Int64, role: SurveyRole?) -> SurveyFacts {
        facts(members: role.map { MembershipTable(id: user, role: $0) } ?? MembershipTable())
    }

    /// The facts the rules read, with these survey memberships.
    func facts(members: MembershipTable<SurveyRole>) -> SurveyFacts {
        SurveyFacts(
            id: id,
            ownerID: ownerID,
            organisationID: organisationID,
            organisationOwnerID: organisationOwnerID,
            teamID: teamID,
            status: SurveyStatus(rawValue: status) ?? .draft,
            members: members
        )
    }

    /// Every field, `null` included.
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("id", id)
            json.field("name", name)
            json.field("slug", slug)
            json.field("description", description)
            json.field("status", status)
            json.field("start_at", startAt)
            json.field("end_at", endAt)
            json.field("organisation", organisationID)
            json.field("team", teamID)
        }
    }
}
