import Foundation
import Hummingbird
import Policy
import PluginKit
import Tenancy
import Vault

/// **API Keys** (SPEC §10): the user's keys, **Generate new key** (the raw key shown once, in
/// `<code id="new-key">`), and **Revoke** with a confirmation form. Issuance goes through the
/// vault and the `key.issue` policy like every other way in; a refusal is shown in words.
extension Console {
    func registerKeys(on routes: RouteTable<Context>) {
        routes.on("/account/keys", method: .get, .page) { request, context in
            try await signedIn(request, context) { session, _ in
                let notice = request.uri.queryParameters["revoked"].map { _ in "The key is revoked." }
                    ?? request.uri.queryParameters["requested"].map { _ in "Key requested: an admin of the organisation will approve or deny it." }
                return try await accountKeysPage(session, form: KeyForm(), outcome: KeysOutcome(notice: notice))
            }
        }
        routes.on("/account/keys", method: .post, .page) { request, context in
            try await submitted(request, context) { session, submitted, _ in
                let choices = keyChoices(session)
                let form = KeyForm(submitted, offered: choices.capabilities, types: permissionTypes, organisations: choices.organisations.map(\.slug))
                guard let terms = form.terms, form.problems.isEmpty else {
                    return try await accountKeysPage(session, form: form, outcome: KeysOutcome(problem: "The key was not generated: see below.", status: .badRequest))
                }
                do {
                    let issued = try await vault.issue(form.request(
                        userID: session.userID, terms: terms, organisationID: choices.organisations.first { $0.slug == form.organisation }?.id,
                        issuer: session.userID, ip: context.clientIP, selections: dependencies.selections))
                    return try await accountKeysPage(session, form: KeyForm(), outcome: KeysOutcome(
                        newKey: issued.secret, record: issued.record, notice: "Key “\(issued.record.name)” generated. Copy it now: it is shown only once.", status: .created))
                } catch let error as VaultError {
                    return try await accountKeysPage(session, form: form, outcome: KeysOutcome(problem: Self.refusal(error), status: Self.status(error)))
                }
            }
        }
        routes.on("/account/keys/{keyID}/roll", method: .get, .page) { request, context in
            try await signedIn(request, context) { session, _ in
                guard let key = try await ownKey(context, session) else { return notFound(session) }
                return rollPage(session, key: key, grace: String(Vault.defaultGraceHours), problem: nil)
            }
        }
        routes.on("/account/keys/{keyID}/roll", method: .post, .page) { request, context in
            try await submitted(request, context) { session, form, _ in
                guard let key = try await ownKey(context, session) else { return notFound(session) }
                guard let grace = Int(form["grace_hours"]), (0...Vault.longestGraceHours).contains(grace) else {
                    return rollPage(session, key: key, grace: form["grace_hours"], problem: "Give the grace period as whole hours from 0 to 168.")
                }
                do {
                    let rolled = try await vault.roll(keyID: key.id, graceHours: grace, via: "console", ip: context.clientIP)
                    let ends = grace == 0 ? "stopped working now" : "works for \(grace) more hour\(grace == 1 ? "" : "s") at most"
                    return try await accountKeysPage(session, form: KeyForm(), outcome: KeysOutcome(
                        newKey: rolled.secret, record: rolled.record, notice: "Key “\(rolled.record.name)” rolled: copy the new key now, it is shown only once. The old one \(ends).",
                        status: .created))
                } catch let error as VaultError {
                    return pages.message("Not rolled", Self.refusal(error), status: Self.status(error), frame: frame(session, title: ""))
                }
            }
        }
        routes.on("/account/keys/{keyID}/revoke", method: .get, .page) { request, context in
            try await signedIn(request, context) { session, _ in
                guard let key = try await ownKey(context, session) else { return notFound(session) }
                return revokePage(session, key: key, owner: nil, action: "/account/keys/\(key.id.uuidString.lowercased())/revoke", back: "/account/keys")
            }
        }
        routes.on("/account/keys/{keyID}/revoke", method: .post, .page) { request, context in
            try await submitted(request, context) { session, _, _ in
                guard let key = try await ownKey(context, session) else { return notFound(session) }
                do {
                    try await vault.revoke(keyID: key.id, by: .userID(session.userID), reason: "revoked in the console", ip: context.clientIP)
                } catch let error as VaultError {
                    return pages.message("Not revoked", Self.refusal(error), status: Self.status(error), frame: frame(session, title: ""))
                }
                return Pages.redirect("/account/keys?revoked=1")
            }
        }
    }

    func accountKeysPage(
        _ session: SignedIn, form: KeyForm, outcome: KeysOutcome
    ) async throws -> Response {
        let keys = try await ownKeys(session)
        let choices = keyChoices(session)
        var data = frame(session, title: "API Keys")
        data["listTitle"] = "Your keys"
        data["keys"] = .list(try await sparklineRows(keys))
        data["showUsage"] = true
        data["hasKeys"] = .flag(!keys.isEmpty)
        data["formAction"] = "/account/keys"
        data["formTitle"] = "Generate a key"
        data["formButton"] = "Generate new key"
        var organisations: [PageFields] = [["slug": "", "name": "None: a personal key", "selected": .flag(form.organisation.isEmpty)]]
        organisations += choices.organisations.map { ["slug": .text($0.slug), "name": .text($0.name), "selected": .flag($0.slug == form.organisation)] }
        data["organisations"] = .list(organisations)
        data["hasOrganisations"] = .flag(!choices.organisations.isEmpty)
        // Key requests (SPEC §14): the user's own, and a way to ask where approval is required.
        let requests = try await ownRequestRows(session)
        let canRequest = try await !requestable(session).isEmpty
        data["showRequests"] = .flag(canRequest || !requests.isEmpty)
        data["canRequest"] = .flag(canRequest)
        data["ownRequests"] = .list(requests)
        data["hasOwnRequests"] = .flag(!requests.isEmpty)
        form.fill(&data, offered: choices.capabilities, types: permissionTypes, outcome: outcome)
        return pages.render("keys", data, status: outcome.status)
    }

    /// The rows of the user's key list, each key's name linking to its page and with a sparkline
    /// of its uses in the last 30 days (SPEC §13): one usage query for the whole list.
    func sparklineRows(_ keys: [KeyRecord]) async throws -> [PageFields] {
        let range = Self.usageDays()
        let days = range.bucketStarts
        let daily = try await dependencies.usage.daily(keys: keys.map(\.id), range)
        var rows = KeyTable.rows(keys.map { ($0, nil) }, revokeBase: "/account/keys", rollable: true)
        for (index, key) in keys.enumerated() {
            let counts = daily[key.id] ?? []
            let total = counts.reduce(0, +)
            rows[index]["detailPath"] = .text("/account/keys/\(key.id.uuidString.lowercased())")
            rows[index]["spark"] = .markup(UsageChart.sparkline(counts, days: days, title: "\(key.name): \(UsageChart.uses(total)) in the last 30 days"))
        }
        return rows
    }

    /// What the user may pick on their own form: the capabilities they may grant on a key in one
    /// of their organisations (``Policy/KeyRules/grantable(by:inAnyOf:)``), and those organisations.
    func keyChoices(_ session: SignedIn) -> (capabilities: [Capability], organisations: [Place]) {
        let organisations = session.organisations
        return (KeyRules.grantable(by: session.principal, inAnyOf: organisations.map(\.id)), organisations)
    }

    /// The permission types a fine-grained key may name (SPEC §15), as the plugins register them.
    var permissionTypes: [String] { vault.engine.permissionTypes }

    /// The user's keys, newest first: cached (``ConsoleCache``), else read.
    func ownKeys(_ session: SignedIn) async throws -> [KeyRecord] {
        if let cached = cache.keys(userID: session.userID) { return cached }
        let generation = cache.generation
        let keys = try await vault.listKeys(userID: session.userID)
        cache.store(keys: keys, userID: session.userID, readAt: generation)
        return keys
    }

    /// The user's own key named by the `{id}` of the path, if any.
    func ownKey(_ context: Context, _ session: SignedIn) async throws -> KeyRecord? {
        guard let text = context.parameters.get("keyID"), let id = UUID(uuidString: text) else { return nil }
        return try await ownKeys(session).first { $0.id == id }
    }

    func revokePage(_ session: SignedIn, key: KeyRecord, owner: String?, action: String, back: String) -> Response {
        var data = frame(session, title: "Revoke key")
        data["name"] = .text(key.name)
        data["prefix"] = .text(key.prefix)
        data["last4"] = .text(key.last4)
        data["owner"] = PageValue(owner)
        data["action"] = .text(action)
        data["back"] = .text(back)
        return pages.render("revoke", data)
    }

    func rollPage(_ session: SignedIn, key: KeyRecord, grace: String, problem: String?) -> Response {
        var data = frame(session, title: "Roll key")
        data["name"] = .text(key.name)
        data["prefix"] = .text(key.prefix)
        data["last4"] = .text(key.last4)
        data["grace"] = .text(grace)
        data["graceProblem"] = PageValue(problem)
        data["action"] = .text("/account/keys/\(key.id.uuidString.lowercased())/roll")
        data["back"] = .text("/account/keys")
        return pages.render("roll", data, status: problem == nil ? .ok : .badRequest)
    }

    func notFound(_ session: SignedIn) -> Response {
        pages.message("Not found", "There is no such key here.", status: .notFound, frame: frame(session, title: ""))
    }

    /// A vault refusal in words.
    static func refusal(_ error: VaultError) -> String {
        switch error {
        case .denied(let decision): return "Not allowed: " + decision.reasons.joined(separator: " ")
        case .invalidInput(let why): return why.prefix(1).uppercased() + why.dropFirst() + "."
        case .userNotFound: return "There is no such user."
        case .organisationNotFound: return "There is no such organisation."
        case .keyNotFound: return "There is no such key."
        case .serviceNotFound: return "There is no such service credential."
        case .replayed: return "That token was already used."
        case .alreadyRolled: return "That key was already rolled."
        case .passwordHashingBusy: return "Too many passwords are being checked right now. Nothing was changed: try again in a moment."
        case .policyViolation(let why): return why
        case .keyRequestNotFound: return "There is no such key request."
        case .keyRequestClosed(let why): return why.prefix(1).uppercased() + why.dropFirst() + "."
        }
    }

    /// The status the API answers the same refusal with (one mapping: `APIError(_:)`).
    static func status(_ error: VaultError) -> HTTPResponse.Status { APIError(error).status }
}
