import Accounts
import Federation
import Foundation
import Hummingbird
import JSON
import PluginKit
import Vault

/// Passkeys in the console (SPEC §10): `/account/security` lists them (name, added, last used),
/// **Add passkey** (named) and **Remove** (confirmed); a passkey is the second factor instead of
/// a TOTP code, and with user verification a passwordless **Sign in with a passkey**. The browser
/// side is `/passkeys.js` (from `'self'`): it asks for options, runs the ceremony and posts its
/// result in the form; without JavaScript those forms stay hidden and TOTP works as before.
extension Console {
    var relyingParty: RelyingParty { dependencies.relyingParty }

    func registerPasskeyPages(on routes: RouteTable<Context>) {
        routes.on("/passkeys.js", method: .get, .page) { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "public, max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: Pages.shared.script)))
        }
        routes.on("/account/security", method: .get, .page) { request, context in
            try await signedIn(request, context, passkeyBootstrap: true) { session, sessions in
                let notice = request.uri.queryParameters["added"].map { _ in "The passkey is added." }
                    ?? request.uri.queryParameters["removed"].map { _ in "The passkey is removed." }
                return try await securityPage(session, sessions, notice: notice, problem: nil, status: .ok)
            }
        }
        routes.on("/account/security/options", method: .post, .page) { request, context in
            try await submitted(request, context, passkeyBootstrap: true) { session, _, sessions in
                Self.options(try await sessions.registrationOptions(session.session, relyingParty), userName: session.username)
            }
        }
        routes.on("/account/security", method: .post, .page) { request, context in
            try await submitted(request, context, passkeyBootstrap: true) { session, form, sessions in
                defer { forget(session) }
                let name = form["name"]
                guard !name.isEmpty, name.count <= WebSessions.maxPasskeyName else {
                    return try await securityPage(session, sessions, notice: nil, problem: "Give the passkey a name of 1 to 100 characters.", status: .badRequest)
                }
                guard let client = Base64URL.decode(form["client_data"]), let attestation = Base64URL.decode(form["attestation"]),
                      !client.isEmpty, !attestation.isEmpty else {
                    return try await securityPage(session, sessions, notice: nil, problem: "Adding a passkey needs JavaScript and a passkey (or security key) in this browser.", status: .badRequest)
                }
                do {
                    try await sessions.addPasskey(session.session, name: name, clientDataJSON: client, attestationObject: attestation, party: relyingParty, ip: context.clientIP)
                } catch let error as WebAuthnError {
                    return try await securityPage(session, sessions, notice: nil, problem: Self.refusal(error), status: .badRequest)
                }
                return Pages.redirect("/account/security?added=1")
            }
        }
        routes.on("/account/security/{passkeyID}/remove", method: .get, .page) { request, context in
            try await signedIn(request, context, passkeyBootstrap: true) { session, sessions in
                guard let passkey = try await ownPasskey(context, session, sessions) else { return noPasskey(session) }
                var data = frame(session, title: "Remove passkey")
                data["name"] = .text(passkey.name)
                data["action"] = .text("/account/security/\(passkey.id)/remove")
                return pages.render("passkey-remove", data)
            }
        }
        routes.on("/account/security/{passkeyID}/remove", method: .post, .page) { request, context in
            try await submitted(request, context, passkeyBootstrap: true) { session, _, sessions in
                defer { forget(session) }
                guard let passkey = try await ownPasskey(context, session, sessions),
                      try await sessions.removePasskey(passkey.id, of: session.session, ip: context.clientIP) else { return noPasskey(session) }
                return Pages.redirect("/account/security?removed=1")
            }
        }
    }

    func securityPage(_ session: SignedIn, _ sessions: WebSessions, notice: String?, problem: String?, status: HTTPResponse.Status) async throws -> Response {
        var data = frame(session, title: "Security")
        data["passkeyScript"] = true
        data["passkeys"] = .list(try await sessions.passkeys(of: session.session).map { passkey in
            ["id": .text(String(passkey.id)), "name": .text(passkey.name), "added": .text(Self.day(passkey.createdAt)),
             "lastUsed": .text(passkey.lastUsedAt.map(Self.day) ?? "never")] as PageFields
        })
        if session.passkeyRequired, session.mfaMethod != "passkey" {
            data["policyNotice"] = "Your organisation requires a passkey as your second factor: add one here, then sign in with it."
        }
        data["notice"] = PageValue(notice)
        data["problem"] = PageValue(problem)
        return pages.render("security", data, status: status)
    }

    /// The session user's passkey named by the path, if it is theirs.
    func ownPasskey(_ context: Context, _ session: SignedIn, _ sessions: WebSessions) async throws -> PasskeySummary? {
        guard let text = context.parameters.get("passkeyID"), let id = Int64(text) else { return nil }
        return try await sessions.passkeys(of: session.session).first { $0.id == id }
    }

    func noPasskey(_ session: SignedIn) -> Response {
        pages.message("Not found", "You have no such passkey.", status: .notFound, frame: frame(session, title: ""))
    }

    /// The options of a ceremony as JSON for `/passkeys.js`: base64url challenge, user handle
    /// and credential ids, the RP ID and the user's name.
    static func options(_ options: PasskeyOptions, userName: String? = nil) -> Response {
        var json = JSONWriter()
        json.object { json in
            json.field("challenge", Base64URL.encode(options.challenge))
            json.field("rpId", options.rpID)
            if let handle = options.userHandle { json.field("userHandle", Base64URL.encode(handle)) }
            if let userName { json.field("userName", userName) }
            json.key("credentialIds")
            json.array(options.credentialIDs.map { Base64URL.encode($0) })
        }
        return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"], body: .init(byteBuffer: json.buffer))
    }

    /// An assertion posted by `/passkeys.js` (base64url fields); `nil` when one is missing or not base64url.
    static func assertion(_ form: ConsoleForm) -> PasskeyAssertion? {
        guard let id = Base64URL.decode(form["credential_id"]), let client = Base64URL.decode(form["client_data"]),
              let data = Base64URL.decode(form["authenticator_data"]), let signature = Base64URL.decode(form["signature"]),
              let handle = Base64URL.decode(form["user_handle"]), !id.isEmpty, !client.isEmpty, !signature.isEmpty else { return nil }
        return PasskeyAssertion(credentialID: id, clientDataJSON: client, authenticatorData: data, signature: signature,
                                userHandle: handle.isEmpty ? nil : handle)
    }

    /// A passkey refusal in words (never the challenge or key material).
    static func refusal(_ error: WebAuthnError) -> String {
        switch error {
        case .duplicateCredential: "That passkey is already registered."
        case .unknownChallenge: "The passkey request expired or was already used. Try again."
        case .userNotVerified: "The passkey did not verify you (a PIN or biometric is required)."
        case .unsupportedAlgorithm: "That passkey uses an algorithm Latchkey does not accept (ES256 or RS256 only)."
        default: "The passkey was not accepted."
        }
    }

    static func day(_ date: Date) -> String { String(ISOTimestamp.string(from: date).prefix(10)) }
}
