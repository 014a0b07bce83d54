import Foundation
import Hummingbird
import Policy
import PluginKit
import Tenancy
import Vault

/// Key requests in the console (SPEC §14). A member who is not an admin of an organisation that
/// requires approval asks at `/account/keys/request` (**Request key**: Name, Expires,
/// capabilities, Allowed addresses, Reason); their requests are listed on `/account/keys`, an
/// approved one with **Collect key**, which issues the key then and shows it once. The
/// organisation's admins decide at `/org/<slug>/requests` (**Approve**, **Deny**, with a note).
/// The vault judges every step (``Vault/requestKey(userID:organisation:terms:capabilities:reason:via:ip:)``
/// and the rest); a refusal is shown in words.
extension Console {
    func registerKeyRequestPages(on routes: RouteTable<Context>) {
        routes.on("/account/keys/request", method: .get, .page) { request, context in
            try await signedIn(request, context) { session, _ in
                try await requestKeyPage(session, form: KeyForm(), reason: "", problem: nil)
            }
        }
        routes.on("/account/keys/request", method: .post, .page) { request, context in
            try await submitted(request, context) { session, submitted, _ in
                let organisations = try await requestable(session)
                let form = KeyForm(submitted, offered: Self.requestableCapabilities, types: [], organisations: organisations.map(\.slug))
                let reason = submitted["reason"]
                let organisation = organisations.first { $0.slug == form.organisation } ?? (organisations.count == 1 ? organisations.first : nil)
                guard let organisation, let terms = form.terms, form.problems.isEmpty else {
                    return try await requestKeyPage(session, form: form, reason: reason, problem: "The key was not requested: see below.")
                }
                do {
                    _ = try await vault.requestKey(userID: session.userID, organisation: .id(organisation.id), terms: terms, capabilities: form.granted,
                                                   reason: reason, via: "console", ip: context.clientIP)
                } catch let error as VaultError {
                    return try await requestKeyPage(session, form: form, reason: reason, problem: Self.refusal(error), status: Self.status(error))
                }
                return Pages.redirect("/account/keys?requested=1")
            }
        }
        routes.on("/account/keys/requests/{requestID}/collect", method: .post, .page) { request, context in
            try await submitted(request, context) { session, _, _ in
                guard let id = context.parameters.get("requestID").flatMap(UUID.init(uuidString:)) else { return notFound(session) }
                do {
                    let issued = try await vault.collectKeyRequest(id, userID: session.userID, via: "console", ip: context.clientIP)
                    return try await accountKeysPage(session, form: KeyForm(), outcome: KeysOutcome(
                        newKey: issued.secret, record: issued.record, notice: "Key “\(issued.record.name)” collected. Copy it now: it is shown only once.",
                        status: .created))
                } catch let error as VaultError {
                    return try await accountKeysPage(session, form: KeyForm(), outcome: KeysOutcome(problem: Self.refusal(error), status: Self.status(error)))
                }
            }
        }
        routes.on("/org/{slug}/requests", method: .get, .page) { request, context in
            try await administered(.organisation, request, context) { session, area in
                try await organisationRequestsPage(session, area, notice: request.uri.queryParameters["decided"].map { "The request is \($0 == "approved" ? "approved" : "denied")." })
            }
        }
        routes.on("/org/{slug}/requests/{requestID}", method: .post, .page) { request, context in
            try await administeredForm(.organisation, request, context) { session, area, form in
                guard let id = context.parameters.get("requestID").flatMap(UUID.init(uuidString:)),
                      ["approve", "deny"].contains(form["decision"]) else { return notFound(session) }
                let approve = form["decision"] == "approve"
                do {
                    _ = try await vault.decideKeyRequest(id, organisationID: area.id, approve: approve, note: form["note"], by: session.userID,
                                                         via: "console", ip: context.clientIP)
                } catch let error as VaultError {
                    return try await organisationRequestsPage(session, area, problem: Self.refusal(error), status: Self.status(error))
                }
                return Pages.redirect("\(area.path)/requests?decided=\(approve ? "approved" : "denied")")
            }
        }
    }

    /// The capabilities a member may ask for: those an organisation admin may grant
    /// (``Policy/KeyRules/mayGrant(_:by:asOrganisationAdmin:)``); `superuser` is staff's alone.
    static var requestableCapabilities: [Capability] { [.view, .add, .edit, .delete] }

    /// The organisations where the user asks for keys rather than generating them: those whose
    /// policy requires approval and which they do not administer.
    func requestable(_ session: SignedIn) async throws -> [Place] {
        var places: [Place] = []
        for place in session.organisations where !session.principal.administersOrganisation(place.id) {
            if try await tenancy.keyPolicy(organisationID: place.id).requireApproval { places.append(place) }
        }
        return places
    }

    func requestKeyPage(
        _ session: SignedIn, form: KeyForm, reason: String, problem: String?, status: HTTPResponse.Status? = nil
    ) async throws -> Response {
        let organisations = try await requestable(session)
        guard !organisations.isEmpty else {
            return pages.message("Nothing to request", "None of your organisations requires approval for keys: generate one on your keys page.",
                                 status: .notFound, link: ("/account/keys", "Your keys"), frame: frame(session, title: ""))
        }
        var data = frame(session, title: "Request a key")
        data["organisations"] = .list(organisations.map { ["slug": .text($0.slug), "name": .text($0.name), "selected": .flag($0.slug == form.organisation)] as PageFields })
        data["reason"] = .text(reason)
        form.fill(&data, offered: Self.requestableCapabilities, types: [], outcome: KeysOutcome(problem: problem))
        return pages.render("key-request", data, status: status ?? (problem == nil ? .ok : .badRequest))
    }

    /// The user's key requests as rows of the keys page, an approved one with **Collect key**.
    func ownRequestRows(_ session: SignedIn) async throws -> [PageFields] {
        try await vault.keyRequests(userID: session.userID).map { request in
            var row = Self.requestFields(request)
            if request.status() == .approved {
                row["collectPath"] = .text("/account/keys/requests/\(request.id.uuidString.lowercased())/collect")
            }
            return row
        }
    }

    func organisationRequestsPage(
        _ session: SignedIn, _ area: AdminArea, notice: String? = nil, problem: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let requests = try await vault.keyRequests(organisationID: area.id)
        var data = frame(session, title: "\(area.name): key requests")
        data["orgNav"] = Self.organisationNavigation(area, current: "requests")
        data["requests"] = .list(requests.map { request in
            var row = Self.requestFields(request)
            if request.status() == .pending { row["decidePath"] = .text("\(area.path)/requests/\(request.id.uuidString.lowercased())") }
            return row
        })
        data["hasRequests"] = .flag(!requests.isEmpty)
        data["notice"] = PageValue(notice)
        data["problem"] = PageValue(problem)
        return pages.render("org-requests", data, status: status)
    }

    /// What a request's row shows: who asked, what for, why, and where it stands.
    static func requestFields(_ request: KeyRequest) -> PageFields {
        let status = request.status()
        return [
            "id": .text(request.id.uuidString.lowercased()), "organisation": .text(request.organisationSlug), "user": .text(request.username),
            "name": .text(request.name), "capabilities": .text(request.capabilities.names.joined(separator: ", ")),
            "allowed": .text(request.allowedCIDRs.map(\.description).joined(separator: ", ")),
            "expires": .text(request.keyExpiresAt.map(KeyTable.day) ?? "never"), "reason": .text(request.reason),
            "status": .text(status.rawValue), "decidedBy": PageValue(request.decidedBy) ?? .text(""), "note": PageValue(request.note) ?? .text(""),
            "asked": .text(KeyTable.minute(request.createdAt)), "until": .text(KeyTable.minute(request.expiresAt)),
        ]
    }
}
