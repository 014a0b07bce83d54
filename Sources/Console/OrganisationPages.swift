import Foundation
import Hummingbird
import Policy
import PluginKit
import Postgres
import Vault

/// The pages of an organisation's admins (SPEC §10): `/org/<slug>/keys`, the keys issued in the
/// organisation, **Issue key** for a member and **Revoke**; `/org/<slug>/audit`, its audit
/// events. Only the organisation's admins and owner (and staff) see them; for anyone else the
/// organisation does not exist (404). Nothing here reaches another organisation's keys.
extension Console {
    struct Organisation {
        let id: Int64
        let slug: String
        let name: String
    }

    func registerOrganisation(on routes: PluginRoutes<Context>) {
        routes.get("/org/{slug}/keys") { request, context in
            try await administered(request, context) { session, organisation in
                try await organisationKeysPage(session, organisation, form: KeyForm(), outcome: KeysOutcome(notice: request.uri.queryParameters["revoked"].map { _ in "The key is revoked." }))
            }
        }
        routes.post("/org/{slug}/keys") { request, context in
            try await administeredForm(request, context) { session, organisation, submitted in
                let members = try await self.members(of: organisation)
                let form = KeyForm(submitted, offered: Self.grantable(session), organisations: [])
                var problems = form.problems
                if !members.contains(where: { $0.username == form.member }) { problems["member"] = "Choose a member of \(organisation.name)." }
                guard problems.isEmpty else {
                    var shown = form
                    shown.problems = problems
                    return try await organisationKeysPage(session, organisation, form: shown,
                                                          outcome: KeysOutcome(problem: "The key was not issued: see below.", status: .badRequest))
                }
                let issue = KeyIssueRequest(
                    username: form.member, name: form.name, organisationSlug: organisation.slug, capabilities: form.granted,
                    expiresAt: form.expiresAt, issuer: .user(session.username), via: "console", ip: context.clientIP)
                do {
                    let issued = try await vault.issue(issue)
                    return try await organisationKeysPage(session, organisation, form: KeyForm(), outcome: KeysOutcome(
                        newKey: issued.secret, notice: "Key “\(issued.record.name)” issued for \(form.member). Hand it over now: it is shown only once.",
                        status: .created))
                } catch let error as VaultError {
                    return try await organisationKeysPage(session, organisation, form: form,
                                                          outcome: KeysOutcome(problem: Self.refusal(error), status: Self.status(error)))
                }
            }
        }
        routes.get("/org/{slug}/keys/{id}/revoke") { request, context in
            try await administered(request, context) { session, organisation in
                guard let (key, owner) = try await organisationKey(context, organisation) else { return notFound(session) }
                let path = "/org/\(organisation.slug)/keys"
                return try await revokePage(session, key: key, owner: owner, action: "\(path)/\(key.id.uuidString.lowercased())/revoke", back: path)
            }
        }
        routes.post("/org/{slug}/keys/{id}/revoke") { request, context in
            try await administeredForm(request, context) { session, organisation, _ in
                guard let (key, _) = try await organisationKey(context, organisation) else { return notFound(session) }
                do {
                    try await vault.revoke(keyID: key.id, by: .user(session.username), reason: "revoked in the console", ip: context.clientIP)
                } catch let error as VaultError {
                    return pages.message("Not revoked", Self.refusal(error), status: Self.status(error), frame: frame(session, title: ""))
                }
                return Pages.redirect("/org/\(organisation.slug)/keys?revoked=1")
            }
        }
        routes.get("/org/{slug}/audit") { request, context in
            try await administered(request, context) { session, organisation in
                try await auditPage(session, organisation, action: request.uri.queryParameters["action"].map(String.init) ?? "")
            }
        }
    }

    /// Runs `page` for an admin or the owner of the organisation of the path (or staff).
    func administered(_ request: Request, _ context: Context, _ page: (WebSession, Organisation) async throws -> Response) async throws -> Response {
        try await signedIn(request, context) { session, _ in
            guard let organisation = try await administeredOrganisation(context, session) else { return notFoundOrganisation(session) }
            return try await page(session, organisation)
        }
    }

    /// ``administered(_:_:_:)`` for a form, its CSRF token checked first.
    func administeredForm(_ request: Request, _ context: Context, _ page: (WebSession, Organisation, ConsoleForm) async throws -> Response) async throws -> Response {
        try await submitted(request, context) { session, form, _ in
            guard let organisation = try await administeredOrganisation(context, session) else { return notFoundOrganisation(session) }
            return try await page(session, organisation, form)
        }
    }

    func administeredOrganisation(_ context: Context, _ session: WebSession) async throws -> Organisation? {
        guard let slug = context.parameters.get("slug") else { return nil }
        let rows = try await pool.query("""
            SELECT o.id, o.slug, o.name FROM organisations o
            WHERE o.slug = \(slug) AND (\(session.isStaff) OR o.owner_id = \(session.userID) OR EXISTS (
                SELECT 1 FROM organisation_memberships m WHERE m.organisation_id = o.id AND m.user_id = \(session.userID) AND m.role = 'admin'))
            """)
        return try rows.first.map { Organisation(id: try $0.decode(Int64.self, at: 0), slug: try $0.decode(String.self, at: 1), name: try $0.decode(String.self, at: 2)) }
    }

    func notFoundOrganisation(_ session: WebSession) -> Response {
        pages.message("Not found", "There is no organisation here that you administer.", status: .notFound,
                      frame: ["signedIn": true, "username": session.username, "csrf": session.csrf])
    }

    /// The organisation's members and owner, by username.
    func members(of organisation: Organisation) async throws -> [(username: String, label: String)] {
        let rows = try await pool.query("""
            SELECT u.username, u.email FROM users u
            WHERE u.id IN (SELECT user_id FROM organisation_memberships WHERE organisation_id = \(organisation.id)
                           UNION SELECT owner_id FROM organisations WHERE id = \(organisation.id) AND owner_id IS NOT NULL)
            ORDER BY u.username
            """)
        return try rows.map { row in
            let username = try row.decode(String.self, at: 0)
            return (username, "\(username) (\(try row.decode(String.self, at: 1)))")
        }
    }

    /// Capabilities an organisation admin may grant: up to `delete`; `superuser` by staff only.
    static func grantable(_ session: WebSession) -> [Capability] {
        session.isStaff ? Capability.allCases : [.view, .add, .edit, .delete]
    }

    /// The key of the path, when it was issued in `organisation`, with its owner's username.
    func organisationKey(_ context: Context, _ organisation: Organisation) async throws -> (KeyRecord, String)? {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else { return nil }
        return try await vault.listKeys(organisationID: organisation.id).first { $0.key.id == id }.map { ($0.key, $0.username) }
    }

    func organisationKeysPage(
        _ session: WebSession, _ organisation: Organisation, form: KeyForm, outcome: KeysOutcome
    ) async throws -> Response {
        let keys = try await vault.listKeys(organisationID: organisation.id)
        let path = "/org/\(organisation.slug)/keys"
        var data = frame(session, title: "\(organisation.name): keys")
        data["listTitle"] = "Keys issued in \(organisation.name)"
        data["showOwner"] = true
        data["keys"] = KeyTable.rows(keys.map { ($0.key, $0.username) }, revokeBase: path)
        data["hasKeys"] = !keys.isEmpty
        data["formAction"] = path
        data["formTitle"] = "Issue a key for a member"
        data["formButton"] = "Issue key"
        data["members"] = try await members(of: organisation).map { ["username": $0.username, "label": $0.label, "selected": $0.username == form.member] as [String: Any] }
        data["hasMembers"] = true
        form.fill(&data, offered: Self.grantable(session), outcome: outcome)
        return pages.render("keys", data, status: outcome.status)
    }

    func auditPage(_ session: WebSession, _ organisation: Organisation, action: String) async throws -> Response {
        let actions = try await pool.query("""
            SELECT DISTINCT action FROM audit_events WHERE organisation_id = \(organisation.id) ORDER BY action
            """).map { try $0.decode(String.self, at: 0) }
        let filter: String? = action.isEmpty ? nil : action
        let rows = try await pool.query("""
            SELECT e.at, u.username, e.action, e.target, e.ip FROM audit_events e LEFT JOIN users u ON u.id = e.actor_id
            WHERE e.organisation_id = \(organisation.id) AND (\(filter)::text IS NULL OR e.action = \(filter))
            ORDER BY e.at DESC, e.id DESC LIMIT 500
            """)
        var data = frame(session, title: "\(organisation.name): audit log")
        data["action"] = "/org/\(organisation.slug)/audit"
        data["actions"] = actions.map { ["name": $0, "selected": $0 == action] as [String: Any] }
        let events: [[String: String]] = try rows.map { row in
            ["at": KeyTable.minute(try row.decode(Date.self, at: 0)), "actor": try row.decode(String?.self, at: 1) ?? "operator",
             "action": try row.decode(String.self, at: 2), "target": try row.decode(String?.self, at: 3) ?? "",
             "ip": try row.decode(String?.self, at: 4) ?? ""]
        }
        data["events"] = events
        data["hasEvents"] = !events.isEmpty
        return pages.render("audit", data)
    }
}
