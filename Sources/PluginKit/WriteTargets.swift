import Postgres

/// The organisations and teams (core tables) that writes and proposed objects point at: which
/// exist, and who owns each organisation. One query however many are asked about.
public struct WriteTargets: Sendable {
    /// Each existing organisation asked about, with its owner (`nil` for none).
    public var organisationOwners: [Int64: Int64?]
    /// Each existing team asked about.
    public var teams: Set<Int64>

    /// Reads which of `organisations` and `teams` exist.
    public static func load(organisations: [Int64], teams: [Int64], pool: PGPool) async throws -> WriteTargets {
        var found = WriteTargets(organisationOwners: [:], teams: [])
        guard !organisations.isEmpty || !teams.isEmpty else { return found }
        let rows = try await pool.query("""
            SELECT 'o', id, owner_id FROM organisations WHERE id = ANY(\(organisations))
            UNION ALL SELECT 't', id, NULL FROM teams WHERE id = ANY(\(teams))
            """)
        for row in rows {
            let id = try row.decode(Int64.self, at: 1)
            if try row.decode(String.self, at: 0) == "o" {
                found.organisationOwners[id] = .some(try row.decode(Int64?.self, at: 2))
            } else {
                found.teams.insert(id)
            }
        }
        return found
    }

    /// Whether `organisation` and `team` (each optional) both exist.
    public func contains(organisation: Int64?, team: Int64?) -> Bool {
        (organisation.map { organisationOwners[$0] != nil } ?? true) && (team.map(teams.contains) ?? true)
    }

    /// The owner of `organisation`, if it exists and has one.
    public func owner(of organisation: Int64?) -> Int64? {
        organisation.flatMap { organisationOwners[$0] ?? nil }
    }

    /// The owner of `organisation` (if any) once the body's `organisation` and `team` are known
    /// to exist; 400 naming the field otherwise.
    public static func require(organisation: Int64?, team: Int64?, pool: PGPool) async throws -> Int64? {
        let found = try await load(organisations: organisation.map { [$0] } ?? [], teams: team.map { [$0] } ?? [], pool: pool)
        if let organisation, found.organisationOwners[organisation] == nil {
            throw JSONBody.invalid("'organisation': no organisation has id \(organisation)")
        }
        if let team, !found.teams.contains(team) {
            throw JSONBody.invalid("'team': no team has id \(team)")
        }
        return found.owner(of: organisation)
    }
}
