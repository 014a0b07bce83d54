import Hummingbird
import PluginKit
import Vault

/// `GET /v1/gateway/check` (SPEC §16): the auth subrequest of nginx `auth_request`, Traefik
/// `ForwardAuth`, Caddy `forward_auth` and Envoy `ext_authz`. Headers in, headers out, no body
/// read: the original request (``GatewayRequest``) needs what its rule says
/// (``GatewayRoutes``); a public one passes at once, anything else needs a key that passes every
/// check the resource API makes — the vault's verification (revocation, expiry, tier, policy
/// block), its IP allowlist, its rate limit — and the rule (``GatewayAccess``).
///
/// 200 carries the identity (``GatewayHeaders``) and the `RateLimit` fields; 401 (with
/// `WWW-Authenticate`), 403 and 429 the usual JSON bodies. Every use of a key is counted by
/// outcome (SPEC §13); failed authentications count against the client's address.
struct GatewayController: Sendable {
    let vault: Vault
    let routes: GatewayRoutes
    let failures: FailedAuthentications
    /// Rate limits (`nil`: throttling off, no `RateLimit` fields).
    let throttle: Throttle?
    let uses: KeyUses

    func register(on table: RouteTable<LatchkeyRequestContext>) {
        table.on("/v1/gateway/check", method: .get, .public, documented: CoreOpenAPI.operation("gatewayCheck")) { request, context in
            try await check(request, context)
        }
    }

    func check(_ request: Request, _ context: LatchkeyRequestContext) async throws -> Response {
        let original = try GatewayRequest(request.headers)
        let (permission, organisation) = routes.requirement(original.method, original.path)
        if permission == .public { return Response(status: .ok, headers: GatewayHeaders.anonymous) }
        guard let presented = original.key else { throw APIError.notAuthenticated }
        let key = try await failures.guarding(clientIP: context.clientIP, credential: presented) {
            try AuthenticationMiddleware<LatchkeyRequestContext>.validKey(
                try await vault.verify(presented), invalid: .invalidKey, uses: uses, from: context.clientIP)
        }
        try AuthenticationMiddleware<LatchkeyRequestContext>.admit(key, from: context, uses: uses)
        return try await uses.serving(key, from: context.clientIP) {
            let rate = try throttle.map { throttle in
                try ThrottleMiddleware<LatchkeyRequestContext>.hit(throttle.limiter(for: key.key), .key(key.key.id))
            } ?? [:]
            if let refusal = GatewayAccess.refusal(of: key.principal, organisation: key.organisation?.slug, permission, about: organisation) {
                var error = APIError.denied(refusal)
                error.headers.append(contentsOf: rate)
                throw error
            }
            var headers = GatewayHeaders.identity(of: key)
            headers.append(contentsOf: rate)
            return Response(status: .ok, headers: headers)
        }
    }
}
