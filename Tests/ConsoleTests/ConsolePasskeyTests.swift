import Accounts
import Federation
import Foundation
import Hummingbird
import HummingbirdTesting
import JSON
import Postgres
import ServerTestSupport
import TestSupport
import Testing
import Vault

/// Passkeys through the console's router (SPEC §10, §14): a signed-in user adds one at
/// `/account/security`, signs in with it alone, uses it as the second factor and removes it; a
/// replayed sign-in fails; under `require_passkey` a TOTP code no longer verifies; audited.
@Suite struct ConsolePasskeyTests {
    static let password = "correct horse battery"

    /// The options `/passkeys.js` would fetch: challenge and user handle.
    static func options(_ browser: Browser, _ path: String, csrf: String) async throws -> (challenge: [UInt8], userHandle: [UInt8]?) {
        let page = try await browser.post(path, [("csrf", csrf)])
        #expect(page.status == .ok, "\(path): \(page.status)")
        guard case .object(let fields) = try JSONValue.parse(Array(page.html.utf8)), case .string(let challenge)? = fields["challenge"] else {
            throw JourneyFailure(description: "no challenge from \(path): \(page.html.prefix(200))")
        }
        var handle: [UInt8]?
        if case .string(let text)? = fields["userHandle"] { handle = Base64URL.decode(text) }
        return (try #require(Base64URL.decode(challenge)), handle)
    }

    static func assertionFields(_ assertion: PasskeyAssertion, csrf: String) -> [(String, String)] {
        [("csrf", csrf), ("credential_id", Base64URL.encode(assertion.credentialID)), ("client_data", Base64URL.encode(assertion.clientDataJSON)),
         ("authenticator_data", Base64URL.encode(assertion.authenticatorData)), ("signature", Base64URL.encode(assertion.signature)),
         ("user_handle", Base64URL.encode(assertion.userHandle ?? []))]
    }

    @Test func addSignInSecondFactorRemove() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.person("ada")
            try await world.client(settings: ServerWorld.consoleSettings) { client in
                let browser = Browser(client)
                let secret = try await browser.signInWithMFA("ada", Self.password)
                let security = try await browser.get("/account/security")
                #expect(security.status == .ok && security.html.contains("No passkeys yet"))
                #expect(security.html.contains(#"<script src="/passkeys.js" defer></script>"#))

                // Add: without the ceremony's fields it is refused in words, and nothing is stored.
                let bare = try await browser.post("/account/security", [("csrf", security.csrf), ("name", "laptop")])
                #expect(bare.status == .badRequest && bare.html.contains("needs JavaScript"))
                let authenticator = try SoftwareAuthenticator()
                let registration = try await Self.options(browser, "/account/security/options", csrf: security.csrf)
                let handle = try #require(registration.userHandle)
                let (clientData, attestation) = authenticator.register(registration.challenge)
                let added = try await browser.post("/account/security", [
                    ("csrf", security.csrf), ("name", "laptop"),
                    ("client_data", Base64URL.encode(clientData)), ("attestation", Base64URL.encode(attestation)),
                ])
                #expect(added.location == "/account/security?added=1", "\(added.status) \(added.html.prefix(300))")
                let listed = try await browser.get("/account/security?added=1")
                #expect(listed.html.contains("laptop") && listed.html.contains("The passkey is added."))

                // Passwordless: a fresh browser signs in with the passkey alone.
                let other = Browser(client)
                let login = try await other.get("/account/login")
                #expect(login.html.contains("Sign in with a passkey"))
                let signIn = try await Self.options(other, "/account/login/passkey/options", csrf: login.csrf)
                let assertion = try authenticator.assert(signIn.challenge, userHandle: handle)
                let fields = Self.assertionFields(assertion, csrf: login.csrf)
                let signedIn = try await other.post("/account/login/passkey", fields)
                #expect(signedIn.location == "/account/keys", "\(signedIn.status) \(signedIn.html.prefix(300))")
                #expect(try await other.get("/account/keys").status == .ok)
                // Replayed, the same assertion signs nobody in.
                let thief = Browser(client)
                let thiefLogin = try await thief.get("/account/login")
                let replay = try await thief.post("/account/login/passkey", Self.assertionFields(assertion, csrf: thiefLogin.csrf))
                #expect(replay.status == .unauthorized && thief.cookies["lk_session"] == nil)

                // Second factor after the password.
                let third = Browser(client)
                #expect(try await third.signIn("ada", Self.password).location == "/account/mfa")
                let mfa = try await third.get("/account/mfa")
                #expect(mfa.html.contains("Use a passkey"))
                let second = try await Self.options(third, "/account/mfa/passkey/options", csrf: mfa.csrf)
                let secondAssertion = try authenticator.assert(second.challenge)
                let verified = try await third.post("/account/mfa/passkey", Self.assertionFields(secondAssertion, csrf: mfa.csrf))
                #expect(verified.location == "/account/keys", "\(verified.status) \(verified.html.prefix(300))")

                // Remove, confirmed.
                let id = try await world.pool.query("SELECT id FROM passkeys WHERE user_id = \(ada)")[0].decode(Int64.self, at: 0)
                let confirm = try await browser.get("/account/security/\(id)/remove")
                #expect(confirm.status == .ok && confirm.html.contains("laptop"))
                #expect(try await third.get("/account/security/\(id + 1)/remove").status == .notFound)
                // Another user can neither see nor remove it.
                try await world.person("bob")
                let bob = Browser(client)
                _ = try await bob.signInWithMFA("bob", Self.password)
                let bobs = try await bob.get("/account/security")
                #expect(!bobs.html.contains("laptop"))
                #expect(try await bob.get("/account/security/\(id)/remove").status == .notFound)
                #expect(try await bob.post("/account/security/\(id)/remove", [("csrf", bobs.csrf)]).status == .notFound)
                #expect(try await world.pool.query("SELECT count(*) FROM passkeys")[0].decode(Int64.self, at: 0) == 1)
                let removed = try await browser.post("/account/security/\(id)/remove", [("csrf", confirm.csrf)])
                #expect(removed.location == "/account/security?removed=1")
                #expect(try await world.pool.query("SELECT count(*) FROM passkeys")[0].decode(Int64.self, at: 0) == 0)
                _ = secret

                let actions = try await world.pool.query("""
                    SELECT action || ' ' || detail::text FROM audit_events WHERE actor_id = \(ada) AND action IN ('passkey.added', 'passkey.removed', 'login', 'mfa.verified') ORDER BY id
                    """).map { try $0.decode(String.self, at: 0) }
                #expect(actions.contains(#"passkey.added {"name": "laptop"}"#) && actions.contains(#"passkey.removed {"name": "laptop"}"#))
                #expect(actions.contains(#"login {"method": "passkey"}"#) && actions.contains(#"mfa.verified {"method": "passkey"}"#))
            }
        }
    }

    @Test func requirePasskeyRefusesCodes() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.person("ada")
            let org = try await world.organisation("acme", members: [(ada, "viewer")])
            try await world.client(settings: ServerWorld.consoleSettings) { client in
                let browser = Browser(client)
                let secret = try await browser.signInWithMFA("ada", Self.password)
                try await world.pool.execute("INSERT INTO key_policies (organisation_id, require_passkey) VALUES (\(org), true)")
                // The TOTP-verified session now reaches only the security page.
                #expect(try await browser.get("/account/keys").location == "/account/mfa")
                let security = try await browser.get("/account/security")
                #expect(security.status == .ok && security.html.contains("requires a passkey"))
                let authenticator = try SoftwareAuthenticator()
                let options = try await Self.options(browser, "/account/security/options", csrf: security.csrf)
                let (clientData, attestation) = authenticator.register(options.challenge)
                let added = try await browser.post("/account/security", [
                    ("csrf", security.csrf), ("name", "key"), ("client_data", Base64URL.encode(clientData)), ("attestation", Base64URL.encode(attestation)),
                ])
                #expect(added.location == "/account/security?added=1")

                // A new sign-in: a code is refused, the passkey accepted.
                let next = Browser(client)
                #expect(try await next.signIn("ada", Self.password).location == "/account/mfa")
                let mfa = try await next.get("/account/mfa")
                #expect(!mfa.html.contains(#"name="code""#) && mfa.html.contains("Use a passkey"))
                let code = try TOTP(secret: secret).code(step: TOTP.step(at: Date()))
                let refused = try await next.post("/account/mfa", [("csrf", mfa.csrf), ("code", code)])
                #expect(refused.status == .forbidden)
                #expect(try await next.get("/account/keys").location == "/account/mfa")
                let challenge = try await Self.options(next, "/account/mfa/passkey/options", csrf: mfa.csrf)
                let verified = try await next.post("/account/mfa/passkey",
                                                   Self.assertionFields(try authenticator.assert(challenge.challenge), csrf: mfa.csrf))
                #expect(verified.location == "/account/keys")
                #expect(try await next.get("/account/keys").status == .ok)
            }
        }
    }
}
