import Postgres

/// The organisations and teams (core tables) that writes and proposed objects point at: which
/// exist, who owns each organisation, and which organisation each team belongs to. One query
/// however many are asked about.
public struct WriteTargets: Sendable {
    /// Each existing organisation asked about, with its owner (`nil` for none).
    public var organisationOwners: [Int64: Int64?]
    /// Each existing team asked about, with its organisation (`nil` for a personal team).
    public var teamOrganisations: [Int64: Int64?]

    /// Reads which of `organisations` and `teams` exist.
    public static func load(organisations: [Int64], teams: [Int64], pool: PGPool) async throws -> WriteTargets {
        var found = WriteTargets(organisationOwners: [:], teamOrganisations: [:])
        guard !organisations.isEmpty || !teams.isEmpty else { return found }
        let rows = try await pool.query("""
            SELECT 'o', id, owner_id FROM organisations WHERE id = ANY(\(organisations))
            UNION ALL SELECT 't', id, organisation_id FROM teams WHERE id = ANY(\(teams))
            """)
        for row in rows {
            let id = try row.decode(Int64.self, at: 1)
            let related = try row.decode(Int64?.self, at: 2)
            if try row.decode(String.self, at: 0) == "o" {
                found.organisationOwners[id] = .some(related)
            } else {
                found.teamOrganisations[id] = .some(related)
            }
        }
        return found
    }

    /// Whether `organisation` exists (or is `nil`) and `team` (if any) exists and belongs to it
    /// (SPEC §4: a team of the given organisation, or a personal team with no organisation).
    public func contains(organisation: Int64?, team: Int64?) -> Bool {
        if let organisation, organisationOwners[organisation] == nil { return false }
        guard let team else { return true }
        return teamOrganisations[team].map { $0 == organisation } ?? false
    }

    /// The owner of `organisation`, if it exists and has one.
    public func owner(of organisation: Int64?) -> Int64? {
        organisation.flatMap { organisationOwners[$0] ?? nil }
    }

    /// The owner of `organisation` (if any) once the body's `organisation` and `team` are known
    /// to exist and to fit together; 400 naming the field otherwise. A team that exists in
    /// another organisation gets the same answer as one that does not exist, so the answer
    /// tells nothing of other tenants.
    public static func require(organisation: Int64?, team: Int64?, pool: PGPool) async throws -> Int64? {
        let found = try await load(organisations: organisation.map { [$0] } ?? [], teams: team.map { [$0] } ?? [], pool: pool)
        if let organisation, found.organisationOwners[organisation] == nil {
            throw JSONBody.invalid("'organisation': no organisation has id \(organisation)")
        }
        if let team, !found.contains(organisation: organisation, team: team) {
            throw JSONBody.invalid(organisation == nil
                ? "'team': no personal team has id \(team) (a team of an organisation needs that 'organisation')"
                : "'team': the organisation has no team with id \(team)")
        }
        return found.owner(of: organisation)
    }
}
