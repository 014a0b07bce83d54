extension UserPrincipal {
    /// The role held in organisation `id`, or `nil` without a membership.
    @inlinable
    public func organisationRole(_ id: Int64) -> OrganisationRole? { organisationRoles[id] }

    /// Whether this user is the `owner` of organisation `id`.
    @inlinable
    public func ownsOrganisation(_ id: Int64) -> Bool { ownedOrganisations.contains(id) }

    /// Whether this user belongs to organisation `id`: any membership, or its owner.
    @inlinable
    public func belongsToOrganisation(_ id: Int64) -> Bool {
        organisationRoles.contains(id) || ownedOrganisations.contains(id)
    }

    /// Whether this user administers organisation `id`: an `admin` membership or its owner.
    @inlinable
    public func administersOrganisation(_ id: Int64) -> Bool {
        organisationRoles[id] == .admin || ownedOrganisations.contains(id)
    }

    /// Whether this user administers team `id`: an `admin` membership.
    @inlinable
    public func administersTeam(_ id: Int64) -> Bool { teamRoles[id] == .admin }

    /// Whether this user administers `area`, an organisation (``administersOrganisation(_:)``)
    /// or a team (``administersTeam(_:)``).
    @inlinable
    public func administers(_ area: Confinement) -> Bool {
        switch area {
        case .organisation(let id): return administersOrganisation(id)
        case .team(let id): return administersTeam(id)
        }
    }

    /// Whether this user manages the keys of `area` (SPEC §10: the admin pages of an
    /// organisation or team): who administers it, and platform staff.
    @inlinable
    public func managesKeys(of area: Confinement) -> Bool { isStaff || administers(area) }

    /// Whether an answer to this principal may name organisation `id` (SPEC §4: no answer names
    /// an organisation the caller cannot see): it belongs to it or to `team`, one of its teams,
    /// and a key issued in another organisation does not reach it.
    public func canSee(organisation id: Int64, team: Int64? = nil) -> Bool {
        switch confinement {
        case nil: break
        case .organisation(let confined): guard confined == id else { return false }
        case .team(let confined): return team == confined && teamRole(confined) != nil
        }
        return belongsToOrganisation(id) || (team.map { teamRole($0) != nil } ?? false)
    }

    /// Whether an answer may name team `id`, of organisation `organisation` (`nil` for a
    /// personal team): a member of the team or of its organisation, within the key's reach.
    public func canSee(team id: Int64, of organisation: Int64?) -> Bool {
        switch confinement {
        case nil: break
        case .organisation(let confined): guard confined == organisation else { return false }
        case .team(let confined): guard confined == id else { return false }
        }
        return teamRole(id) != nil || (organisation.map(belongsToOrganisation) ?? false)
    }

    /// The role held in team `id`, or `nil` without a membership.
    @inlinable
    public func teamRole(_ id: Int64) -> TeamRole? { teamRoles[id] }

    /// Organisations where this user is `admin` or owner, ascending.
    public var administeredOrganisationIDs: [Int64] {
        IDSet(organisationRoles.ids(where: { $0 == .admin }) + ownedOrganisations.ids).ids.map { $0 }
    }

    /// Organisations this user belongs to (any membership, or owner), ascending.
    public var organisationIDs: [Int64] {
        IDSet(organisationRoles.ids + ownedOrganisations.ids).ids.map { $0 }
    }
}

extension UserPrincipal {
    /// The organisations whose audit log a key acting as this principal may read (SPEC §2):
    /// only the key's own organisation, when its user administers it (an `admin` membership or
    /// the owner); none for a key confined to a team or to no organisation.
    public var auditableOrganisationIDs: [Int64] {
        switch confinement {
        case nil, .team: return []
        case .organisation(let id): return administersOrganisation(id) ? [id] : []
        }
    }
}
