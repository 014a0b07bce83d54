import Foundation
import HTTPTypes
import Surveys
import Testing
import TestSupport

extension ServerWorld {
    /// Inserts a survey (published, starting 2026-11-20T10:00:00Z) with `members` in its roles.
    @discardableResult
    public func survey(
        _ slug: String, owner: Int64, organisation: Int64? = nil, team: Int64? = nil,
        status: String = "published", members: [(Int64, String)] = []
    ) async throws -> Int64 {
        let id = try await pool.query("""
            INSERT INTO surveys (name, slug, description, owner_id, organisation_id, team_id, status, start_at)
            VALUES (\(slug.uppercased()), \(slug), \("About " + slug), \(owner), \(organisation), \(team), \(status),
                    '2026-11-20 10:00:00+00')
            RETURNING id
            """)[0].decode(Int64.self, at: 0)
        try await insert(members) { "INSERT INTO survey_memberships (survey_id, user_id, role) VALUES (\(id), \($0), \($1))" }
        return id
    }
}

/// Twelve surveys, most in an organisation (some in one of its teams), the rest personal, with
/// random members. A survey of elsewhere is refused 403 (SPEC §4: its existence is no secret).
extension SurveysPlugin: RandomWorldPlugin {
    public func seedRandomWorld(_ world: ServerWorld, _ tenants: RandomTenants, _ random: inout SplitMix64) async throws -> [PlacedObject] {
        var placed: [PlacedObject] = []
        for index in 0..<12 {
            let organisation = random.chance(0.75) ? tenants.organisations.randomElement(using: &random) : nil
            let members = tenants.users.filter { _ in random.chance(0.2) }.map { ($0, ["creator", "editor", "viewer"].randomElement(using: &random)!) }
            let team = tenants.team(for: organisation, &random)
            let id = try await world.survey("s\(index)", owner: tenants.users.randomElement(using: &random)!, organisation: organisation,
                                            team: team, members: members)
            placed.append(PlacedObject(.survey, id: String(id), organisations: Set([organisation].compactMap { $0 }), team: team))
        }
        return placed
    }

    public var hiddenObjectStatuses: Set<HTTPResponse.Status> { [.forbidden] }
    public var updateBody: String { #"{"name":"taken"}"# }

    /// Pages list the same surveys; a survey created in another organisation is refused.
    public func isolationChecks(_ caller: IsolatedCaller) async throws -> Int {
        #expect(try await caller.send("/api/surveys/?limit=100").ids == caller.send("/api/surveys/").ids)
        let elsewhere = caller.tenants.organisations.filter { $0 != caller.home }
        for other in elsewhere {
            let create = try await caller.send("/api/surveys/", .post, body: #"{"name":"x","slug":"x-\#(other)","organisation":\#(other)}"#)
            #expect(create.status == .forbidden)
        }
        return 2 + elsewhere.count
    }
}
