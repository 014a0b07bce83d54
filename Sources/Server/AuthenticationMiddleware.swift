import Hummingbird
import Logging
import PluginKit
import Vault

/// Establishes the caller from the request's credentials (SPEC §3).
///
/// `Authorization: Bearer ct_live_…` is checked by the vault: a malformed, unknown or revoked
/// key, or one of an inactive user → 401 "Invalid API key."; an expired key → 401 "API key has
/// expired."; a valid key of a free-tier user → 403. Any other `Authorization` value is refused
/// as an invalid key rather than silently ignored. `authtoken: <token>` is a session, which
/// acts as its key and dies with it. A key with an IP allowlist used from another client address
/// (after trusted proxies) → 403 `IP_NOT_ALLOWED`, its sessions likewise. No credentials →
/// anonymous; each route decides whether it serves anonymous callers. A database outage propagates; `JSONErrorMiddleware` answers 503.
///
/// Failed authentications count against the client's address (``FailedAuthentications``).
struct AuthenticationMiddleware<Context: PluginRequestContext>: RouterMiddleware {
    let vault: Vault
    let failures: FailedAuthentications
    let uses: KeyUses

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.carriesCredentials(request) else { return try await next(request, context) }
        var context = context
        context.caller = try await failures.guarding(clientIP: context.clientIP, credential: Self.presentedCredential(request)) {
            try await Self.authenticate(request, vault: vault, uses: uses, from: context.clientIP)
        }
        guard let key = context.caller.verifiedKey else { return try await next(request, context) }
        try Self.admit(key, from: context, uses: uses)
        return try await uses.serving(key, from: context.clientIP) { try await next(request, context) }
    }

    /// Whether the request presents a key or a session (anything else is anonymous).
    static func carriesCredentials(_ request: Request) -> Bool {
        request.headers.contains(.authorization) || request.headers.contains(HeaderName.authToken)
    }

    /// The credential `request` presents, as ``authenticate(_:vault:)`` reads it: the Bearer
    /// token (or the whole `Authorization` value when it is none), else the `authtoken`.
    static func presentedCredential(_ request: Request) -> String {
        if let authorization = request.headers[.authorization] { return bearerToken(authorization) ?? authorization }
        return request.headers[HeaderName.authToken] ?? ""
    }

    /// The caller `request` speaks for; throws the 401/403 ``APIError`` for bad credentials,
    /// counting the use of a key refused (``KeyUses``) from client `address`. A Bearer key wins
    /// over an `authtoken` when both are sent.
    static func authenticate(_ request: Request, vault: Vault, uses: KeyUses, from address: String?) async throws -> Caller {
        let values = request.headers[values: .authorization]
        if values.isEmpty {
            let tokens = request.headers[values: HeaderName.authToken]
            guard !tokens.isEmpty else { return .anonymous }
            guard tokens.count == 1 else { throw APIError.invalidSession }
            let verification = try await vault.verifySession(tokens[0])
            guard let session = verification.session else { throw APIError.invalidSession }
            return .session(try validKey(verification.key, invalid: .invalidSession, uses: uses, from: address), session)
        }
        guard values.count == 1, let presented = bearerToken(values[0]) else { throw APIError.invalidKey }
        return .key(try validKey(try await vault.verify(presented), invalid: .invalidKey, uses: uses, from: address))
    }

    /// The key of a valid verification, else the error SPEC §3 gives for its status (the use of
    /// a key found but refused counted from client `address`).
    static func validKey(_ verification: KeyVerification, invalid: APIError, uses: KeyUses, from address: String?) throws -> VerifiedKey {
        if verification.status != .valid { uses.count(verification, from: address) }
        switch verification.status {
        case .valid:
            guard let key = verification.found else { throw invalid }
            return key
        case .expired:
            throw APIError.expiredKey
        case .tierNoAPIAccess:
            throw APIError.freeTier
        case .ipNotAllowed:
            throw APIError.ipNotAllowed
        case .policyBlocked:
            throw APIError.policyBlocked(verification.found?.policyBlock)
        case .malformed, .notFound, .revoked, .userInactive:
            throw invalid
        }
    }

    /// Refuses (403 `IP_NOT_ALLOWED`, a use counted as such) a key with an IP allowlist used
    /// from outside it. (Not in ``validKey(_:invalid:uses:from:)``: only 401s count as failed
    /// authentications.)
    static func admit(_ key: VerifiedKey, from context: some PluginRequestContext, uses: KeyUses) throws {
        guard key.key.allowedCIDRs.admit(context.clientAddress) else {
            uses.count(.ipNotAllowed, key, from: context.clientIP)
            throw APIError.ipNotAllowed
        }
    }

    /// The token of `Bearer <token>` (scheme case-insensitive), or `nil` for anything else.
    static func bearerToken(_ header: String) -> String? {
        let parts = header.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1])
    }
}
