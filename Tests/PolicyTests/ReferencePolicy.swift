import Policy
import SurveysPolicy
import DatasetsPolicy
import TemplatesPolicy
import UsersDirectoryPolicy

/// A deliberately naive reading of SPEC §2 and §4, written from the SPEC text alone: it answers
/// allow/deny from the world's raw membership lists (not from a principal's tables) with plain
/// linear searches, and knows nothing of codes, gates or rule sets.
struct ReferencePolicy {
    let world: World

    func allowed(_ me: World.User?, capabilities: Capabilities, keyOrganisation: Int64?, keyTeam: Int64? = nil, _ action: String, _ resource: Resource) -> Bool {
        guard let me else {
            // Anonymous: datasets only, and only active global ones.
            if action == "dataset.list" { return true }
            if action == "dataset.retrieve", case .dataset(let d) = resource.known { return d.isActive && d.isGlobal }
            return false
        }
        // "No API access" on the free tier, but an admin on any tier still revokes the keys they administer.
        if me.tier == .free && action != "key.revoke" { return false }

        func orgRole(_ org: Int64) -> OrganisationRole? {
            world.organisationMembers.first { $0.organisation == org && $0.user == me.id }?.role
        }
        func ownsOrg(_ org: Int64) -> Bool { world.organisations.contains { $0.id == org && $0.ownerID == me.id } }
        func inOrg(_ org: Int64) -> Bool { orgRole(org) != nil || ownsOrg(org) }
        func adminOrOwner(_ org: Int64?) -> Bool { org.map { orgRole($0) == .admin || ownsOrg($0) } ?? false }
        func teamRole(_ team: Int64?) -> TeamRole? {
            world.teamMembers.first { $0.team == team && $0.user == me.id }?.role
        }
        func surveyRole(_ survey: Int64) -> SurveyRole? {
            world.surveyMembers.first { $0.survey == survey && $0.user == me.id }?.role
        }
        let view = capabilities.contains(.view)

        // SPEC §2: a key issued in an organisation reaches that organisation's objects and
        // global ones, nothing else.
        if let home = keyOrganisation {
            let inside: Bool
            switch resource.known {
            case .collection: inside = true
            case .survey(let s): inside = s.organisationID == home
            case .dataset(let d): inside = d.isGlobal || d.organisationID == home
            case .template(let t): inside = t.level == .global || (t.level == .organisation && t.organisationID == home)
            case .user(let u): inside = u.organisationIDs.ids.contains(home)
            case .key(let k): inside = k.organisationID == home
            case .keyIssuance(let r): inside = r.organisationID == home
            case .other: inside = false
            }
            if !inside { return false }
        }
        // A key a team admin issued reaches the team's objects and global ones, nothing else.
        if let team = keyTeam {
            let inside: Bool
            switch resource.known {
            case .collection: inside = true
            case .survey(let s): inside = s.teamID == team
            case .dataset(let d): inside = d.isGlobal || d.teamID == team
            case .template(let t): inside = t.level == .global
            case .user: inside = false
            case .key(let k): inside = k.teamID == team
            case .keyIssuance(let r): inside = r.teamID == team
            case .other: inside = false
            }
            if !inside { return false }
        }

        switch (action, resource.known) {
        case ("survey.list", _), ("dataset.list", _), ("template.list", _):
            return view
        case ("survey.retrieve", .survey(let s)), ("survey.metrics", .survey(let s)):
            return view && (s.ownerID == me.id || adminOrOwner(s.organisationID) || teamRole(s.teamID) == .admin || surveyRole(s.id) != nil)
        case ("survey.update", .survey(let s)):
            return capabilities.contains(.edit) && (s.ownerID == me.id || adminOrOwner(s.organisationID)
                || teamRole(s.teamID) == .admin || surveyRole(s.id) == .creator || surveyRole(s.id) == .editor)
        case ("survey.delete", .survey(let s)):
            return capabilities.contains(.delete) && (s.ownerID == me.id || adminOrOwner(s.organisationID))
        case ("survey.create", .survey(let s)):
            let orgOK = s.organisationID.map { ownsOrg($0) || orgRole($0) == .admin || orgRole($0) == .creator } ?? true
            let teamOK = s.teamID == nil || teamRole(s.teamID) == .admin || teamRole(s.teamID) == .creator
            return capabilities.contains(.add) && s.ownerID == me.id && orgOK && teamOK
        case ("dataset.retrieve", .dataset(let d)):
            let mine = d.createdBy == me.id && d.organisationID == nil && d.teamID == nil
            return view && d.isActive && (d.isGlobal || (d.organisationID.map(inOrg) ?? false) || teamRole(d.teamID) != nil || mine)
        case ("dataset.create", .dataset(let d)), ("dataset.update", .dataset(let d)), ("dataset.delete", .dataset(let d)):
            let needed: Capability = action == "dataset.create" ? .add : action == "dataset.update" ? .edit : .delete
            guard capabilities.contains(needed), d.category != .nhsDD, !d.isGlobal, let org = d.organisationID else { return false }
            return ownsOrg(org) || orgRole(org) == .admin || orgRole(org) == .creator
        case ("template.retrieve", .template(let t)):
            return view && t.status == .active && (t.level == .global || (t.organisationID.map(inOrg) ?? false))
        case ("user.list", _):
            return view && keyOrganisation.map(inOrg) == true
        case ("user.retrieve", .user(let u)):
            return view && keyOrganisation.map(inOrg) == true && u.organisationIDs.contains(keyOrganisation!)
        case ("user.create", _):
            return capabilities.contains(.superuser) && adminOrOwner(keyOrganisation)
        case ("user.update", .user(let u)), ("user.delete", .user(let u)):
            guard capabilities.contains(.superuser), let home = keyOrganisation, adminOrOwner(home),
                  u.organisationIDs.ids.contains(home) else { return false }
            // Never staff, never the owner; nobody changes their own role or activity, or leaves;
            // account-wide fields only when this is the account's only organisation.
            let owner = world.organisations.contains { $0.id == home && $0.ownerID == u.userID }
            let isStaff = world.users.contains { $0.id == u.userID && $0.isStaff }
            if isStaff || owner { return false }
            let touchesSelf = u.changes.contains(.role) || u.changes.contains(.activity)
            if u.userID == me.id && (action == "user.delete" || touchesSelf) { return false }
            let accountWide = u.changes.contains(.activity) || u.changes.contains(.profile)
            return !(action == "user.update" && accountWide && u.organisationIDs.ids.count > 1)
        case ("key.revoke", .key(let k)):
            let teamAdmin = k.organisationID == nil && world.teamMembers.contains { $0.user == k.ownerID && teamRole($0.team) == .admin }
            return k.ownerID == me.id || adminOrOwner(k.organisationID) || teamAdmin || me.isStaff
        case ("key.issue", .keyIssuance(let r)):
            let tier = r.targetTier
            if tier == .free { return false }
            if let ctx = r.organisationID, !r.targetOrganisationIDs.ids.contains(ctx) { return false }
            if let ctx = r.organisationID, !me.isStaff, !inOrg(ctx) { return false }  // no keys into a foreign organisation
            let candidateOrgs = r.organisationID.map { [$0] } ?? Array(r.targetOrganisationIDs.ids)
            // SPEC §2 issuer authority: an organisation admin issues through exactly one
            // organisation (the key is confined to it), a team admin through exactly one team.
            let adminOrgs = candidateOrgs.filter { adminOrOwner($0) }
            let adminTeams = r.targetTeamIDs.ids.filter { teamRole($0) == .admin }
            let mayIssue: Bool
            var confinedOrg: Int64? = r.organisationID
            if r.isSSOExchange {
                mayIssue = tier == .enterprise && me.id == r.targetUserID
            } else {
                switch tier {
                case .free: mayIssue = false
                case .pro: mayIssue = me.isStaff || me.id == r.targetUserID
                case .team:
                    let teamAdmin = adminTeams.count == 1 && r.organisationID == nil
                    mayIssue = me.isStaff || teamAdmin
                    if teamAdmin { confinedOrg = nil }
                case .organisation, .enterprise:
                    mayIssue = me.isStaff || adminOrgs.count == 1
                    if adminOrgs.count == 1 { confinedOrg = adminOrgs[0] }
                }
            }
            let extra = r.requestedCapabilities.subtracting(.view)
            let writes = extra.subtracting(.superuser)
            let capabilitiesOK = extra.isEmpty || ((tier == .organisation || tier == .enterprise) && confinedOrg != nil
                && (!extra.contains(.superuser) || me.isStaff)
                && (r.isSSOExchange ? r.ssoCapabilities.isSuperset(of: writes) : (writes.isEmpty || me.isStaff || adminOrgs.count == 1)))
            let limits: [Tier: Int] = [.pro: 5, .team: 10, .organisation: 20]
            let underLimit = limits[tier].map { r.activeKeyCount < $0 } ?? true
            return mayIssue && capabilitiesOK && underLimit
        default:
            return false
        }
    }
}
