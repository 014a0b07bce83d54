import Foundation
import Hummingbird
import Policy
import PluginKit
import Tenancy
import Vault

/// The pages of organisation and team admins (SPEC §10). `/org/<slug>/keys` holds the keys
/// issued in the organisation; `/team/<slug>/keys` holds the keys its members hold outside any
/// organisation. Each has **Issue key** for a member and **Revoke**. `/org/<slug>/audit` is the
/// organisation's audit log, and `/org/<slug>/usage` its keys' usage (``registerUsagePages(on:)``).
///
/// Only who manages the organisation's or team's keys (``Policy/UserPrincipal/managesKeys(of:)``:
/// its admins, its owner, staff) sees these pages. For anyone else the organisation or team does
/// not exist (404), and nothing here reaches another one's keys.
extension Console {
    /// An organisation or team whose admin pages are open to the caller, with the caller's
    /// memberships as read for this request.
    struct AdminArea {
        let place: Place
        let viewer: UserPrincipal

        var kind: Place.Kind { place.kind }
        var id: Int64 { place.id }
        var name: String { place.name }
        var path: String { "/\(place.kind.rawValue)/\(place.slug)" }
        /// What the caller may grant on keys issued here (``Policy/KeyRules/grantable(by:in:)``).
        var grantable: [Capability] { KeyRules.grantable(by: viewer, in: place.area) }
    }

    func registerAdminPages(on routes: RouteTable<Context>) {
        for kind in [Place.Kind.organisation, .team] {
            let base = "/\(kind.rawValue)/{slug}/keys"
            routes.on(base, method: .get, .page) { request, context in
                try await administered(kind, request, context) { session, area in
                    try await adminKeysPage(session, area, form: KeyForm(),
                                            outcome: KeysOutcome(notice: request.uri.queryParameters["revoked"].map { _ in "The key is revoked." }))
                }
            }
            routes.on(base, method: .post, .page) { request, context in
                try await administeredForm(kind, request, context) { session, area, submitted in
                    try await issueForMember(session, area, submitted, context)
                }
            }
            routes.on(base + "/{keyID}/revoke", method: .get, .page) { request, context in
                try await administered(kind, request, context) { session, area in
                    guard let (key, owner) = try await areaKey(context, area) else { return notFound(session) }
                    return revokePage(session, key: key, owner: owner, action: "\(area.path)/keys/\(key.id.uuidString.lowercased())/revoke", back: "\(area.path)/keys")
                }
            }
            routes.on(base + "/{keyID}/revoke", method: .post, .page) { request, context in
                try await administeredForm(kind, request, context) { session, area, _ in
                    guard let (key, _) = try await areaKey(context, area) else { return notFound(session) }
                    do {
                        try await vault.revoke(keyID: key.id, by: .userID(session.userID), reason: "revoked in the console", ip: context.clientIP)
                    } catch let error as VaultError {
                        return pages.message("Not revoked", Self.refusal(error), status: Self.status(error), frame: frame(session, title: ""))
                    }
                    return Pages.redirect("\(area.path)/keys?revoked=1")
                }
            }
        }
        routes.on("/org/{slug}/audit", method: .get, .page) { request, context in
            try await administered(.organisation, request, context) { session, area in
                try await auditPage(session, area, action: request.uri.queryParameters["action"].map(String.init) ?? "")
            }
        }
    }

    func issueForMember(_ session: SignedIn, _ area: AdminArea, _ submitted: ConsoleForm, _ context: Context) async throws -> Response {
        let members = try await tenancy.members(of: area.place)
        var form = KeyForm(submitted, offered: area.grantable, types: permissionTypes, organisations: [])
        let member = members.first { $0.username == form.member }
        if member == nil { form.problems["member"] = "Choose a member of \(area.name)." }
        guard let member, let terms = form.terms, form.problems.isEmpty else {
            return try await adminKeysPage(session, area, form: form, members: members,
                                           outcome: KeysOutcome(problem: "The key was not issued: see below.", status: .badRequest))
        }
        do {
            let issued = try await vault.issue(form.request(
                userID: member.id, terms: terms, organisationID: area.kind == .organisation ? area.id : nil, teamID: area.kind == .team ? area.id : nil,
                issuer: session.userID, ip: context.clientIP, selections: dependencies.selections))
            return try await adminKeysPage(session, area, form: KeyForm(), members: members, outcome: KeysOutcome(
                newKey: issued.secret, record: issued.record, notice: "Key “\(issued.record.name)” issued for \(member.username). Hand it over now: it is shown only once.",
                status: .created))
        } catch let error as VaultError {
            return try await adminKeysPage(session, area, form: form, members: members, outcome: KeysOutcome(problem: Self.refusal(error), status: Self.status(error)))
        }
    }

    /// Runs `page` for whoever manages the keys of the organisation or team of the path.
    func administered(_ kind: Place.Kind, _ request: Request, _ context: Context, _ page: (SignedIn, AdminArea) async throws -> Response) async throws -> Response {
        try await signedIn(request, context) { session, _ in
            guard let area = try await administeredArea(kind, context, session) else { return notFoundArea(session) }
            return try await page(session, area)
        }
    }

    /// ``administered(_:_:_:_:)`` for a form, its CSRF token checked first.
    func administeredForm(_ kind: Place.Kind, _ request: Request, _ context: Context, _ page: (SignedIn, AdminArea, ConsoleForm) async throws -> Response) async throws -> Response {
        try await submitted(request, context) { session, form, _ in
            guard let area = try await administeredArea(kind, context, session) else { return notFoundArea(session) }
            return try await page(session, area, form)
        }
    }

    /// The organisation or team of the path, when the caller manages its keys (asked of the
    /// policy, with the caller's memberships read now).
    func administeredArea(_ kind: Place.Kind, _ context: Context, _ session: SignedIn) async throws -> AdminArea? {
        guard let slug = context.parameters.get("slug"),
              let (place, viewer) = try await tenancy.place(kind, slug: slug, viewer: session.userID),
              viewer.managesKeys(of: place.area) else { return nil }
        return AdminArea(place: place, viewer: viewer)
    }

    func notFoundArea(_ session: SignedIn) -> Response {
        pages.message("Not found", "There is nothing here that you administer.", status: .notFound,
                      frame: frame(session, title: ""))
    }

    func areaKeys(_ area: AdminArea) async throws -> [(key: KeyRecord, username: String)] {
        area.kind == .organisation ? try await vault.listKeys(organisationID: area.id) : try await vault.listKeys(teamID: area.id)
    }

    /// The key of the path, when it is one of the area's, with its owner's username.
    func areaKey(_ context: Context, _ area: AdminArea) async throws -> (KeyRecord, String)? {
        guard let text = context.parameters.get("keyID"), let id = UUID(uuidString: text) else { return nil }
        return try await areaKeys(area).first { $0.key.id == id }.map { ($0.key, $0.username) }
    }

    /// The keys page of `area`; `members`, when the request read them already, are not read again.
    func adminKeysPage(_ session: SignedIn, _ area: AdminArea, form: KeyForm, members: [Member]? = nil, outcome: KeysOutcome) async throws -> Response {
        let keys = try await areaKeys(area)
        var data = frame(session, title: "\(area.name): keys")
        data["listTitle"] = .text(area.kind == .organisation ? "Keys issued in \(area.name)" : "Keys of \(area.name)'s members")
        data["showOwner"] = true
        data["keys"] = .list(KeyTable.rows(keys.map { ($0.key, $0.username) }, revokeBase: "\(area.path)/keys"))
        data["hasKeys"] = .flag(!keys.isEmpty)
        if area.kind == .organisation { data["orgNav"] = Self.organisationNavigation(area, current: "keys") }
        data["formAction"] = .text("\(area.path)/keys")
        data["formTitle"] = "Issue a key for a member"
        data["formButton"] = "Issue key"
        var listed = members
        if listed == nil { listed = try await tenancy.members(of: area.place) }
        data["members"] = .list((listed ?? []).map {
            ["username": .text($0.username), "label": .text("\($0.username) (\($0.email))"), "selected": .flag($0.username == form.member)] as PageFields
        })
        data["hasMembers"] = true
        form.fill(&data, offered: area.grantable, types: permissionTypes, outcome: outcome)
        return pages.render("keys", data, status: outcome.status)
    }

    func auditPage(_ session: SignedIn, _ area: AdminArea, action: String) async throws -> Response {
        let actions = try await vault.auditActions(organisationID: area.id)
        let events = try await vault.auditEvents(organisationID: area.id, action: action.isEmpty ? nil : action)
        var data = frame(session, title: "\(area.name): audit log")
        data["orgNav"] = Self.organisationNavigation(area, current: "audit")
        data["action"] = .text("\(area.path)/audit")
        data["actions"] = .list(actions.map { ["name": .text($0), "selected": .flag($0 == action)] as PageFields })
        let rows: [[String: String]] = events.map { event in
            ["at": KeyTable.minute(event.at), "actor": event.actor ?? "operator", "action": event.action,
             "target": event.target ?? "", "ip": event.ip ?? ""]
        }
        data["events"] = .list(rows.map { PageValue.fields($0) })
        data["hasEvents"] = .flag(!rows.isEmpty)
        return pages.render("audit", data)
    }
}
