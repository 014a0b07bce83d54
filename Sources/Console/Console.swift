import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import PluginKit
import Tenancy
import Vault

/// The web console (SPEC §10): server-rendered pages under `/`, `/account/`, `/org/<slug>/` and
/// `/team/<slug>/` where people sign in with MFA and manage their keys. No page but sign-in and
/// MFA is served before MFA is verified; every form carries a CSRF token.
public struct Console<Context: ConsoleRequestContext>: Sendable {
    let dependencies: ConsoleDependencies
    let pages = Pages.shared
    let cache = ConsoleCache()

    public init(dependencies: ConsoleDependencies) {
        self.dependencies = dependencies
        dependencies.vault.attach(cache)
    }

    var vault: Vault { dependencies.vault }
    var accounts: Accounts { dependencies.accounts }
    var tenancy: Tenancy { dependencies.tenancy }

    /// Registers every console route.
    public func register(on routes: RouteTable<Context>) {
        routes.on("/", method: .get, .page) { _, _ in Pages.redirect("/account/") }
        routes.on("/console.css", method: .get, .page) { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: Pages.shared.stylesheet)))
        }
        routes.on("/account/", method: .get, .page) { request, context in try await signedIn(request, context) { _, _ in Pages.redirect("/account/keys") } }
        registerSignIn(on: routes)
        registerMFA(on: routes)
        registerPasskeySignIn(on: routes)
        registerPasskeyPages(on: routes)
        registerKeys(on: routes)
        registerKeyRequestPages(on: routes)
        registerPassword(on: routes)
        registerAdminPages(on: routes)
        registerUsagePages(on: routes)
        registerPolicyPages(on: routes)
        registerWebhookPages(on: routes)
    }

    /// Runs `page` with the browser sessions, or answers 503 when `LATCHKEY_SECRET_KEY` is
    /// unset, or when password hashing stayed at its bound (SPEC §10: briefly busy, never a 500).
    func gated(_ request: Request, _ context: Context, _ page: (WebSessions) async throws -> Response) async throws -> Response {
        guard let box = dependencies.secretBox else {
            return pages.message(
                "Console unavailable",
                "The web console needs LATCHKEY_SECRET_KEY: 32 random bytes in base64 (e.g. `openssl rand -base64 32`), the same on every instance. The API serves without it.",
                status: .serviceUnavailable)
        }
        do {
            return try await page(accounts.webSessions(box: box))
        } catch VaultError.passwordHashingBusy {
            var response = pages.message(
                "Busy", "Too many passwords are being checked right now. Nothing was changed: try again in a moment.",
                status: .serviceUnavailable)
            response.headers[.retryAfter] = "2"
            return response
        }
    }

    /// The page of a signed-in user: `page` runs with their session when it is live and (if
    /// `verified`) MFA-verified with a second factor their organisations accept; otherwise the
    /// answer sends them to sign in or to MFA. Under `require_passkey` (SPEC §14) a session
    /// verified otherwise reaches only the pages that add a passkey (`passkeyBootstrap`).
    func signedIn(
        _ request: Request, _ context: Context, verified: Bool = true, passkeyBootstrap: Bool = false,
        _ page: (SignedIn, WebSessions) async throws -> Response
    ) async throws -> Response {
        try await gated(request, context) { sessions in
            guard let token = request.cookies[ConsoleCookie.session]?.value,
                  let session = try await find(token: token, sessions) else { return Pages.redirect("/account/login") }
            if verified, !session.mfaVerified { return Pages.redirect("/account/mfa") }
            if verified, !passkeyBootstrap, !session.secondFactorAccepted { return Pages.redirect("/account/mfa") }
            return try await page(session, sessions)
        }
    }

    /// The live session whose cookie is `token`, with its user's memberships: each from the
    /// cache, else read (and cached).
    func find(token: String, _ sessions: WebSessions) async throws -> SignedIn? {
        guard let cookie = SessionCookie(token) else { return nil }
        let generation = cache.generation
        let session: WebSession
        if let cached = cache.session(cookie.digest), cached.expiresAt > Date() {
            session = cached
        } else {
            guard let read = try await sessions.read(cookie) else { return nil }
            cache.store(read, for: cookie.digest, readAt: generation)
            session = read
        }
        if let memberships = cache.memberships(userID: session.userID) { return SignedIn(session: session, memberships: memberships) }
        guard let memberships = try await tenancy.memberships(ofUser: session.userID) else { return nil }
        cache.store(memberships, userID: session.userID, readAt: generation)
        return SignedIn(session: session, memberships: memberships)
    }

    /// Like ``signedIn(_:_:verified:_:)`` for a form: the body is read and its CSRF token checked
    /// first; a form without the session's token changes nothing (403). What a form changes is
    /// forgotten by whatever changed it: the vault (keys, passwords), or the page (``forget(_:)``).
    func submitted(
        _ request: Request, _ context: Context, verified: Bool = true, passkeyBootstrap: Bool = false,
        _ page: (SignedIn, ConsoleForm, WebSessions) async throws -> Response
    ) async throws -> Response {
        try await signedIn(request, context, verified: verified, passkeyBootstrap: passkeyBootstrap) { session, sessions in
            guard let form = await ConsoleForm.read(request) else {
                return pages.message("Form too large", "The form was larger than 16 kB.", status: .contentTooLarge)
            }
            guard ConstantTime.equals(form["csrf"], session.csrf) else { return expiredForm(session) }
            return try await page(session, form, sessions)
        }
    }

    /// Drops this instance's cached sessions, memberships and key list of the session's user,
    /// after a change to them that the vault does not announce itself; other instances hear the
    /// table triggers' notice.
    func forget(_ session: SignedIn) {
        cache.evict(userID: session.userID)
    }

    func expiredForm(_ session: SignedIn?) -> Response {
        pages.message("Form expired", "This form is out of date or was not sent from this page. Nothing was changed: go back, reload the page and try again.",
                      status: .forbidden, frame: session.map { frame($0, title: "") } ?? [:])
    }

    /// What the frame of every signed-in page shows: the user, their admin pages, sign-out.
    func frame(_ session: SignedIn, title: String) -> PageFields {
        let administered = session.administered
        func links(_ kind: Place.Kind) -> PageValue {
            .list(administered.filter { $0.kind == kind }.map { ["slug": .text($0.slug), "name": .text($0.name)] as PageFields })
        }
        return ["title": .text(title), "signedIn": true, "username": .text(session.username), "csrf": .text(session.csrf),
                "adminOf": links(.organisation), "teamAdminOf": links(.team)]
    }

    /// Whether the request reached us over plain HTTP on loopback (a developer's machine): only
    /// then does the session cookie go without `Secure`.
    static func isPlainLoopback(_ request: Request, _ context: Context) -> Bool {
        if request.headers[Self.forwardedProto]?.lowercased() == "https" { return false }
        guard let address = context.remoteAddress?.ipAddress else { return false }
        return address == "127.0.0.1" || address == "::1" || address.hasPrefix("127.") || address == "::ffff:127.0.0.1"
    }

    static var forwardedProto: HTTPField.Name { HTTPField.Name("X-Forwarded-Proto")! }

    static func cookie(_ name: String, _ value: String, _ request: Request, _ context: Context, maxAge: Int? = nil) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: !isPlainLoopback(request, context), httpOnly: true, sameSite: .strict)
    }
}
