import Foundation
import Hummingbird
import Policy
import PluginKit
import Postgres
import Vault

/// The pages of organisation and team admins (SPEC §10). `/org/<slug>/keys` holds the keys
/// issued in the organisation; `/team/<slug>/keys` holds the keys its members hold outside any
/// organisation. Each has **Issue key** for a member and **Revoke**. `/org/<slug>/audit` is the
/// organisation's audit log.
///
/// Only the admins of the organisation or team (its owner too, and staff) see these pages. For
/// anyone else the organisation or team does not exist (404), and nothing here reaches another
/// one's keys.
extension Console {
    /// An organisation or team whose admin pages are open to the caller.
    struct AdminArea {
        enum Kind: String { case org, team }
        let kind: Kind
        let id: Int64
        let slug: String, name: String

        var path: String { "/\(kind.rawValue)/\(slug)" }
    }

    func registerAdminPages(on routes: PluginRoutes<Context>) {
        for kind in [AdminArea.Kind.org, .team] {
            let base = "/\(kind.rawValue)/{slug}/keys"
            routes.get(RouterPath(base)) { request, context in
                try await administered(kind, request, context) { session, area in
                    try await adminKeysPage(session, area, form: KeyForm(),
                                            outcome: KeysOutcome(notice: request.uri.queryParameters["revoked"].map { _ in "The key is revoked." }))
                }
            }
            routes.post(RouterPath(base)) { request, context in
                try await administeredForm(kind, request, context) { session, area, submitted in
                    try await issueForMember(session, area, submitted, context)
                }
            }
            routes.get(RouterPath(base + "/{id}/revoke")) { request, context in
                try await administered(kind, request, context) { session, area in
                    guard let (key, owner) = try await areaKey(context, area) else { return notFound(session) }
                    return revokePage(session, key: key, owner: owner, action: "\(area.path)/keys/\(key.id.uuidString.lowercased())/revoke", back: "\(area.path)/keys")
                }
            }
            routes.post(RouterPath(base + "/{id}/revoke")) { request, context in
                try await administeredForm(kind, request, context) { session, area, _ in
                    guard let (key, _) = try await areaKey(context, area) else { return notFound(session) }
                    do {
                        try await vault.revoke(keyID: key.id, by: .user(session.username), reason: "revoked in the console", ip: context.clientIP)
                    } catch let error as VaultError {
                        return pages.message("Not revoked", Self.refusal(error), status: Self.status(error), frame: frame(session, title: ""))
                    }
                    return Pages.redirect("\(area.path)/keys?revoked=1")
                }
            }
        }
        routes.get("/org/{slug}/audit") { request, context in
            try await administered(.org, request, context) { session, area in
                try await auditPage(session, area, action: request.uri.queryParameters["action"].map(String.init) ?? "")
            }
        }
    }

    func issueForMember(_ session: WebSession, _ area: AdminArea, _ submitted: ConsoleForm, _ context: Context) async throws -> Response {
        let members = try await self.members(of: area)
        var form = KeyForm(submitted, offered: Self.grantable(session, area), organisations: [])
        if !members.contains(where: { $0.username == form.member }) { form.problems["member"] = "Choose a member of \(area.name)." }
        guard form.problems.isEmpty else {
            return try await adminKeysPage(session, area, form: form, outcome: KeysOutcome(problem: "The key was not issued: see below.", status: .badRequest))
        }
        let issue = KeyIssueRequest(
            username: form.member, name: form.name, organisationSlug: area.kind == .org ? area.slug : nil,
            teamSlug: area.kind == .team ? area.slug : nil, capabilities: form.granted,
            expiresAt: form.expiresAt, issuer: .user(session.username), via: "console", ip: context.clientIP, allowedCIDRs: form.allowedCIDRs)
        do {
            let issued = try await vault.issue(issue)
            return try await adminKeysPage(session, area, form: KeyForm(), outcome: KeysOutcome(
                newKey: issued.secret, notice: "Key “\(issued.record.name)” issued for \(form.member). Hand it over now: it is shown only once.",
                status: .created))
        } catch let error as VaultError {
            return try await adminKeysPage(session, area, form: form, outcome: KeysOutcome(problem: Self.refusal(error), status: Self.status(error)))
        }
    }

    /// Runs `page` for an admin of the organisation or team of the path (its owner, staff).
    func administered(_ kind: AdminArea.Kind, _ request: Request, _ context: Context, _ page: (WebSession, AdminArea) async throws -> Response) async throws -> Response {
        try await signedIn(request, context) { session, _ in
            guard let area = try await administeredArea(kind, context, session) else { return notFoundArea(session) }
            return try await page(session, area)
        }
    }

    /// ``administered(_:_:_:_:)`` for a form, its CSRF token checked first.
    func administeredForm(_ kind: AdminArea.Kind, _ request: Request, _ context: Context, _ page: (WebSession, AdminArea, ConsoleForm) async throws -> Response) async throws -> Response {
        try await submitted(request, context) { session, form, _ in
            guard let area = try await administeredArea(kind, context, session) else { return notFoundArea(session) }
            return try await page(session, area, form)
        }
    }

    func administeredArea(_ kind: AdminArea.Kind, _ context: Context, _ session: WebSession) async throws -> AdminArea? {
        guard let slug = context.parameters.get("slug") else { return nil }
        let rows = kind == .org
            ? try await pool.query("""
                SELECT o.id, o.slug, o.name FROM organisations o
                WHERE o.slug = \(slug) AND (\(session.isStaff) OR o.owner_id = \(session.userID) OR EXISTS (
                    SELECT 1 FROM organisation_memberships m WHERE m.organisation_id = o.id AND m.user_id = \(session.userID) AND m.role = 'admin'))
                """)
            : try await pool.query("""
                SELECT t.id, t.slug, t.name FROM teams t
                WHERE t.slug = \(slug) AND (\(session.isStaff) OR EXISTS (
                    SELECT 1 FROM team_memberships m WHERE m.team_id = t.id AND m.user_id = \(session.userID) AND m.role = 'admin'))
                """)
        return try rows.first.map { AdminArea(kind: kind, id: try $0.decode(Int64.self, at: 0), slug: try $0.decode(String.self, at: 1), name: try $0.decode(String.self, at: 2)) }
    }

    func notFoundArea(_ session: WebSession) -> Response {
        pages.message("Not found", "There is nothing here that you administer.", status: .notFound,
                      frame: frame(session, title: ""))
    }

    /// The members of the organisation (and its owner) or of the team, by username.
    func members(of area: AdminArea) async throws -> [(username: String, label: String)] {
        let members: PGQuery = area.kind == .org
            ? "SELECT user_id FROM organisation_memberships WHERE organisation_id = \(area.id) UNION SELECT owner_id FROM organisations WHERE id = \(area.id) AND owner_id IS NOT NULL"
            : "SELECT user_id FROM team_memberships WHERE team_id = \(area.id)"
        let rows = try await pool.query("SELECT u.username, u.email FROM users u WHERE u.id IN (\(members)) ORDER BY u.username")
        return try rows.map { row in
            let username = try row.decode(String.self, at: 0)
            return (username, "\(username) (\(try row.decode(String.self, at: 1)))")
        }
    }

    /// What an admin may grant here: in an organisation up to `delete` (`superuser` by staff
    /// only); in a team `view`, as keys outside an organisation hold nothing more (SPEC §2).
    static func grantable(_ session: WebSession, _ area: AdminArea) -> [Capability] {
        guard area.kind == .org else { return [.view] }
        return session.isStaff ? Capability.allCases : [.view, .add, .edit, .delete]
    }

    func areaKeys(_ area: AdminArea) async throws -> [(key: KeyRecord, username: String)] {
        area.kind == .org ? try await vault.listKeys(organisationID: area.id) : try await vault.listKeys(teamID: area.id)
    }

    /// The key of the path, when it is one of the area's, with its owner's username.
    func areaKey(_ context: Context, _ area: AdminArea) async throws -> (KeyRecord, String)? {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else { return nil }
        return try await areaKeys(area).first { $0.key.id == id }.map { ($0.key, $0.username) }
    }

    func adminKeysPage(_ session: WebSession, _ area: AdminArea, form: KeyForm, outcome: KeysOutcome) async throws -> Response {
        let keys = try await areaKeys(area)
        var data = frame(session, title: "\(area.name): keys")
        data["listTitle"] = .text(area.kind == .org ? "Keys issued in \(area.name)" : "Keys of \(area.name)'s members")
        data["showOwner"] = true
        data["keys"] = .list(KeyTable.rows(keys.map { ($0.key, $0.username) }, revokeBase: "\(area.path)/keys"))
        data["hasKeys"] = .flag(!keys.isEmpty)
        if area.kind == .org { data["auditPath"] = .text("\(area.path)/audit") }
        data["formAction"] = .text("\(area.path)/keys")
        data["formTitle"] = "Issue a key for a member"
        data["formButton"] = "Issue key"
        data["members"] = .list(try await members(of: area).map { ["username": .text($0.username), "label": .text($0.label), "selected": .flag($0.username == form.member)] as PageFields })
        data["hasMembers"] = true
        form.fill(&data, offered: Self.grantable(session, area), outcome: outcome)
        return pages.render("keys", data, status: outcome.status)
    }

    func auditPage(_ session: WebSession, _ area: AdminArea, action: String) async throws -> Response {
        let actions = try await pool.query("""
            SELECT DISTINCT action FROM audit_events WHERE organisation_id = \(area.id) ORDER BY action
            """).map { try $0.decode(String.self, at: 0) }
        // An action with a NUL (which PostgreSQL text cannot hold) matches nothing.
        let filter: String? = action.isEmpty ? nil : action.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")
        let rows = try await pool.query("""
            SELECT e.at, u.username, e.action, e.target, e.ip FROM audit_events e LEFT JOIN users u ON u.id = e.actor_id
            WHERE e.organisation_id = \(area.id) AND (\(filter)::text IS NULL OR e.action = \(filter))
            ORDER BY e.at DESC, e.id DESC LIMIT 500
            """)
        var data = frame(session, title: "\(area.name): audit log")
        data["action"] = .text("\(area.path)/audit")
        data["actions"] = .list(actions.map { ["name": .text($0), "selected": .flag($0 == action)] as PageFields })
        let events: [[String: String]] = try rows.map { row in
            ["at": KeyTable.minute(try row.decode(Date.self, at: 0)), "actor": try row.decode(String?.self, at: 1) ?? "operator",
             "action": try row.decode(String.self, at: 2), "target": try row.decode(String?.self, at: 3) ?? "",
             "ip": try row.decode(String?.self, at: 4) ?? ""]
        }
        data["events"] = .list(events.map { PageValue.fields($0) })
        data["hasEvents"] = .flag(!events.isEmpty)
        return pages.render("audit", data)
    }
}
