import Accounts
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Server
import ServerTestSupport
import Tenancy
import Testing
import Vault

/// Session login (SPEC §5): the login body field by field, status and logout, `authtoken` on
/// the resource API, and sessions dying with their key.
@Suite struct SessionTests {
    struct World: Sendable {
        var alice: Int64, acme: Int64
        var key: String
    }

    /// alice (Alice Liddell, pro) is an admin of acme, which has a second member; her key is
    /// issued in acme with `view` and `edit`.
    static func seed(_ world: ServerWorld) async throws -> World {
        let alice = try await world.user("alice")
        try await world.pool.execute("UPDATE users SET first_name = 'Alice', last_name = 'Liddell' WHERE id = \(alice)")
        let bob = try await world.user("bob")
        let acme = try await world.organisation("acme", members: [(alice, "admin"), (bob, "viewer")])
        _ = try await world.organisation("owned", owner: alice)
        let key = try await world.key(for: alice, organisation: acme, capabilities: ["view", "edit"])
        return World(alice: alice, acme: acme, key: key)
    }

    static func login(_ client: some TestClientProtocol, _ key: String, path: String = "/api/auth/login/") async throws -> Reply {
        try await client.send(path, method: .post, body: #"{"apikey":"\#(key)"}"#)
    }

    static func keyID(_ world: ServerWorld, _ secret: String) async throws -> UUID {
        let digest = Data(SHA256Digest(hashing: secret).bytes)
        return try await world.pool.query("SELECT id FROM api_keys WHERE hash = \(digest)")[0].decode(UUID.self, at: 0)
    }

    @Test func loginAnswersTheExactShape() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            try await world.client { client in
                let reply = try await Self.login(client, w.key)
                #expect(reply.status == .ok, "\(reply.text)")
                let body = reply.object
                #expect(Set(body.keys) == ["demographics", "auth", "user", "csrftoken", "organisation_context", "token-id"])
                #expect((body["demographics"] as? [String: Any])?.isEmpty == true)
                #expect(body["auth"] as? String == "logged_in")
                let token = body["token-id"] as? String ?? ""
                #expect(token.count == 43)
                #expect((body["csrftoken"] as? String)?.count == 43)
                #expect(body["csrftoken"] as? String != token)

                let user = body["user"] as? [String: Any] ?? [:]
                #expect(Set(user.keys) == ["id", "client_id", "created", "modified", "tombstate", "email", "is_active", "roles",
                                           "names", "settings", "organisations"])
                #expect((user["id"] as? NSNumber)?.int64Value == w.alice)
                #expect(user["client_id"] is NSNull)
                #expect(user["tombstate"] is NSNull)
                #expect(user["email"] as? String == "alice@example.com")
                #expect(user["is_active"] as? Bool == true)
                #expect(user["roles"] as? [String] == ["Apikey_view", "Apikey_edit"])
                #expect(user["names"] as? [String] == ["Alice", "Liddell"])
                #expect((user["settings"] as? [String: Any])?.isEmpty == true)
                #expect((user["created"] as? String)?.hasSuffix("Z") == true)
                #expect((user["modified"] as? String)?.hasSuffix("Z") == true)
                // The key is confined to acme (SPEC §2): the session shows no other tenant of alice's.
                let organisations = user["organisations"] as? [[String: Any]] ?? []
                #expect(organisations.map { $0["slug"] as? String } == ["acme"])
                #expect(organisations.map { $0["role"] as? String } == ["admin"])

                let context = body["organisation_context"] as? [String: Any] ?? [:]
                #expect(Set(context.keys) == ["has_peers", "name", "created", "modified", "licensee", "verticals", "avatar",
                                              "client_id", "tombstate", "id", "features"])
                #expect((context["id"] as? NSNumber)?.int64Value == w.acme)
                #expect(context["name"] as? String == "ACME")
                #expect(context["has_peers"] as? Bool == true)
                #expect(context["licensee"] as? String == "ACME")
                #expect((context["verticals"] as? [Any])?.isEmpty == true)
                #expect((context["features"] as? [Any])?.isEmpty == true)
                #expect(context["avatar"] is NSNull)

                // Status: the same body, without the token.
                let status = try await client.send("/api/auth/status/", headers: [HTTPFields.Element.Name("authtoken")!: token])
                #expect(status.status == .ok)
                #expect(status.object["token-id"] is NSNull)
                #expect(status.object["csrftoken"] as? String == body["csrftoken"] as? String)
                #expect((status.object["user"] as? [String: Any])?["roles"] as? [String] == ["Apikey_view", "Apikey_edit"])

                // The legacy alias answers the same way.
                let legacy = try await Self.login(client, w.key, path: "/api/token")
                #expect(legacy.status == .ok)
                #expect(legacy.object["auth"] as? String == "logged_in")
                #expect(legacy.object["token-id"] as? String != token)
            }
            // Stored hashed only; the login is audited without the token.
            let stored = try await world.pool.query("""
                SELECT count(*), count(*) FILTER (WHERE expires_at BETWEEN now() + interval '11 hours 59 minutes' AND now() + interval '12 hours 1 minute')
                FROM session_tokens
                """)[0]
            #expect(try stored.decode(Int.self, at: 0) == 2)
            #expect(try stored.decode(Int.self, at: 1) == 2)
            let logins = try await world.pool.query("SELECT count(*) FROM audit_events WHERE action = 'login' AND actor_id = \(w.alice)")
            #expect(try logins[0].decode(Int.self, at: 0) == 2)
        }
    }

    @Test func aKeyWithoutOrganisationListsEveryOrganisationOfItsUser() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            let personal = try await world.key(for: w.alice)
            try await world.client { client in
                let reply = try await Self.login(client, personal)
                #expect(reply.status == .ok, "\(reply.text)")
                let organisations = (reply.object["user"] as? [String: Any])?["organisations"] as? [[String: Any]] ?? []
                #expect(organisations.map { $0["slug"] as? String } == ["acme", "owned"])
                #expect(organisations.map { $0["role"] as? String } == ["admin", "owner"])
                #expect(reply.object["organisation_context"] is NSNull)
            }
        }
    }

    @Test func tokensAreNeverStoredOrAudited() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            let token = try await world.client { client in
                try await Self.login(client, w.key).object["token-id"] as? String ?? "missing"
            }
            let leaks = try await world.pool.query("""
                SELECT (SELECT count(*) FROM session_tokens s WHERE s::text LIKE '%' || \(token) || '%'),
                       (SELECT count(*) FROM audit_events a WHERE a::text LIKE '%' || \(token) || '%'),
                       (SELECT count(*) FROM session_tokens WHERE token_hash = sha256(convert_to(\(token), 'UTF8')))
                """)[0]
            #expect(try leaks.decode(Int.self, at: 0) == 0)
            #expect(try leaks.decode(Int.self, at: 1) == 0)
            #expect(try leaks.decode(Int.self, at: 2) == 1)
        }
    }

    @Test func authtokenActsAsItsKeyAndDiesWithIt() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            let survey = try await world.survey("s1", owner: w.alice, organisation: w.acme)
            let keyID = try await Self.keyID(world, w.key)
            let vault = world.dependencies.vault
            try await world.client { client in
                let token = try await Self.login(client, w.key).object["token-id"] as? String ?? ""
                let session: HTTPFields = [HTTPFields.Element.Name("authtoken")!: token]
                let list = try await client.send("/api/surveys/", headers: session)
                #expect(list.status == .ok)
                #expect(list.ids == [survey])
                // Roles mirror capabilities: edit yes, delete no.
                let edit = try await client.send("/api/surveys/\(survey)/", method: .patch, headers: session, body: #"{"name":"Via session"}"#)
                #expect(edit.status == .ok)
                let delete = try await client.send("/api/surveys/\(survey)/", method: .delete, headers: session)
                #expect(delete.detail == "API key lacks the 'delete' capability.")
                let audited = try await world.pool.query("SELECT detail->>'via' FROM audit_events WHERE action = 'survey.updated'")
                #expect(try audited[0].decode(String.self, at: 0) == "session")

                // Revoking the key ends the session at once.
                try await vault.revoke(keyID: keyID)
                let after = try await client.send("/api/surveys/", headers: session)
                #expect(after.status == .unauthorized)
                #expect(after.detail == "Invalid or expired session token.")
                #expect(after.headers[.wwwAuthenticate] == #"Bearer realm="api""#)
                let status = try await client.send("/api/auth/status/", headers: session)
                #expect(status.status == .unauthorized)
                #expect(status.object["auth"] as? String == "logged_out")
            }
        }
    }

    @Test func passwordChangeExpiryAndTierEndSessions() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            let vault = world.dependencies.vault
            let tenancy = Tenancy(vault: vault)
            let carol = try await world.user("carol")
            let expiring = try await world.key(for: carol, expiresAt: Date().addingTimeInterval(3600))
            try await world.client { client in
                let token = try await Self.login(client, w.key).object["token-id"] as? String ?? ""
                let carolToken = try await Self.login(client, expiring).object["token-id"] as? String ?? ""
                let session: HTTPFields = [HTTPFields.Element.Name("authtoken")!: token]
                let carolSession: HTTPFields = [HTTPFields.Element.Name("authtoken")!: carolToken]
                #expect(try await client.send("/api/surveys/", headers: session).status == .ok)
                #expect(try await client.send("/api/surveys/", headers: carolSession).status == .ok)

                try await tenancy.setTier(username: "carol", tier: .free)
                let free = try await client.send("/api/surveys/", headers: carolSession)
                #expect(free.status == .forbidden)
                #expect(free.detail == "API access requires a paid account tier.")
                try await tenancy.setTier(username: "carol", tier: .pro)

                try await Accounts(vault: vault).setPassword(username: "alice", password: "a new password")
                #expect(try await client.send("/api/surveys/", headers: session).status == .unauthorized)

                try await world.pool.execute("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE user_id = \(carol)")
                vault.flushCache()
                let expired = try await client.send("/api/surveys/", headers: carolSession)
                #expect(expired.status == .unauthorized)
                #expect(expired.detail == "API key has expired.")
            }
        }
    }

    @Test func sessionsExpireAndLogOut() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            try await world.client(settings: APISettings(sessionLifetime: .seconds(90))) { client in
                let token = try await Self.login(client, w.key).object["token-id"] as? String ?? ""
                let session: HTTPFields = [HTTPFields.Element.Name("authtoken")!: token]
                #expect(try await client.send("/api/auth/status/", headers: session).status == .ok)
                let lifetime = try await world.pool.query("SELECT extract(epoch FROM expires_at - created_at)::float8 FROM session_tokens")
                #expect(try lifetime[0].decode(Double.self, at: 0) == 90)
                try await world.pool.execute("UPDATE session_tokens SET expires_at = now() - interval '1 millisecond'")
                // Another writer's change: its notice reaches every instance within a second
                // (`sessionsEndedOnOneInstanceAreRefusedByTheOther`); here, as for keys, at once.
                world.dependencies.vault.flushCache()
                let expired = try await client.send("/api/auth/status/", headers: session)
                #expect(expired.status == .unauthorized)
                #expect(expired.object["auth"] as? String == "logged_out")
            }
            try await world.client { client in
                let token = try await Self.login(client, w.key).object["token-id"] as? String ?? ""
                let session: HTTPFields = [HTTPFields.Element.Name("authtoken")!: token]
                let logout = try await client.send("/api/auth/logout/", method: .post, headers: session)
                #expect(logout.status == .ok)
                #expect(logout.object["auth"] as? String == "logged_out")
                #expect(try await client.send("/api/auth/status/", headers: session).status == .unauthorized)
                #expect(try await client.send("/api/surveys/", headers: session).status == .unauthorized)
                let again = try await client.send("/api/auth/logout/", method: .post, headers: session)
                #expect(again.status == .unauthorized)
                // The key itself still works: logging out ends the session, not the key.
                #expect(try await client.send("/api/surveys/", key: w.key).status == .ok)
            }
            let logouts = try await world.pool.query("SELECT count(*) FROM audit_events WHERE action = 'logout'")[0].decode(Int.self, at: 0)
            #expect(logouts == 1)
        }
    }

    @Test func badLoginsAreLoggedOutAnswers() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            let free = try await world.user("freebie", tier: .free)
            let freeKey = try await world.key(for: free)
            let expired = try await world.key(for: w.alice, expiresAt: Date().addingTimeInterval(-60))
            let revoked = try await world.key(for: w.alice, revoked: true)
            let before = try await world.fingerprint()
            try await world.client { client in
                for (key, status, detail) in [("ct_live_nope", HTTPResponse.Status.unauthorized, "Invalid API key."),
                                              ("ct_live_" + String(repeating: "x", count: 1_000), .unauthorized, "Invalid API key."),
                                              (revoked, .unauthorized, "Invalid API key."),
                                              (expired, .unauthorized, "API key has expired."),
                                              (freeKey, .forbidden, "API access requires a paid account tier.")] {
                    let reply = try await Self.login(client, key)
                    #expect(reply.status == status, "\(detail)")
                    #expect(reply.object["auth"] as? String == "logged_out")
                    #expect(reply.detail == detail)
                    #expect(!reply.text.contains(key), "the key is never echoed")
                }
                for body in ["", "{}", #"{"apikey":5}"#, #"{"apikey":"x","extra":1}"#, "[", #"{"key":"ct_live_x"}"#] {
                    let reply = try await client.send("/api/auth/login/", method: .post, body: body)
                    #expect(reply.status == .badRequest, "\(body)")
                    #expect(reply.object["auth"] as? String == "logged_out", "\(body)")
                }
                for token in ["", "short", String(repeating: "a", count: 43), String(repeating: "é", count: 43), "a b"] {
                    let reply = try await client.send("/api/auth/status/", headers: [HTTPFields.Element.Name("authtoken")!: token])
                    #expect(reply.status == .unauthorized, "\(token)")
                    let resource = try await client.send("/api/datasets/", headers: [HTTPFields.Element.Name("authtoken")!: token])
                    #expect(resource.status == .unauthorized, "\(token)")
                    #expect(resource.detail == "Invalid or expired session token.")
                }
                let anonymous = try await client.send("/api/auth/status/")
                #expect(anonymous.status == .unauthorized)
                #expect(anonymous.object["auth"] as? String == "logged_out")
                let withKey = try await client.send("/api/auth/status/", key: w.key)
                #expect(withKey.status == .badRequest)
                #expect(try await client.send("/api/auth/login/").status == .methodNotAllowed)
            }
            #expect(try await world.fingerprint() == before)
        }
    }
}
