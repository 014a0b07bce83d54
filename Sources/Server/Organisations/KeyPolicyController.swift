import Foundation
import Hummingbird
import JSON
import PluginKit
import Tenancy
import Vault

/// `GET|PUT /api/organisations/{slug}/key-policy/` (SPEC §14): an organisation's key policy, for
/// a key confined to it whose user is admin or owner and which holds `superuser`. Any other
/// caller is 403 — another organisation's slug too, whether or not it exists (no existence
/// oracle, as the audit log and usage). `PUT` takes the whole policy; a body with an unknown
/// field or a bad value is 400 naming them, and nothing changes.
struct KeyPolicyController: Sendable {
    let tenancy: Tenancy

    func register(on routes: RouteTable<LatchkeyRequestContext>) {
        let path = "/api/organisations/{slug}/key-policy/"
        routes.on(path, method: .get, .caller, documented: CoreOpenAPI.operation("keyPolicy")) { _, context -> Response in
            let organisation = try Self.administeredOrganisation(context)
            return .json(try await tenancy.keyPolicy(organisationID: organisation))
        }
        routes.on(path, method: .put, .caller, documented: CoreOpenAPI.operation("replaceKeyPolicy")) { request, context -> Response in
            let organisation = try Self.administeredOrganisation(context)
            let policy: KeyPolicy
            do {
                policy = try KeyPolicy(json: try await JSONBody.parse(request, limit: 16 << 10))
            } catch let error as VaultError {
                throw APIError(error)
            }
            let actor = context.caller.verifiedKey?.owner.id
            let now = try await tenancy.setKeyPolicy(policy, organisationID: organisation, actor: actor, via: "api", ip: context.clientIP)
            return .json(now)
        }
    }

    /// The organisation the path names, when the caller may manage its policy; 403 otherwise.
    static func administeredOrganisation(_ context: LatchkeyRequestContext) throws -> Int64 {
        guard let key = context.caller.verifiedKey else { throw APIError.notAuthenticated }
        let slug = context.parameters.get("slug") ?? ""
        guard key.principal.permissions == nil else {
            throw APIError(.forbidden, detail: "A fine-grained key reaches only the resource types its permissions name; the key policy is not one.",
                           code: "DENY_CAPABILITY")
        }
        guard let organisation = key.principal.auditableOrganisationIDs.first, key.organisation?.slug == slug else {
            throw APIError(.forbidden, detail: "Only an admin or owner of this organisation may manage its key policy, with a key issued in it.",
                           code: "DENY_ROLE")
        }
        guard key.principal.capabilities.contains(.superuser) else {
            throw APIError(.forbidden, detail: "Managing the key policy needs a key with the superuser capability.", code: "DENY_CAPABILITY")
        }
        return organisation
    }
}
