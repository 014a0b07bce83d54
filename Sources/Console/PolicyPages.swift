import Foundation
import Hummingbird
import PluginKit
import JSON
import Policy
import Tenancy
import Vault

/// An organisation's key policy in the console (SPEC §14): `/org/<slug>/policy` shows it and
/// **Save policy** replaces it, for whoever administers the organisation's keys (404 for anyone
/// else, as its other admin pages). The form is read into the JSON shape of the API and judged
/// by ``Vault/KeyPolicy/init(json:)``, so a bad value is refused with the API's words; the change
/// goes through ``Tenancy/Tenancy/setKeyPolicy(_:organisationID:actor:via:ip:)`` (audited
/// `policy.updated`, `via` `console`).
extension Console {
    func registerPolicyPages(on routes: RouteTable<Context>) {
        routes.on("/org/{slug}/policy", method: .get, .page) { request, context in
            try await administered(.organisation, request, context) { session, area in
                let policy = try await tenancy.keyPolicy(organisationID: area.id)
                return policyPage(session, area, PolicyForm(policy),
                                  notice: request.uri.queryParameters["saved"].map { _ in "The key policy is saved." })
            }
        }
        routes.on("/org/{slug}/policy", method: .post, .page) { request, context in
            try await administeredForm(.organisation, request, context) { session, area, submitted in
                let form = PolicyForm(submitted)
                do {
                    let policy = try KeyPolicy(json: form.json)
                    try await tenancy.setKeyPolicy(policy, organisationID: area.id, actor: session.userID, via: "console", ip: context.clientIP)
                } catch let error as VaultError {
                    return policyPage(session, area, form, problem: Self.refusal(error), status: Self.status(error))
                }
                return Pages.redirect("\(area.path)/policy?saved=1")
            }
        }
    }

    func policyPage(_ session: SignedIn, _ area: AdminArea, _ form: PolicyForm, notice: String? = nil, problem: String? = nil,
                    status: HTTPResponse.Status = .ok) -> Response {
        var data = frame(session, title: "\(area.name): key policy")
        data["orgNav"] = Self.organisationNavigation(area, current: "policy")
        data["action"] = .text("\(area.path)/policy")
        data["notice"] = PageValue(notice)
        data["problem"] = PageValue(problem)
        form.fill(&data)
        return pages.render("policy", data, status: status)
    }
}

/// The key policy form: what was shown or sent, as text, and its reading as the API's JSON.
struct PolicyForm: Sendable {
    var maxLifetimeDays = ""
    var flags: Set<String> = []
    var limitCapabilities = false
    var capabilities: [String] = []

    /// The yes/no rules, by their JSON names, with their labels.
    static let rules: [(name: String, label: String)] = [
        ("require_expiry", "Require an expiry"),
        ("require_allowed_cidrs", "Require allowed addresses"),
        ("require_approval", "Members who are not admins must ask for keys"),
        ("require_passkey", "Require a passkey as second factor"),
    ]

    init(_ policy: KeyPolicy) {
        maxLifetimeDays = policy.maxLifetimeDays.map(String.init) ?? ""
        let set: [(name: String, on: Bool)] = [("require_expiry", policy.requireExpiry), ("require_allowed_cidrs", policy.requireAllowedCIDRs),
                                               ("require_approval", policy.requireApproval), ("require_passkey", policy.requirePasskey)]
        flags = Set(set.filter { $0.on }.map { $0.name })
        limitCapabilities = policy.maxCapabilities != nil
        capabilities = policy.maxCapabilities?.names ?? []
    }

    init(_ form: ConsoleForm) {
        maxLifetimeDays = form["max_lifetime_days"]
        flags = Set(Self.rules.map(\.name).filter { form[$0] == "true" })
        limitCapabilities = form["limit_capabilities"] == "true"
        capabilities = form.values("max_capabilities")
    }

    /// The form as the API's policy object: an empty lifetime is `null`, digits a number and
    /// anything else text (which the policy refuses in the API's words); capabilities unlimited
    /// are `null`.
    var json: JSONValue {
        var fields: [String: JSONValue] = [:]
        if maxLifetimeDays.isEmpty || maxLifetimeDays.lowercased() == "none" {
            fields["max_lifetime_days"] = .null
        } else if maxLifetimeDays.count <= 6, let days = Int(maxLifetimeDays) {
            fields["max_lifetime_days"] = .number(Double(days))
        } else {
            fields["max_lifetime_days"] = .string(maxLifetimeDays)
        }
        for rule in Self.rules { fields[rule.name] = .bool(flags.contains(rule.name)) }
        fields["max_capabilities"] = limitCapabilities ? .array(capabilities.map(JSONValue.string)) : .null
        return .object(fields)
    }

    func fill(_ data: inout PageFields) {
        data["maxLifetimeDays"] = .text(maxLifetimeDays)
        data["rules"] = .list(Self.rules.map { rule in
            ["name": .text(rule.name), "label": .text(rule.label), "checked": .flag(flags.contains(rule.name))] as PageFields
        })
        data["limitCapabilities"] = .flag(limitCapabilities)
        data["capabilityChoices"] = .list(Capability.allCases.map { capability in
            ["value": .text(capability.rawValue), "checked": .flag(capabilities.contains(capability.rawValue))] as PageFields
        })
    }
}
