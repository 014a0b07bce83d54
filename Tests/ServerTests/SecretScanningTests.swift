import Federation
import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import ServerTestSupport
import Testing
import Vault

/// Stands in for GitHub's secret scanning: a P-256 key pair made by OpenSSL, published in
/// GitHub's key-file format, signing alert bodies as GitHub does (base64 DER ECDSA).
struct GitHubScanner {
    let signer: JWSSigner
    let identifier: String
    let file: URL

    init(identifier: String = "90a421169f0a406205f1563a953312f0be898d3c7b6c06b681aa86a874555f4a") throws {
        signer = try JWSSigner(.es256, keyID: identifier)
        self.identifier = identifier
        file = FileManager.default.temporaryDirectory.appendingPathComponent("github-keys-\(UUID().uuidString).json")
        try publish([self])
    }

    /// Writes the key file with the public keys of `scanners`.
    func publish(_ scanners: [GitHubScanner]) throws {
        let keys = scanners.map { ["key_identifier": $0.identifier, "key": $0.signer.publicKeyPEM, "is_current": true] as [String: Any] }
        try JSONSerialization.data(withJSONObject: ["public_keys": keys]).write(to: file)
    }

    func dependencies(rereadInterval: Duration = .seconds(10)) throws -> APIDependencies {
        APIDependencies(githubScanningKeys: try SecretScanningKeyFile(path: file.path, rereadInterval: rereadInterval))
    }

    func signature(_ body: String) throws -> String {
        Data(try #require(ECDSASignature.der(raw: try signer.signature(of: Array(body.utf8))))).base64EncodedString()
    }

    func headers(_ body: String) throws -> HTTPFields {
        [HTTPFields.Element.Name("Github-Public-Key-Identifier")!: identifier,
         HTTPFields.Element.Name("Github-Public-Key-Signature")!: try signature(body)]
    }

    static func alert(_ tokens: [String], url: String = "https://github.com/octo/repo/blob/main/.env") -> String {
        let items = tokens.map { ["token": $0, "type": "latchkey_api_key", "url": url, "source": "content"] }
        return String(decoding: try! JSONSerialization.data(withJSONObject: items), as: UTF8.self)
    }
}

/// `POST /v1/keys/github-secret-scanning` (SPEC §2): signed alerts revoke the real keys among
/// them and get GitHub's feedback; anything unsigned or mis-signed is 401 and revokes nothing.
@Suite struct SecretScanningTests {
    static let path = "/v1/keys/github-secret-scanning"

    @Test func aSignedAlertRevokesTheRealKeysAndLabelsEachToken() async throws {
        try await ServerWorld.with { world in
            let github = try GitHubScanner()
            let ada = try await world.user("ada")
            let leaked = try await world.key(for: ada)
            let kept = try await world.key(for: ada)
            let unknown = try KeyFormat.generate(.live).secret
            let tokens = [leaked, unknown, "ct_live_lookalike", leaked]
            let body = GitHubScanner.alert(tokens)
            try await world.client(shared: try github.dependencies()) { client in
                let reply = try await client.send(Self.path, method: .post, headers: try github.headers(body), body: body)
                #expect(reply.status == .ok)
                let feedback = try #require(try JSONSerialization.jsonObject(with: Data(reply.text.utf8)) as? [[String: String]])
                #expect(feedback.map { $0["token_hash"] } == tokens.map { SHA256Digest(hashing: $0).hex })
                #expect(feedback.map { $0["label"] } == ["true_positive", "false_positive", "false_positive", "true_positive"])
                #expect(feedback.allSatisfy { $0["token_type"] == "ct_live" })
                #expect(!reply.text.contains(leaked), "the feedback never echoes a token")
                #expect(try await client.send("/api/surveys/", key: leaked).status == .unauthorized)
                #expect(try await client.send("/api/surveys/", key: kept).status == .ok)
                let audit = try await world.pool.query("""
                    SELECT detail->>'source', detail->>'url', detail->>'reason' FROM audit_events WHERE action = 'key.revoked_leak'
                    """).map { try $0.decode((String?, String?, String?).self) }
                #expect(audit.count == 1 && audit[0] == ("github", "https://github.com/octo/repo/blob/main/.env", "leaked"))
                // Sent again (GitHub retries): the key is still a true positive, nothing more is written.
                let again = try await client.send(Self.path, method: .post, headers: try github.headers(body), body: body)
                #expect(again.status == .ok && again.text == reply.text)
                #expect(try await world.pool.query("SELECT count(*) FROM audit_events WHERE action = 'key.revoked_leak'")[0].decode(Int.self, at: 0) == 1)
            }
        }
    }

    @Test func unsignedOrMisSignedAlertsAre401AndRevokeNothing() async throws {
        try await ServerWorld.with { world in
            let github = try GitHubScanner()
            let impostor = try GitHubScanner(identifier: github.identifier)
            let ada = try await world.user("ada")
            let key = try await world.key(for: ada)
            let body = GitHubScanner.alert([key])
            let identifier = HTTPFields.Element.Name("Github-Public-Key-Identifier")!
            let signature = HTTPFields.Element.Name("Github-Public-Key-Signature")!
            let good = try github.signature(body)
            let raw = Data(try github.signer.signature(of: Array(body.utf8))).base64EncodedString()
            let refusals: [(String, HTTPFields, String)] = [
                ("no headers", [:], body),
                ("no signature", [identifier: github.identifier], body),
                ("no identifier", [signature: good], body),
                ("unknown identifier", [identifier: "not-a-github-key", signature: good], body),
                ("signature not base64", [identifier: github.identifier, signature: "%%%"], body),
                ("signature not DER (JOSE r‖s)", [identifier: github.identifier, signature: raw], body),
                ("another key's signature", try impostor.headers(body), body),
                ("body changed after signing", try github.headers(body), body.replacingOccurrences(of: "content", with: "commit")),
                ("a token added after signing", try github.headers(body), GitHubScanner.alert([key, key])),
            ]
            try await world.client(shared: try github.dependencies()) { client in
                let before = try await world.tableFingerprints()
                for (why, headers, sent) in refusals {
                    let reply = try await client.send(Self.path, method: .post, headers: headers, body: sent)
                    #expect(reply.status == .unauthorized && reply.object["code"] as? String == "BAD_SIGNATURE" && reply.headers[.wwwAuthenticate] != nil, "\(why): \(reply.status)")
                }
                #expect(try await world.tableFingerprints() == before)
                #expect(try await client.send("/api/surveys/", key: key).status == .ok)
            }
            // A server without GitHub's keys refuses every alert.
            let signed = try github.headers(body)
            try await world.client { client in
                let reply = try await client.send(Self.path, method: .post, headers: signed, body: body)
                #expect(reply.status == .unauthorized)
                #expect(try await client.send("/api/surveys/", key: key).status == .ok)
            }
        }
    }

    @Test func signedAlertsThatAreNotAlertsAre400() async throws {
        try await ServerWorld.with { world in
            let github = try GitHubScanner()
            let ada = try await world.user("ada")
            let key = try await world.key(for: ada)
            let many = GitHubScanner.alert(Array(repeating: key, count: 1_001))
            let bodies = ["", "{}", "[]", "nope", #"[{"token":1}]"#, #"[{"type":"x"}]"#, #"["\#(key)"]"#,
                          #"[{"token":"\#(key)","url":5}]"#, #"[{"token":"\#(key)","source":null}]"#, many]
            try await world.client(shared: try github.dependencies()) { client in
                let before = try await world.tableFingerprints()
                for body in bodies {
                    let reply = try await client.send(Self.path, method: .post, headers: try github.headers(body), body: body)
                    #expect(reply.status == .badRequest, "\(body.prefix(60)): \(reply.status)")
                }
                #expect(try await world.tableFingerprints() == before)
                #expect(try await client.send("/api/surveys/", key: key).status == .ok)
            }
        }
    }

    @Test func aRotatedGitHubKeyIsPickedUpFromTheFile() async throws {
        try await ServerWorld.with { world in
            let old = try GitHubScanner()
            let new = try GitHubScanner(identifier: "rotated")
            let ada = try await world.user("ada")
            let key = try await world.key(for: ada)
            let body = GitHubScanner.alert([key])
            try await world.client(shared: try old.dependencies(rereadInterval: .zero)) { client in
                #expect(try await client.send(Self.path, method: .post, headers: try new.headers(body), body: body).status == .unauthorized)
                try old.publish([old, new])
                #expect(try await client.send(Self.path, method: .post, headers: try new.headers(body), body: body).status == .ok)
                #expect(try await client.send("/api/surveys/", key: key).status == .unauthorized)
            }
        }
    }

    @Test func keyFilesThatAreNotGitHubsAreRefused() throws {
        let github = try GitHubScanner()
        let rsa = try JWSSigner(.rs256, keyID: "rsa")
        for document in ["", "{}", #"{"public_keys":[]}"#, #"{"public_keys":[{"key_identifier":"a"}]}"#,
                         #"{"public_keys":[{"key_identifier":"a","key":"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"}]}"#,
                         String(decoding: try JSONSerialization.data(withJSONObject: ["public_keys": [["key_identifier": "a", "key": rsa.publicKeyPEM]]]), as: UTF8.self)] {
            #expect(throws: FederationError.self, "\(document.prefix(60))") { try SecretScanningKeys(json: Array(document.utf8)) }
        }
        #expect(throws: FederationError.self) { try SecretScanningKeyFile(path: "/nonexistent/keys.json") }
        #expect(try SecretScanningKeyFile(path: github.file.path).verifies(Array("x".utf8), identifier: github.identifier, signature: try github.signature("x")))
    }

    /// The pattern the README gives GitHub matches every key, and the checksum turns away what
    /// merely looks like one (a random match passes the CRC-32 once in 62^6).
    @Test func thePatternRegisteredWithGitHubMatchesKeysAndTheChecksumRulesOutLookalikes() throws {
        let pattern = /\bct_live_[0-9A-Za-z]{49}\b/
        for _ in 0..<200 {
            let key = try KeyFormat.generate(.live).secret
            #expect(try pattern.wholeMatch(in: key) != nil)
            #expect(try pattern.firstMatch(in: "LATCHKEY=\(key)\n")?.output == Substring(key))
        }
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        for _ in 0..<2_000 {
            let lookalike = "ct_live_" + String((0..<49).map { _ in alphabet.randomElement()! })
            #expect(try pattern.wholeMatch(in: lookalike) != nil)
            #expect((try? KeyFormat.parse(lookalike, as: .live)) == nil)
        }
    }
}
