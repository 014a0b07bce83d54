import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import ServerTestSupport
import Testing
import Vault

/// Headers (SPEC §7, issue #34): every answer that carries a secret is `Cache-Control:
/// no-store`, so no cache between the client and the server keeps a new key or a session
/// token; with an `https://` public URL every answer carries `Strict-Transport-Security`.
@Suite struct SecretHeadersTests {
    static let hsts = HTTPFields.Element.Name("Strict-Transport-Security")!

    @Test func answersCarryingASecretAreNotStored() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.user("ada")
            let key = try await world.key(for: ada)
            try await world.client { client in
                let login = try await client.send("/api/auth/login/", method: .post, body: #"{"apikey":"\#(key)"}"#)
                #expect(login.status == .ok && login.object["token-id"] is String)
                #expect(login.headers[.cacheControl] == "no-store", "login")
                let token = try await client.send("/api/token", method: .post, body: #"{"apikey":"\#(key)"}"#)
                #expect(token.status == .ok && token.object["token-id"] is String)
                #expect(token.headers[.cacheControl] == "no-store", "legacy token")
                let session: HTTPFields = [HTTPFields.Element.Name("authtoken")!: login.object["token-id"] as? String ?? ""]
                let status = try await client.send("/api/auth/status/", headers: session)
                #expect(status.status == .ok && status.object["csrftoken"] is String)
                #expect(status.headers[.cacheControl] == "no-store", "status carries the session's CSRF token")
                let refused = try await client.send("/api/auth/login/", method: .post, body: #"{"apikey":"ct_live_nope"}"#)
                #expect(refused.status == .unauthorized && refused.headers[.cacheControl] == "no-store")

                let rolled = try await client.send("/api/keys/current/roll/", method: .post, key: key, body: #"{"grace_hours":1}"#)
                #expect(rolled.status == .created && (rolled.object["key"] as? String)?.hasPrefix("ct_live_") == true)
                #expect(rolled.headers[.cacheControl] == "no-store", "roll")
            }
        }
    }

    @Test func anHTTPSPublicURLSendsStrictTransportSecurityOnEveryAnswer() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.user("ada")
            let key = try await world.key(for: ada)
            let requests: [(String, HTTPRequest.Method, String?)] = [
                ("/api/health", .get, nil), ("/api/surveys/", .get, key), ("/api/surveys/", .get, nil), ("/api/nowhere/", .get, nil),
                ("/api/health", .delete, nil), ("/.well-known/authzen-configuration", .get, nil), ("/account/login", .get, nil),
                ("/api/auth/login/", .post, nil), ("/oauth/token", .post, nil),
            ]
            try await world.client(settings: APISettings(publicURL: "https://latchkey.example.com")) { client async throws in
                for (path, method, key) in requests {
                    let reply = try await client.send(path, method: method, key: key)
                    #expect(reply.headers[Self.hsts] == "max-age=31536000", "\(method) \(path): \(reply.status)")
                }
            }
            for publicURL in ["http://localhost:8080", nil] {
                try await world.client(settings: APISettings(publicURL: publicURL)) { client async throws in
                    for (path, method, key) in requests {
                        #expect(try await client.send(path, method: method, key: key).headers[Self.hsts] == nil, "\(method) \(path)")
                    }
                }
            }
        }
    }
}
