import Foundation
import Hummingbird
import HummingbirdTesting
import Policy
import Postgres
import Server
import ServerTestSupport
import Testing
import Vault

/// Bad input and safety (SPEC §10): every field validated with a message beside it, a wrong
/// CSRF token or a dead session refused without side effects, strict headers and cookies.
@Suite struct ConsoleSafetyTests {
    static let password = "correct horse battery"

    /// Signs `username` in with MFA on a new browser, with the code of TOTP step now + `step`
    /// (a user's second sign-in passes 0 after -1: each code works once).
    static func signedIn(_ client: any TestClientProtocol, _ username: String, secret: [UInt8]? = nil, step: Int64 = -1) async throws -> Browser {
        let browser = Browser(client)
        browser.totpSecret = try await browser.signInWithMFA(username, password, secret: secret, step: step)
        return browser
    }

    /// `username` (of `tier`) signed in on a new browser at their keys page: the client, the
    /// browser and the page's CSRF token.
    static func atKeysPage(
        _ world: ServerWorld, _ username: String, tier: Tier, _ body: @escaping @Sendable (any TestClientProtocol, Browser, String) async throws -> Void
    ) async throws {
        try await world.person(username, tier: tier)
        try await world.client(settings: ServerWorld.consoleSettings) { client in
            let browser = try await signedIn(client, username)
            try await body(client, browser, try await browser.get("/account/keys").csrf)
        }
    }

    @Test func everyKeyFieldIsValidatedAndNothingChanges() async throws {
        try await ServerWorld.with { world in
            try await Self.atKeysPage(world, "ada", tier: .pro) { client, browser, csrf in
                let before = try await world.pool.query("SELECT count(*) FROM api_keys")[0].decode(Int64.self, at: 0)
                let cases: [([(String, String)], String)] = [
                    ([("name", ""), ("capabilities", "view")], "Give the key a name."),
                    ([("name", String(repeating: "n", count: 201)), ("capabilities", "view")], "at most 200 characters"),
                    ([("name", "k"), ("expires", "2001-01-01"), ("capabilities", "view")], "in the past"),
                    ([("name", "k"), ("expires", "next tuesday"), ("capabilities", "view")], "YYYY-MM-DD"),
                    ([("name", "k"), ("expires", "2030-02-30"), ("capabilities", "view")], "YYYY-MM-DD"),
                    ([("name", "k"), ("capabilities", "superuser")], "Choose only the capabilities listed here."),
                    ([("name", "k"), ("capabilities", "launch")], "Choose only the capabilities listed here."),
                    ([("name", "k")], "at least one capability"),
                    ([("name", "k"), ("capabilities", "view"), ("organisation", "someone-elses")], "Choose one of your organisations."),
                    ([("name", "k\u{0}"), ("capabilities", "view")], "no control characters"),
                    ([("name", "k"), ("capabilities", "view"), ("allowed_cidrs", "10.0.0.0/33")], "“10.0.0.0/33” is not an IPv4 or IPv6 address or CIDR range."),
                    ([("name", "k"), ("capabilities", "view"), ("allowed_cidrs", "203.0.113.0/24, the office")], "“the” is not an IPv4"),
                    ([("name", "k"), ("capabilities", "view"), ("allowed_cidrs", (0..<33).map { "10.0.\($0).0/24" }.joined(separator: ","))],
                     "at most 32 address ranges"),
                ]
                for (fields, message) in cases {
                    let page = try await browser.post("/account/keys", [("csrf", csrf)] + fields)
                    #expect(page.status == .badRequest, "\(fields)")
                    #expect(page.html.contains(message), "\(fields): no “\(message)”")
                    #expect(page.code(id: "new-key") == nil)
                }
                // A wrong or missing CSRF token: 403, nothing issued.
                for token in ["", "forged", csrf + "x"] {
                    let page = try await browser.post("/account/keys", [("csrf", token), ("name", "k"), ("capabilities", "view")])
                    #expect(page.status == .forbidden)
                }
                // Another session's token does not work here either.
                try await world.person("bob", tier: .pro)
                let other = try await Self.signedIn(client, "bob")
                let otherCSRF = try await other.get("/account/keys").csrf
                #expect(try await browser.post("/account/keys", [("csrf", otherCSRF), ("name", "k"), ("capabilities", "view")]).status == .forbidden)
                // An oversized form.
                let huge = try await browser.post("/account/keys", [("csrf", csrf), ("name", String(repeating: "x", count: 20_000))])
                #expect(huge.status == .contentTooLarge)
                #expect(try await world.pool.query("SELECT count(*) FROM api_keys")[0].decode(Int64.self, at: 0) == before)
            }
        }
    }

    /// A refusal of the policy is shown in words: a free-tier user has no API access.
    @Test func refusalsAreExplained() async throws {
        try await ServerWorld.with { world in
            try await Self.atKeysPage(world, "fred", tier: .free) { client, browser, csrf in
                let page = try await browser.post("/account/keys", [("csrf", csrf), ("name", "k"), ("capabilities", "view")])
                #expect(page.status == .forbidden)
                #expect(page.html.contains("Not allowed"), "\(page.html)")
                #expect(try await world.pool.query("SELECT count(*) FROM api_keys")[0].decode(Int64.self, at: 0) == 0)
            }
        }
    }

    /// Changing the password warns first, then revokes every key and ends every other session.
    @Test func changingThePasswordRevokesKeysAndOtherSessions() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.person("ada", tier: .pro)
            let key = try await world.key(for: ada)
            try await world.client(settings: ServerWorld.consoleSettings) { client in
                let browser = try await Self.signedIn(client, "ada")
                let laptop = try await Self.signedIn(client, "ada", secret: browser.totpSecret, step: 0)
                let form = try await browser.get("/account/password")
                #expect(form.html.contains("revokes <strong>every API key</strong>"))
                for label in ["Current password", "New password", "Confirm new password"] { #expect(form.html.contains(">\(label)</label>")) }
                #expect(try await client.send("/api/surveys/", key: key).status == .ok)

                let wrong = try await browser.post("/account/password", [("csrf", form.csrf), ("current", "nope"), ("new", "a new long password"), ("confirm", "a new long password")])
                #expect(wrong.status == .badRequest && wrong.html.contains("not your current password"))
                let mismatch = try await browser.post("/account/password", [("csrf", form.csrf), ("current", Self.password), ("new", "a new long password"), ("confirm", "another")])
                #expect(mismatch.status == .badRequest && mismatch.html.contains("differ"))
                let short = try await browser.post("/account/password", [("csrf", form.csrf), ("current", Self.password), ("new", "short"), ("confirm", "short")])
                #expect(short.status == .badRequest && short.html.contains("8 to 1024"))
                #expect(try await client.send("/api/surveys/", key: key).status == .ok, "a refused change changes nothing")

                let changed = try await browser.post("/account/password", [("csrf", form.csrf), ("current", Self.password), ("new", "a new long password"), ("confirm", "a new long password")])
                #expect(changed.status == .ok && changed.html.contains("1 key was revoked"))
                #expect(try await client.send("/api/surveys/", key: key).status == .unauthorized)
                #expect(try await laptop.get("/account/keys").location == "/account/login", "other browser sessions end")
                #expect(try await browser.get("/account/keys").status == .ok, "this session goes on")
                #expect(try await Browser(client).signIn("ada", Self.password).status == .unauthorized)
                #expect(try await Browser(client).signIn("ada", "a new long password").location == "/account/mfa")
            }
        }
    }

    /// Pages carry a strict CSP and no inline script or style; the cookie is HttpOnly,
    /// SameSite=Strict and Secure — except over plain HTTP on loopback.
    @Test func headersAndCookies() async throws {
        try await ServerWorld.with { world in
            try await world.person("ada")
            try await world.client(settings: ServerWorld.consoleSettings) { client in
                let browser = Browser(client)
                let page = try await browser.signIn("ada", Self.password)
                let cookie = try #require(browser.setCookies.first { $0.hasPrefix("lk_session=") })
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Secure"))
                #expect(page.location == "/account/mfa")
                let mfa = try await browser.get("/account/mfa")
                let csp = try #require(mfa.headers[.contentSecurityPolicy])
                #expect(csp.contains("default-src 'none'") && csp.contains("style-src 'self'") && !csp.contains("unsafe-inline"))
                #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-eval"))
                let script = try await browser.get("/passkeys.js")
                #expect(script.status == .ok && script.headers[.contentType]?.hasPrefix("text/javascript") == true)
                for html in [mfa.html, try await Browser(client).get("/account/login").html] {
                    // One script, from a file of this origin (passkeys); none inline.
                    let scripts = html.components(separatedBy: "<script").count - 1
                    #expect(scripts <= 1 && (scripts == 0 || html.contains(#"<script src="/passkeys.js" defer></script>"#)))
                    #expect(!html.contains("style=") && !html.contains("<style"))
                    #expect(html.contains("<title>") && html.contains("<h1>"))
                }
                let css = try await browser.get("/console.css")
                #expect(css.status == .ok && css.headers[.contentType]?.hasPrefix("text/css") == true)
            }
            try await world.client(settings: ServerWorld.consoleSettings, over: .live) { client in
                let browser = Browser(client)
                _ = try await browser.signIn("ada", Self.password)
                let cookie = try #require(browser.setCookies.first { $0.hasPrefix("lk_session=") })
                #expect(!cookie.contains("Secure"), "plain HTTP on loopback: \(cookie)")
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            }
        }
    }

    /// A session ends after 30 idle minutes and after 12 hours in all; a forged cookie is nobody.
    @Test func sessionsExpire() async throws {
        try await ServerWorld.with { world in
            try await world.person("ada")
            try await world.client(settings: ServerWorld.consoleSettings) { client in
                let browser = try await Self.signedIn(client, "ada")
                #expect(try await browser.get("/account/keys").status == .ok)
                // 31 minutes pass: longer than the console's cache keeps any session (60 s).
                try await world.pool.execute("UPDATE web_sessions SET last_seen_at = now() - interval '31 minutes'")
                world.dependencies.vault.flushCache()
                #expect(try await browser.get("/account/keys").location == "/account/login")

                // Moved by SQL, the end is heard through the trigger's notice in a running server;
                // this router runs without the listener, so the flush stands in for it.
                let second = try await Self.signedIn(client, "ada", secret: browser.totpSecret, step: 0)
                try await world.pool.execute("UPDATE web_sessions SET expires_at = now() - interval '1 second'")
                world.dependencies.vault.flushCache()
                #expect(try await second.get("/account/keys").location == "/account/login")

                let forged = Browser(client)
                forged.set("lk_session", String(repeating: "A", count: 43))
                #expect(try await forged.get("/account/keys").location == "/account/login")
                let stored = try await world.pool.query("SELECT count(*) FROM web_sessions WHERE octet_length(token_hash) = 32")[0].decode(Int64.self, at: 0)
                #expect(stored == 2)
            }
        }
    }

    /// Hostile input on every console page, signed in and not: never a 5xx, nothing changes.
    @Test func hostileInputIsNeverA5xx() async throws {
        try await ServerWorld.with { world in
            try await world.person("ada", tier: .pro)
            let admin = try await world.person("boss", tier: .organisation)
            try await world.organisation("acme", members: [(admin, "admin")])
            try await world.client(settings: ServerWorld.consoleSettings) { client in
                let signedIn = try await Self.signedIn(client, "boss")
                let csrf = try await signedIn.get("/account/keys").csrf
                let before = try await world.tableFingerprints()
                let paths = ["/", "/account/", "/account/login", "/account/logout", "/account/mfa", "/account/keys", "/account/password",
                             "/account/keys/not-a-uuid/revoke", "/account/keys/00000000-0000-0000-0000-000000000000/revoke",
                             "/account/keys/not-a-uuid/roll", "/account/keys/00000000-0000-0000-0000-000000000000/roll",
                             "/org/acme/keys", "/org/acme/audit?action=%ZZ&action=x", "/org/acme/audit?action=a%00b", "/org/%00/keys", "/team/acme/keys",
                             "/org/acme/keys/%2e%2e/revoke", "/console.css", "/account/keys/not-a-uuid", "/account/keys/00000000-0000-0000-0000-000000000000",
                             "/account/keys/%00", "/org/acme/usage", "/org/%00/usage", "/team/acme/usage",
                             "/org/acme/policy", "/org/%00/policy", "/org/acme/webhooks", "/org/acme/webhooks/not-a-uuid",
                             "/org/acme/webhooks/00000000-0000-0000-0000-000000000000/test", "/org/acme/webhooks/00000000-0000-0000-0000-000000000000/delete",
                             "/org/acme/webhooks/%2e%2e/delete",
                             "/account/security", "/account/security/options", "/account/security/1/remove", "/account/security/x/remove",
                             "/account/security/%00/remove", "/account/mfa/passkey", "/account/mfa/passkey/options",
                             "/account/login/passkey", "/account/login/passkey/options", "/passkeys.js"]
                let bodies = ["", "csrf", "=&=&&", "csrf=\(csrf)&name=%FF%FE&capabilities=launch", "csrf=\(csrf)&code=%00%00",
                              "csrf=\(csrf)&member=%F0%9F%98%80&name=x&capabilities=view&expires=9999-99-99",
                              "csrf=\(csrf)&current=&new=&confirm=", String(repeating: "a=b&", count: 3000),
                              "csrf=\(csrf)&name=k&client_data=%FF&attestation=oWNmbXRkbm9uZQ",
                              "csrf=\(csrf)&credential_id=AA&client_data=e30&authenticator_data=&signature=AA&user_handle=AA"]
                var requests = 0
                for browser in [signedIn, Browser(client)] {
                    for path in paths {
                        let page = try await browser.get(path)
                        #expect(page.status.code < 500, "GET \(path): \(page.status)")
                        requests += 1
                        for body in bodies {
                            let posted = try await browser.request(path, method: .post, body: body)
                            #expect(posted.status.code < 500, "POST \(path) \(body.prefix(40)): \(posted.status)")
                            requests += 1
                        }
                    }
                }
                let forged = Browser(client)
                for cookie in ["", "=", String(repeating: "x", count: 4000), "%00", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\u{e9}"] {
                    forged.set("lk_session", cookie)
                    #expect(try await forged.get("/account/keys").status.code < 500)
                }
                #expect(requests > 200)
                let after = try await world.tableFingerprints()
                let changed = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] && !["audit_events", "sign_in_failures", "web_sessions", "passkey_challenges"].contains($0) }
                #expect(changed.isEmpty, "hostile input changed \(changed.sorted())")
            }
        }
    }

    /// A user whose secret came from a fixture signs in with codes computed from that base32.
    @Test func importedSecretSignsIn() async throws {
        try await ServerWorld.with { world in
            try await world.person("ada")
            let secret = try #require(Base32.decode("JBSWY3DPEHPK3PXPJBSWY3DP"))
            let sealed = try ServerWorld.secretBox.seal(secret, purpose: SecretBox.mfaSecret)
            try await world.pool.execute("UPDATE users SET mfa_secret = \(sealed) WHERE username = 'ada'")
            try await world.client(settings: ServerWorld.consoleSettings) { client in
                let browser = Browser(client)
                _ = try await browser.signInWithMFA("ada", Self.password, secret: secret)
                #expect(try await browser.get("/account/keys").status == .ok)
            }
        }
    }
}
