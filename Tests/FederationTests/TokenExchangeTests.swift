import Accounts
import Federation
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import Postgres
import Server
import ServerTestSupport
import Testing
import TestSupport
import Vault

/// `POST /oauth/token` (SPEC §11) against PostgreSQL: an enterprise member's ID token becomes an
/// organisation key once; every refusal is an RFC 6749 error that changes nothing.
@Suite struct TokenExchangeTests {
    static let issuer = "https://idp.example.com"
    static let audience = "latchkey-client"
    static let rsa = try! JWSSigner(.rs256, keyID: "rsa-1")
    static let ec = try! JWSSigner(.es256, keyID: "ec-1")

    /// A world with acme trusting the issuer (view and add, two hours) and its people.
    static func world(_ body: @Sendable (ServerWorld) async throws -> Void) async throws {
        try await ServerWorld.with { world in
            let ada = try await world.user("ada", tier: .enterprise)
            let bob = try await world.user("bob", tier: .organisation)
            let carl = try await world.user("carl", tier: .enterprise, active: false)
            try await world.user("dora", tier: .enterprise)
            let acme = try await world.organisation("acme", members: [(ada, "viewer"), (bob, "viewer"), (carl, "viewer")])
            try await world.survey("s1", owner: ada, organisation: acme)
            _ = try await SSOTrustStore(pool: world.pool).save(SSOTrust(
                organisationSlug: "acme", issuer: issuer, audience: audience, keys: .document(JOSETests.jwks([rsa, ec])),
                capabilities: [.view, .add], keyLifetime: 7200))
            try await body(world)
        }
    }

    static func claims(email: String = "ada@example.com", verified: String = "true", iss: String = issuer, aud: String = #""latchkey-client""#,
                       exp: TimeInterval = 300, extra: String = "") -> String {
        let now = Int(Date().timeIntervalSince1970)
        return #"{"iss":"\#(iss)","aud":\#(aud),"sub":"sub-\#(email)","email":"\#(email)","email_verified":\#(verified),"iat":\#(now),"# +
            #""exp":\#(now + Int(exp)),"jti":"\#(UUID().uuidString)"\#(extra)}"#
    }

    static func form(_ token: String, scope: String? = nil, audience: String? = nil, grant: String = TokenExchange.grantType,
                     type: String = TokenExchange.idTokenType) -> String {
        var fields = [("grant_type", grant), ("subject_token", token), ("subject_token_type", type)]
        if let scope { fields.append(("scope", scope)) }
        if let audience { fields.append(("audience", audience)) }
        return fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
    }

    static func exchange(_ client: some TestClientProtocol, _ body: String, contentType: String = "application/x-www-form-urlencoded") async throws -> Reply {
        try await client.send("/oauth/token", method: .post, headers: [.contentType: contentType], body: body)
    }

    @Test func anEnterpriseMembersIDTokenBecomesAnOrganisationKeyOnce() async throws {
        try await Self.world { world in
            try await world.client { client in
                let token = try Self.rsa.sign(claims: Self.claims(email: "ADA@Example.com"))
                let reply = try await Self.exchange(client, Self.form(token, scope: "view add"))
                #expect(reply.status == .ok, "\(reply.text)")
                #expect(reply.headers[.cacheControl] == "no-store")
                let key = try #require(reply.object["access_token"] as? String)
                #expect(key.hasPrefix("ct_live_") && key.count == 57)
                #expect(reply.object["issued_token_type"] as? String == TokenExchange.accessTokenType)
                #expect(reply.object["token_type"] as? String == "Bearer" && reply.object["expires_in"] as? Int == 7200)
                #expect(reply.object["scope"] as? String == "view add")
                #expect(try await client.send("/api/surveys/", key: key).ids.count == 1)

                let row = try await world.pool.query("""
                    SELECT o.slug, k.capabilities, extract(epoch FROM k.expires_at - now())::int, k.name, u.username
                    FROM api_keys k JOIN organisations o ON o.id = k.organisation_id JOIN users u ON u.id = k.user_id
                    """)[0].decode((String, [String], Int, String, String).self)
                #expect(row.0 == "acme" && row.1 == ["view", "add"] && (7190...7200).contains(row.2) && row.3.hasPrefix("SSO 20") && row.4 == "ada")
                let audit = try await world.pool.query("SELECT detail->>'via', detail->>'issuer', detail->>'sub' FROM audit_events WHERE action = 'key.issued'")[0]
                    .decode((String?, String?, String?).self)
                #expect(audit == ("sso", Self.issuer, "sub-ADA@Example.com"))
                #expect(try await world.pool.query("SELECT count(*) FROM audit_events WHERE detail::text LIKE \("%" + key.suffix(16) + "%")")[0].decode(Int.self, at: 0) == 0)

                // The same token again: refused, nothing issued.
                let replay = try await Self.exchange(client, Self.form(token, scope: "view add"))
                #expect(replay.status == .badRequest && replay.object["error"] as? String == "invalid_grant")
                #expect((replay.object["error_description"] as? String)?.contains("already exchanged") == true)
                // ES256, and no scope: view.
                let second = try await Self.exchange(client, Self.form(try Self.ec.sign(claims: Self.claims())))
                #expect(second.status == .ok && second.object["scope"] as? String == "view")
                #expect(try await world.pool.query("SELECT count(*) FROM api_keys")[0].decode(Int.self, at: 0) == 2)
                // A token without jti is single-use too (by its hash).
                let plain = try Self.rsa.sign(claims: Self.claims().replacingOccurrences(of: #","jti":"#, with: #","nonce":"#))
                #expect(try await Self.exchange(client, Self.form(plain)).status == .ok)
                #expect(try await Self.exchange(client, Self.form(plain)).object["error"] as? String == "invalid_grant")
                // A password change revokes SSO keys like any other.
                try await Accounts(vault: world.dependencies.vault).setPassword(username: "ada", password: "a brand new password")
                #expect(try await client.send("/api/surveys/", key: key).status == .unauthorized)
            }
        }
    }

    /// Used tokens are remembered until they expire, then forgotten a few per exchange, oldest
    /// first, found through the expiry index (a scan of the whole table per exchange made every
    /// exchange slower as the table grew).
    @Test func usedTokensArePrunedOncePastTheirUse() async throws {
        try await Self.world { world in
            try await world.pool.execute("""
                INSERT INTO sso_exchanged_tokens (token_hash, expires_at)
                SELECT sha256(n::text::bytea), now() - make_interval(secs => n) FROM generate_series(1, 20) n
                """)
            try await world.client { client in
                let reply = try await Self.exchange(client, Self.form(try Self.ec.sign(claims: Self.claims())))
                #expect(reply.status == .ok)
            }
            let (expired, live, oldestLeft) = try await world.pool.query("""
                SELECT count(*) FILTER (WHERE expires_at < now()), count(*) FILTER (WHERE expires_at > now()),
                       (SELECT max(n) FROM generate_series(1, 20) n WHERE sha256(n::text::bytea) IN (SELECT token_hash FROM sso_exchanged_tokens))
                FROM sso_exchanged_tokens
                """)[0].decode((Int, Int, Int?).self)
            #expect(expired == 4 && live == 1)
            #expect(oldestLeft == 4, "the oldest went first")
        }
    }

    @Test func everyRefusalIsAnOAuthErrorAndChangesNothing() async throws {
        try await Self.world { world in
            let header = { (json: String) in Base64URL.encode(Array(json.utf8)) }
            let body = Base64URL.encode(Array(Self.claims().utf8))
            let stranger = try JWSSigner(.rs256, keyID: "rsa-1")
            let confused = try JWSSigner(.es256, keyID: "rsa-1")
            let unknownKid = try JWSSigner(.es256, keyID: "ec-9")
            let good = try Self.rsa.sign(claims: Self.claims())
            let cases: [(String, String, String)] = [
                ("no grant_type", "subject_token=x", "invalid_request"),
                ("wrong grant", Self.form(good, grant: "authorization_code"), "unsupported_grant_type"),
                ("no subject_token", "grant_type=\(TokenExchange.grantType.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)", "invalid_request"),
                ("wrong token type", Self.form(good, type: "urn:ietf:params:oauth:token-type:access_token"), "invalid_request"),
                ("two segments", Self.form("abc.def"), "invalid_grant"),
                ("bad base64url", Self.form("a*b.c.d"), "invalid_grant"),
                ("header not JSON", Self.form(header("nope") + "." + body + ".sig"), "invalid_grant"),
                ("alg none", Self.form(header(#"{"alg":"none"}"#) + "." + body + "."), "invalid_grant"),
                ("alg HS256", Self.form(header(#"{"alg":"HS256","kid":"rsa-1"}"#) + "." + body + "." + Base64URL.encode([1, 2, 3])), "invalid_grant"),
                ("another key, same kid", Self.form(try stranger.sign(claims: Self.claims())), "invalid_grant"),
                ("kid not in the set", Self.form(try unknownKid.sign(claims: Self.claims())), "invalid_grant"),
                ("ES256 header on the RSA key", Self.form(try confused.sign(claims: Self.claims())), "invalid_grant"),
                ("expired", Self.form(try Self.rsa.sign(claims: Self.claims(exp: -120))), "invalid_grant"),
                ("not yet valid", Self.form(try Self.rsa.sign(claims: Self.claims(extra: #","nbf":\#(Int(Date().timeIntervalSince1970) + 600)"#))), "invalid_grant"),
                ("untrusted issuer", Self.form(try Self.rsa.sign(claims: Self.claims(iss: "https://evil.example.com"))), "invalid_grant"),
                ("wrong audience", Self.form(try Self.rsa.sign(claims: Self.claims(aud: #"["someone-else"]"#))), "invalid_grant"),
                ("email not verified", Self.form(try Self.rsa.sign(claims: Self.claims(verified: "false"))), "invalid_grant"),
                ("scope beyond the trust", Self.form(good, scope: "view delete"), "invalid_scope"),
                ("superuser", Self.form(good, scope: "superuser"), "invalid_scope"),
                ("unknown scope", Self.form(good, scope: "root"), "invalid_scope"),
                ("unknown audience", Self.form(good, audience: "beta"), "invalid_target"),
                ("oversized token", Self.form(String(repeating: "a", count: 20_000)), "invalid_grant"),
                ("oversized body", Self.form(good) + "&pad=" + String(repeating: "x", count: 70_000), "invalid_request"),
                ("repeated parameter", Self.form(good) + "&scope=view&scope=add", "invalid_request"),
                ("NUL in the token", Self.form(good + "\u{0}"), "invalid_grant"),
                ("NUL in the email", Self.form(try Self.rsa.sign(claims: Self.claims(email: "ada\\u0000@example.com"))), "invalid_grant"),
                ("NUL in the issuer", Self.form(try Self.rsa.sign(claims: Self.claims(iss: "https://idp\\u0000"))), "invalid_grant"),
            ]
            let before = try await world.tableFingerprints()
            try await world.client { client in
                for (name, form, error) in cases {
                    let reply = try await Self.exchange(client, form)
                    #expect(reply.status == .badRequest && reply.object["error"] as? String == error, "\(name): \(reply.status) \(reply.text)")
                    #expect(reply.object["error_description"] is String && reply.headers[.cacheControl] == "no-store", "\(name)")
                }
                let json = try await Self.exchange(client, #"{"grant_type":"x"}"#, contentType: "application/json")
                #expect(json.status == .badRequest && json.object["error"] as? String == "invalid_request")

                // Whoever the email names — nobody, another tier, an inactive user, a non-member —
                // the answer is the same words.
                var descriptions: Set<String> = []
                for email in ["nobody@example.com", "bob@example.com", "carl@example.com", "dora@example.com"] {
                    let reply = try await Self.exchange(client, Self.form(try Self.rsa.sign(claims: Self.claims(email: email))))
                    #expect(reply.object["error"] as? String == "invalid_grant", "\(email)")
                    descriptions.insert(reply.object["error_description"] as? String ?? "")
                }
                #expect(descriptions.count == 1, "\(descriptions)")
            }
            #expect(try await world.tableFingerprints() == before)
        }
    }

    @Test func severalOrganisationsTrustingOneIssuerNeedAnAudience() async throws {
        try await Self.world { world in
            let ada = try await world.pool.query("SELECT id FROM users WHERE username = 'ada'")[0].decode(Int64.self, at: 0)
            try await world.organisation("beta", members: [(ada, "admin")])
            _ = try await SSOTrustStore(pool: world.pool).save(SSOTrust(
                organisationSlug: "beta", issuer: Self.issuer, audience: Self.audience, keys: .document(JOSETests.jwks([Self.rsa]))))
            try await world.client { client in
                let ambiguous = try await Self.exchange(client, Self.form(try Self.rsa.sign(claims: Self.claims())))
                #expect(ambiguous.object["error"] as? String == "invalid_request")
                let chosen = try await Self.exchange(client, Self.form(try Self.rsa.sign(claims: Self.claims()), audience: "beta"))
                #expect(chosen.status == .ok, "\(chosen.text)")
                let slug = try await world.pool.query("SELECT o.slug FROM api_keys k JOIN organisations o ON o.id = k.organisation_id")[0].decode(String.self, at: 0)
                #expect(slug == "beta")
            }
        }
    }

    /// A JWKS at a URL (here a local HTTP socket): fetched once, refetched when a new `kid`
    /// appears (key rotation) but not more often than the interval; a slow provider stalls only
    /// the exchanges that wait for it.
    @Test func jwksAtAURLIsCachedRefetchedOnRotationAndBounded() async throws {
        let published = NIOLockedValueBox(JOSETests.jwks([Self.rsa]))
        let fetches = NIOLockedValueBox(0)
        let router = Router()
        router.get("/jwks.json") { _, _ in
            fetches.withLockedValue { $0 += 1 }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: published.withLockedValue { $0 })))
        }
        router.get("/slow.json") { _, _ -> Response in
            try await Task.sleep(for: .seconds(15))
            return Response(status: .ok)
        }
        try await Application(router: router).test(.live) { provider in
            let port = try #require(provider.port)
            try await Self.world { world in
                let store = SSOTrustStore(pool: world.pool)
                let trust = try await store.list()[0]
                var moved = trust
                moved.keys = .url(URL(string: "http://127.0.0.1:\(port)/jwks.json")!)
                _ = try await store.save(moved)
                try await world.organisation("slowco", members: [])
                _ = try await store.save(SSOTrust(organisationSlug: "slowco", issuer: "https://slow.example.com", audience: Self.audience,
                                                  keys: .url(URL(string: "http://127.0.0.1:\(port)/slow.json")!)))
                // A timeout a loaded machine's local fetch keeps well within (a timed-out fetch
                // is remembered for 30 s, and would fail the rest).
                let shared = APIDependencies(jwks: JWKSSource(timeout: 4, refetchInterval: 0.5))
                try await world.client(shared: shared) { client in
                    #expect(try await Self.exchange(client, Self.form(try Self.rsa.sign(claims: Self.claims()))).status == .ok)
                    #expect(try await Self.exchange(client, Self.form(try Self.rsa.sign(claims: Self.claims()))).status == .ok)
                    #expect(fetches.withLockedValue { $0 } == 1, "cached")

                    // Rotation: the provider now publishes a new key only.
                    let rotated = try JWSSigner(.es256, keyID: "ec-2025")
                    published.withLockedValue { $0 = JOSETests.jwks([rotated]) }
                    try await Task.sleep(for: .milliseconds(600))
                    let fresh = try await Self.exchange(client, Self.form(try rotated.sign(claims: Self.claims())))
                    #expect(fresh.status == .ok, "\(fresh.text)")
                    #expect(fetches.withLockedValue { $0 } == 2)
                    // An unknown kid, again and again: at most one fetch per interval (0.5 s).
                    let stranger = try JWSSigner(.es256, keyID: "nobody")
                    let flood = ContinuousClock.now
                    for _ in 0..<10 {
                        #expect(try await Self.exchange(client, Self.form(try stranger.sign(claims: Self.claims()))).object["error"] as? String == "invalid_grant")
                    }
                    let intervals = Int(((ContinuousClock.now - flood) / .milliseconds(500)).rounded(.up))
                    #expect(fetches.withLockedValue { $0 } - 2 <= intervals, "\(fetches.withLockedValue { $0 }) fetches in \(intervals) intervals")

                    // A provider that does not answer: its exchange gives up after the timeout,
                    // and meanwhile the others are served.
                    let slowToken = try Self.rsa.sign(claims: Self.claims(iss: "https://slow.example.com"))
                    let started = ContinuousClock.now
                    async let slow = Self.exchange(client, Self.form(slowToken))
                    try await Task.sleep(for: .milliseconds(100))
                    let quick = ContinuousClock.now
                    #expect(try await Self.exchange(client, Self.form(try rotated.sign(claims: Self.claims()))).status == .ok)
                    #expect(ContinuousClock.now - quick < .seconds(3), "not stalled by the slow provider")
                    let slowReply = try await slow
                    #expect(slowReply.object["error"] as? String == "invalid_grant")
                    #expect(ContinuousClock.now - started < .seconds(10), "gave up after the timeout, not the provider's 15 s")
                }
            }
        }
    }
}
