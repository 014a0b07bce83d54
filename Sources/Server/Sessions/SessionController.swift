import Hummingbird
import PluginKit
import Postgres
import Vault

/// Session login (SPEC §5): `POST /api/auth/login/` (and its legacy alias `POST /api/token`)
/// trades an API key for a session token; `GET /api/auth/status/` describes the session of
/// `authtoken`; `POST /api/auth/logout/` ends it.
///
/// Refusals here say `"auth":"logged_out"` beside the usual `detail`. Login and the legacy alias
/// are throttled per IP (anonymous rate, and the legacy rate for `/api/token`); status and
/// logout per IP at the anonymous rate, since they run before the key is known.
struct SessionController: Sendable {
    let vault: Vault
    let pool: PGPool
    let lifetime: Duration
    let throttle: Throttle?
    let failures: FailedAuthentications
    let uses: KeyUses

    func register(on routes: RouteTable<LatchkeyRequestContext>) {
        let perCaller = ThrottleMiddleware<LatchkeyRequestContext>.perCaller(throttle)
        let legacy: [any MiddlewareProtocol<Request, Response, LatchkeyRequestContext>] = throttle.map { [ThrottleMiddleware(throttle: $0, scope: .legacyToken)] } ?? []
        routes.on("/api/auth/login/", method: .post, .public, documented: CoreOpenAPI.operation("login"), through: perCaller) { request, context in
            try await loggedOutOnError { try await login(request, context) }
        }
        routes.on("/api/auth/status/", method: .get, .caller, documented: CoreOpenAPI.operation("sessionStatus"), through: perCaller) { request, context in
            try await loggedOutOnError { try await status(request, context) }
        }
        routes.on("/api/auth/logout/", method: .post, .caller, documented: CoreOpenAPI.operation("logout"), through: perCaller) { request, context in
            try await loggedOutOnError { try await logout(request, context) }
        }
        routes.on("/api/token", method: .post, .public, documented: CoreOpenAPI.operation("legacyLogin"), through: legacy) { request, context in
            try await loggedOutOnError { try await login(request, context) }
        }
    }

    /// Exchanges `{"apikey": …}` for a session: 200 with the profile and `token-id`; a key the
    /// resource API would refuse is refused the same way.
    func login(_ request: Request, _ context: LatchkeyRequestContext) async throws -> Response {
        let body = try await JSONObjectBody.read(from: request, allowed: ["apikey"], limit: 4096)
        try body.require("apikey")
        var presented = ""
        // Any string is a key to check (the body's limit bounds it): a long one is a bad key, 401.
        try body.string("apikey", into: &presented, maxLength: 4096)
        let key = try await failures.guarding(clientIP: context.clientIP, credential: presented) {
            try AuthenticationMiddleware<LatchkeyRequestContext>.validKey(
                try await vault.verify(presented), invalid: .invalidKey, uses: uses, from: context.clientIP)
        }
        try AuthenticationMiddleware<LatchkeyRequestContext>.admit(key, from: context, uses: uses)
        return try await uses.serving(key, from: context.clientIP) {
            let started = try await vault.startSession(for: key, lifetime: lifetime, ip: context.clientIP)
            return try await profileResponse(key, started.session, token: started.token)
        }
    }

    /// The session of `authtoken`, described as at login (without the token itself).
    func status(_ request: Request, _ context: LatchkeyRequestContext) async throws -> Response {
        let (key, session) = try await requireSession(request, context)
        return try await profileResponse(key, session, token: nil)
    }

    /// Ends the session of `authtoken`: 200 `{"auth":"logged_out"}`; the token is dead at once.
    func logout(_ request: Request, _ context: LatchkeyRequestContext) async throws -> Response {
        let (key, session) = try await requireSession(request, context)
        try await vault.endSession(session, of: key, ip: context.clientIP)
        return .json(body: ByteBuffer(string: #"{"auth":"logged_out"}"#))
    }

    private func requireSession(_ request: Request, _ context: LatchkeyRequestContext) async throws -> (VerifiedKey, SessionRecord) {
        guard request.headers[values: .authorization].isEmpty else {
            throw APIError(.badRequest, detail: "Send the session's authtoken header, not an API key.", code: "SESSION_REQUIRED")
        }
        let caller = try await failures.guarding(clientIP: context.clientIP, credential: AuthenticationMiddleware<LatchkeyRequestContext>.presentedCredential(request)) {
            try await AuthenticationMiddleware<LatchkeyRequestContext>.authenticate(request, vault: vault, uses: uses, from: context.clientIP)
        }
        switch caller {
        case .session(let key, let session):
            try AuthenticationMiddleware<LatchkeyRequestContext>.admit(key, from: context, uses: uses)
            uses.count(.valid, key, from: context.clientIP)
            return (key, session)
        case .anonymous, .key: throw APIError.notAuthenticated
        }
    }

    private func profileResponse(_ key: VerifiedKey, _ session: SessionRecord, token: String?) async throws -> Response {
        guard let profile = try await SessionProfile.load(for: key, session: session, token: token, pool: pool) else {
            throw APIError.invalidSession
        }
        return .json(profile)
    }

    /// Runs `body`, answering an ``APIError`` with `{"auth":"logged_out","detail":…}`. Every
    /// answer is `Cache-Control: no-store`: a session's token and CSRF token are secrets (SPEC §7).
    private func loggedOutOnError(_ body: () async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await body()
        } catch let error as APIError {
            response = error.response(leading: ("auth", "logged_out"))
        }
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
