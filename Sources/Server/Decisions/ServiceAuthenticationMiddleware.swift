import Hummingbird
import PluginKit
import Vault

/// Admits only backend services to the decision API (SPEC §6): `Authorization: Bearer ct_svc_…`
/// of an active service credential. Anything else — no header, a user's `ct_live_` key, a
/// revoked credential — is 401.
struct ServiceAuthenticationMiddleware: RouterMiddleware {
    typealias Context = LatchkeyRequestContext
    let vault: Vault
    let failures: FailedAuthentications

    static let refused = APIError(
        .unauthorized, detail: "A service credential (Bearer ct_svc_…) is required.",
        headers: [.wwwAuthenticate: #"Bearer realm="decision""#])

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let values = request.headers[values: .authorization]
        guard values.count == 1, let presented = AuthenticationMiddleware<Context>.bearerToken(values[0]) else { throw Self.refused }
        // A database outage propagates; `JSONErrorMiddleware` answers it with 503.
        let credential = try await failures.guarding(clientIP: context.clientIP, credential: presented) {
            guard let credential = try await vault.verifyServiceCredential(presented) else { throw Self.refused }
            return credential
        }
        var context = context
        context.service = credential
        return try await next(request, context)
    }
}
