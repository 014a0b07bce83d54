import Federation
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSON
import Policy
import Server
import ServerTestSupport
import Tenancy
import Testing
import Usage
import Vault

/// The organisation key policy (SPEC §14) on the real router and PostgreSQL: read and replaced
/// whole by the organisation's admins with a `superuser` key (audited `policy.updated`, before
/// and after), refused to anyone else; every issuance confined to the organisation keeps it
/// (400 `POLICY_VIOLATION` naming the rule); keys that break a tightened policy are blocked, not
/// revoked — 401 expired past `max_lifetime_days`, 403 `POLICY_BLOCKED` otherwise, on the
/// resource API, sessions, `/v1/keys/verify` and AuthZEN alike — and a looser policy brings them back.
@Suite struct KeyPolicyTests {
    struct World {
        var acme: Int64, globex: Int64
        var olive: Int64, adam: Int64, vera: Int64
        /// adam's key in acme with view and superuser: may manage acme's policy.
        var adminKey: String
    }

    static func seed(_ world: ServerWorld) async throws -> World {
        let olive = try await world.user("olive", tier: .organisation)
        let adam = try await world.user("adam", tier: .organisation)
        let vera = try await world.user("vera", tier: .organisation)
        let gina = try await world.user("gina", tier: .organisation)
        let acme = try await world.organisation("acme", owner: olive, members: [(adam, "admin"), (vera, "viewer")])
        let globex = try await world.organisation("globex", owner: gina, members: [(adam, "admin")])
        _ = try await world.survey("s1", owner: olive, organisation: acme)
        let adminKey = try await world.key(for: adam, organisation: acme, capabilities: ["view", "superuser"])
        return World(acme: acme, globex: globex, olive: olive, adam: adam, vera: vera, adminKey: adminKey)
    }

    /// A policy body: the open policy with `changes` ("field":value pairs) replacing its fields.
    static func policy(_ changes: [String: String] = [:], extra: String = "") -> String {
        let fields = [("max_lifetime_days", "null"), ("require_expiry", "false"), ("require_allowed_cidrs", "false"),
                      ("max_capabilities", #"["view","add","edit","delete","superuser"]"#), ("require_approval", "false"), ("require_passkey", "false")]
        let body = fields.map { name, value in "\"\(name)\":\(changes[name] ?? value)" }.joined(separator: ",")
        return "{" + body + extra + "}"
    }

    static let open = policy()
    static let path = "/api/organisations/acme/key-policy/"

    static func count(_ world: ServerWorld, _ action: String) async throws -> Int {
        try await world.pool.query("SELECT count(*) FROM audit_events WHERE action = \(action)")[0].decode(Int.self, at: 0)
    }

    // MARK: The API

    @Test func adminsWithASuperuserKeyReadAndReplaceThePolicyAudited() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            let veraKey = try await world.key(for: w.vera, organisation: w.acme, capabilities: ["view", "superuser"])
            let plainAdmin = try await world.key(for: w.adam, organisation: w.acme, capabilities: ["view", "add", "edit", "delete"])
            let globexAdmin = try await world.key(for: w.adam, organisation: w.globex, capabilities: ["view", "superuser"])
            let unconfined = try await world.key(for: w.adam, capabilities: ["view", "superuser"])
            // (Keeping the admin's own key: view and superuser.)
            let tight = Self.policy(["max_lifetime_days": "90", "require_expiry": "true", "max_capabilities": #"["view","add","superuser"]"#, "require_passkey": "true"])
            try await world.client { client in
                let read = try await client.send(Self.path, key: w.adminKey)
                #expect(read.status == .ok && read.text == Self.open, "\(read.status) \(read.text)")

                // Anyone else: 403, the same for another organisation's slug and for none at all.
                for (key, why) in [(veraKey, "a viewer"), (plainAdmin, "no superuser"), (globexAdmin, "globex's key"), (unconfined, "no organisation")] {
                    let refused = try await client.send(Self.path, key: key)
                    #expect(refused.status == .forbidden, "\(why): \(refused.status)")
                    #expect(try await client.send(Self.path, method: .put, key: key, body: tight).status == .forbidden, "\(why)")
                }
                let other = try await client.send("/api/organisations/globex/key-policy/", key: w.adminKey)
                let none = try await client.send("/api/organisations/nowhere/key-policy/", key: w.adminKey)
                #expect(other.status == .forbidden && none.status == .forbidden && other.text == none.text, "no existence oracle")
                #expect(try await client.send(Self.path).status == .unauthorized)
                #expect(try await Self.count(world, "policy.updated") == 0)

                let replaced = try await client.send(Self.path, method: .put, key: w.adminKey, body: tight)
                #expect(replaced.status == .ok && replaced.text == tight, "\(replaced.status) \(replaced.text)")
                #expect(try await client.send(Self.path, key: w.adminKey).text == tight)
                // The same again changes nothing and is not audited again.
                #expect(try await client.send(Self.path, method: .put, key: w.adminKey, body: tight).status == .ok)
                // A PUT states the whole policy: what it leaves out is the default, and
                // `max_capabilities` null is any (shown as every capability).
                let partial = try await client.send(Self.path, method: .put, key: w.adminKey, body: #"{"require_expiry":true,"max_capabilities":null}"#)
                #expect(partial.status == .ok && partial.text == Self.policy(["require_expiry": "true"]), "\(partial.text)")
                #expect(try await client.send(Self.path, method: .put, key: w.adminKey, body: "{}").text == Self.open)
            }
            let events = try await world.pool.query("""
                SELECT actor_id, organisation_id, detail->'before', detail->'after' FROM audit_events WHERE action = 'policy.updated' ORDER BY id
                """)
            #expect(events.count == 3)
            let event = try #require(events.first)
            #expect(try event.decode(Int64?.self, at: 0) == w.adam && event.decode(Int64?.self, at: 1) == w.acme)
            func object(_ text: String) -> NSDictionary? { try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary }
            #expect(object(try event.decode(String.self, at: 2)) == object(Self.open))
            #expect(object(try event.decode(String.self, at: 3)) == object(tight))
            #expect(try await Tenancy(vault: world.dependencies.vault).keyPolicy(organisationID: w.globex) == .open, "globex untouched")
        }
    }

    @Test func badBodiesAre400NamingTheFieldAndChangeNothing() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            let bodies: [(String, String)] = [
                (#"{"require_expiry":"true"}"#, "require_expiry"),
                (Self.policy(extra: #","colour":"red""#), "'colour' is not a known field"),
                (Self.policy(["max_lifetime_days": "0"]), "max_lifetime_days"),
                (Self.policy(["max_lifetime_days": "3651"]), "max_lifetime_days"),
                (Self.policy(["max_lifetime_days": "1.5"]), "max_lifetime_days"),
                (Self.policy(["max_lifetime_days": #""7""#]), "max_lifetime_days"),
                (Self.policy(["require_expiry": #""yes""#]), "require_expiry"),
                (Self.policy(["require_allowed_cidrs": "null"]), "require_allowed_cidrs"),
                (Self.policy(["require_approval": "1"]), "require_approval"),
                (Self.policy(["max_capabilities": #"["fly"]"#]), "max_capabilities"),
                (Self.policy(["max_capabilities": #""view""#]), "max_capabilities"),
                (Self.policy(["max_capabilities": "[1]"]), "max_capabilities"),
                ("[]", "object"),
                ("not json", "JSON"),
            ]
            try await world.client { client in
                for (body, named) in bodies {
                    let reply = try await client.send(Self.path, method: .put, key: w.adminKey, body: body)
                    #expect(reply.status == .badRequest, "\(body): \(reply.status)")
                    #expect(reply.detail?.contains(named) == true, "\(body): \(reply.text)")
                }
                #expect(try await client.send(Self.path, key: w.adminKey).text == Self.open)
            }
            #expect(try await Self.count(world, "policy.updated") == 0)
            #expect(try await world.pool.query("SELECT count(*) FROM key_policies")[0].decode(Int.self, at: 0) == 0)
        }
    }

    // MARK: Issuance

    @Test func everyIssuanceInTheOrganisationKeepsThePolicy() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            let vault = world.dependencies.vault
            let tenancy = Tenancy(vault: vault)
            let soon = Date().addingTimeInterval(10 * 86_400), late = Date().addingTimeInterval(60 * 86_400)
            let office = [try #require(AddressRange("10.0.0.0/8"))]
            /// adam (admin) issues in acme for `user`, as the console and `keys issue --by` do.
            func issue(_ user: String = "adam", by issuer: KeyIssuer = .user("adam"), expiresAt: Date? = nil, cidrs: [AddressRange] = [],
                       capabilities: Capabilities = .default, permissions: KeyPermissions? = nil) async throws -> IssuedKey {
                var request = KeyIssueRequest(username: user, name: "k", organisationSlug: "acme", capabilities: capabilities, expiresAt: expiresAt,
                                              issuer: issuer, via: "console", allowedCIDRs: cidrs)
                request.permissions = permissions
                return try await vault.issue(request)
            }
            func refusal(_ body: () async throws -> IssuedKey) async -> String? {
                do { _ = try await body(); return nil } catch VaultError.policyViolation(let why) { return why } catch { return "other: \(error)" }
            }

            // require_expiry.
            try await tenancy.setKeyPolicy(KeyPolicy(requireExpiry: true), organisationID: w.acme, actor: nil, via: "test")
            #expect(await refusal { try await issue() }?.contains("require_expiry") == true)
            _ = try await issue(expiresAt: late)
            // max_lifetime_days: an expiry is required, and no later than the bound.
            try await tenancy.setKeyPolicy(KeyPolicy(maxLifetimeDays: 30), organisationID: w.acme, actor: nil, via: "test")
            #expect(await refusal { try await issue() }?.contains("max_lifetime_days") == true)
            #expect(await refusal { try await issue(expiresAt: late) }?.contains("max_lifetime_days") == true)
            _ = try await issue(expiresAt: soon)
            // require_allowed_cidrs.
            try await tenancy.setKeyPolicy(KeyPolicy(requireAllowedCIDRs: true), organisationID: w.acme, actor: nil, via: "test")
            #expect(await refusal { try await issue() }?.contains("require_allowed_cidrs") == true)
            _ = try await issue(cidrs: office)
            // max_capabilities: plain capabilities, and a fine-grained key's verbs.
            try await tenancy.setKeyPolicy(KeyPolicy(maxCapabilities: [.view, .add]), organisationID: w.acme, actor: nil, via: "test")
            #expect(await refusal { try await issue(capabilities: [.view, .edit]) }?.contains("max_capabilities") == true)
            #expect(await refusal { try await issue(permissions: try KeyPermissions(verbs: ["surveys": ["view", "delete"]])) }?.contains("max_capabilities") == true)
            _ = try await issue(capabilities: [.view, .add])
            _ = try await issue(permissions: try KeyPermissions(verbs: ["surveys": ["view", "add"]]))
            // require_approval: not for a member who is not admin; admins for themselves, and the
            // operator (the command line without --by), still can.
            try await tenancy.setKeyPolicy(KeyPolicy(requireApproval: true, requirePasskey: true), organisationID: w.acme, actor: nil, via: "test")
            #expect(await refusal { try await issue("vera") }?.contains("require_approval") == true)
            _ = try await issue()
            _ = try await issue("olive", by: .user("olive"))
            _ = try await issue("vera", by: .platformOperator)
            // Outside acme (no organisation, or globex) the policy does not bind.
            _ = try await vault.issue(KeyIssueRequest(username: "adam", name: "g", organisationSlug: "globex", issuer: .user("adam")))
            #expect(try await Self.count(world, "key.issued") == 9)
        }
    }

    @Test func rollsAndSSOExchangesKeepThePolicyToo() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            let tenancy = Tenancy(vault: world.dependencies.vault)
            let lasting = try await world.key(for: w.vera, organisation: w.acme, expiresAt: Date().addingTimeInterval(60 * 86_400))
            let forever = try await world.key(for: w.vera, organisation: w.acme)
            // SSO: an enterprise member and the organisation's trust (keys of a day).
            let erin = try await world.user("erin", tier: .enterprise)
            try await world.pool.execute("INSERT INTO organisation_memberships (organisation_id, user_id, role) VALUES (\(w.acme), \(erin), 'viewer')")
            let idp = try JWSSigner(.es256, keyID: "k1")
            let jwks = String(decoding: try JSONSerialization.data(withJSONObject: ["keys": [idp.jwk]]), as: UTF8.self)
            _ = try await SSOTrustStore(pool: world.pool).save(SSOTrust(organisationSlug: "acme", issuer: "https://idp.example.com", audience: "latchkey", keys: .document(jwks)))
            @Sendable func exchange(_ subject: String) throws -> String {
                let now = Int(Date().timeIntervalSince1970)
                let token = try idp.sign(claims: #"{"iss":"https://idp.example.com","aud":"latchkey","sub":"\#(subject)","email":"erin@example.com","email_verified":true,"iat":\#(now),"exp":\#(now + 300)}"#)
                return "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aid_token&subject_token=" + token
            }
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

            try await tenancy.setKeyPolicy(KeyPolicy(maxLifetimeDays: 30, requireExpiry: true), organisationID: w.acme, actor: nil, via: "test")
            try await world.client { client in
                // A roll keeps the key's expiry: 60 days away is beyond 30; none at all is refused.
                for (key, rule) in [(lasting, "max_lifetime_days"), (forever, "max_lifetime_days")] {
                    let rolled = try await client.send("/api/keys/current/roll/", method: .post, key: key, body: #"{"grace_hours":1}"#)
                    #expect(rolled.status == .badRequest && rolled.object["code"] as? String == "POLICY_VIOLATION", "\(rolled.text)")
                    #expect(rolled.detail?.contains(rule) == true, "\(rolled.text)")
                    // Refused, the key is untouched: not rolled, still working.
                    #expect(try await client.send("/api/keys/current/", key: key).object["rolled_to"] is NSNull)
                }
                // An SSO key lives a day: allowed under 30 days, refused when allowed addresses are required.
                let allowed = try await client.send("/oauth/token", method: .post, headers: form, body: try exchange("e1"))
                #expect(allowed.status == .ok, "\(allowed.text)")
                try await tenancy.setKeyPolicy(KeyPolicy(requireAllowedCIDRs: true), organisationID: w.acme, actor: nil, via: "test")
                let refused = try await client.send("/oauth/token", method: .post, headers: form, body: try exchange("e2"))
                #expect(refused.status == .badRequest && refused.object["code"] as? String == "POLICY_VIOLATION", "\(refused.text)")
                #expect((refused.object["error_description"] as? String)?.contains("require_allowed_cidrs") == true)
                // Loosened, the roll goes through.
                try await tenancy.setKeyPolicy(.open, organisationID: w.acme, actor: nil, via: "test")
                #expect(try await client.send("/api/keys/current/roll/", method: .post, key: lasting, body: #"{"grace_hours":1}"#).status == .created)
            }
        }
    }

    // MARK: Existing keys: blocked, not revoked

    @Test func keysBreakingATightenedPolicyAreBlockedNotRevokedEverywhere() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            let tenancy = Tenancy(vault: world.dependencies.vault)
            let service = try #require(world.service)
            let old = try await world.key(for: w.vera, organisation: w.acme, allowedCIDRs: ["127.0.0.0/8", "::1/128"])
            try await world.pool.execute("UPDATE api_keys SET created_at = now() - interval '40 days' WHERE user_id = \(w.vera)")
            let open = try await world.key(for: w.vera, organisation: w.acme)
            let editor = try await world.key(for: w.adam, organisation: w.acme, capabilities: ["view", "edit"], allowedCIDRs: ["127.0.0.0/8", "::1/128"])
            let fine = try await world.key(for: w.adam, organisation: w.acme, allowedCIDRs: ["127.0.0.0/8", "::1/128"],
                                           permissions: try KeyPermissions(verbs: ["surveys": ["view", "delete"]]))
            let viewer = try await world.key(for: w.vera, organisation: w.acme, allowedCIDRs: ["127.0.0.0/8", "::1/128"])
            let unconfined = try await world.key(for: w.vera)
            let all = [old, open, editor, fine, viewer, unconfined]

            try await world.client(over: .live) { (client: any TestClientProtocol) async throws in
                func verify(_ key: String) async throws -> (valid: Bool?, code: String?) {
                    let reply = try await client.send("/v1/keys/verify", method: .post, key: service, body: #"{"key":"\#(key)"}"#)
                    return (reply.object["valid"] as? Bool, reply.object["code"] as? String)
                }
                func evaluate(_ key: String) async throws -> (decision: Bool?, code: String?) {
                    let body = #"{"subject":{"type":"api_key","id":"\#(key)"},"action":{"name":"survey.list"},"resource":{"type":"survey"}}"#
                    let reply = try await client.send("/access/v1/evaluation", method: .post, key: service, body: body)
                    return (reply.object["decision"] as? Bool, (reply.object["context"] as? [String: Any])?["code"] as? String)
                }
                for key in all { #expect(try await client.send("/api/surveys/", key: key).status == .ok) }

                // Tightened: older than 30 days is expired; no allowlist, or capabilities beyond
                // view and add, blocked (the resource API, verify, AuthZEN, sessions).
                let tight = Self.policy(["max_lifetime_days": "30", "require_allowed_cidrs": "true", "max_capabilities": #"["view","add"]"#])
                try await tenancy.setKeyPolicy(try KeyPolicy(json: try JSONValue.parse(Array(tight.utf8))), organisationID: w.acme, actor: w.adam, via: "test")

                let expired = try await client.send("/api/surveys/", key: old)
                #expect(expired.status == .unauthorized && expired.detail == "API key has expired.", "\(expired.text)")
                #expect(try await verify(old) == (false, "EXPIRED"))
                #expect(try await evaluate(old) == (false, "DENY_EXPIRED_KEY"))
                for (key, rule) in [(open, "require_allowed_cidrs"), (editor, "max_capabilities"), (fine, "max_capabilities")] {
                    let blocked = try await client.send("/api/surveys/", key: key)
                    #expect(blocked.status == .forbidden && blocked.object["code"] as? String == "POLICY_BLOCKED", "\(blocked.text)")
                    #expect(blocked.detail?.contains(rule) == true, "\(blocked.text)")
                    #expect(try await verify(key) == (false, "POLICY_BLOCKED"))
                    #expect(try await evaluate(key) == (false, "POLICY_BLOCKED"))
                    let login = try await client.send("/api/auth/login/", method: .post, body: #"{"apikey":"\#(key)"}"#)
                    #expect(login.status == .forbidden && login.object["code"] as? String == "POLICY_BLOCKED", "\(login.text)")
                }
                // Keys that keep the policy, and keys of no organisation, work on.
                for key in [viewer, unconfined] {
                    #expect(try await client.send("/api/surveys/", key: key).status == .ok)
                    #expect(try await verify(key) == (true, "VALID"))
                }
                // Blocked, not revoked: loosening brings every one back.
                #expect(try await world.pool.query("SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL")[0].decode(Int.self, at: 0) == 0)
                try await tenancy.setKeyPolicy(.open, organisationID: w.acme, actor: w.adam, via: "test")
                for key in all {
                    #expect(try await client.send("/api/surveys/", key: key).status == .ok)
                    #expect(try await verify(key) == (true, "VALID"))
                }
            }
        }
    }

    @Test func aSessionOfAKeyBlockedLaterIsRefusedTheSameWay() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            let key = try await world.key(for: w.vera, organisation: w.acme)
            try await world.client { client in
                let login = try await client.send("/api/auth/login/", method: .post, body: #"{"apikey":"\#(key)"}"#)
                let token = try #require(login.object["token-id"] as? String)
                let session: HTTPFields = [HTTPFields.Element.Name("authtoken")!: token]
                #expect(try await client.send("/api/surveys/", headers: session).status == .ok)
                try await Tenancy(vault: world.dependencies.vault).setKeyPolicy(KeyPolicy(requireAllowedCIDRs: true), organisationID: w.acme, actor: nil, via: "test")
                let refused = try await client.send("/api/surveys/", headers: session)
                #expect(refused.status == .forbidden && refused.object["code"] as? String == "POLICY_BLOCKED", "\(refused.text)")
            }
        }
    }

    /// A use of a blocked key is counted as `blocked` (SPEC §13, §14), never as valid.
    @Test func aBlockedKeysUseIsCountedAsBlocked() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            let key = try await world.key(for: w.vera, organisation: w.acme)
            try await Tenancy(vault: world.dependencies.vault).setKeyPolicy(KeyPolicy(maxCapabilities: []), organisationID: w.acme, actor: nil, via: "test")
            let shared = APIDependencies()
            try await world.client(shared: shared) { (client: any TestClientProtocol) async throws in
                for _ in 0..<2 { #expect(try await client.send("/api/surveys/", key: key).status == .forbidden) }
            }
            await UsageRecorder(counter: shared.usage, pool: world.pool).flush()
            let counted = try await world.pool.query("SELECT outcome, sum(count)::bigint FROM key_usage GROUP BY outcome")
                .map { "\(try $0.decode(String.self, at: 0))=\(try $0.decode(Int64.self, at: 1))" }
            #expect(counted == ["blocked=2"])
        }
    }

    /// A change by one instance (or anyone's SQL) blocks and unblocks at once on every other:
    /// the `key_policies` trigger's notice evicts their caches.
    @Test func everyInstanceHearsAPolicyChange() async throws {
        try await ServerWorld.twoInstances { a, b in
            let w = try await Self.seed(a)
            let key = try await a.key(for: w.vera, organisation: w.acme)
            #expect(try await b.dependencies.vault.verify(key).status == .valid, "cached by b")
            try await Tenancy(vault: a.dependencies.vault).setKeyPolicy(KeyPolicy(requireAllowedCIDRs: true), organisationID: w.acme, actor: nil, via: "test")
            #expect(try await eventually { try await b.dependencies.vault.verify(key).status == .policyBlocked })
            try await a.pool.execute("DELETE FROM key_policies")
            #expect(try await eventually { try await b.dependencies.vault.verify(key).status == .valid })
        }
    }
}
