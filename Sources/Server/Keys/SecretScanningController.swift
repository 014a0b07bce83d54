import Federation
import Hummingbird
import JSON
import PluginKit
import Vault

/// `POST /v1/keys/github-secret-scanning` (SPEC §2): GitHub's secret-scanning partner alerts.
/// The signature over the raw body is checked before anything is read; each valid key in the
/// alert is revoked as a leak (with the alert's `url`), and the answer is GitHub's feedback
/// array, one entry per token.
struct SecretScanningController: Sendable {
    let vault: Vault
    /// The keys of `LATCHKEY_GITHUB_SCANNING_KEYS`; without them every alert is 401.
    let keys: SecretScanningKeyFile?

    static let bodyLimit = 1 << 20
    static let tokenLimit = 1_000

    func register(on routes: RouteTable<LatchkeyRequestContext>) {
        routes.on("/v1/keys/github-secret-scanning", method: .post, .public, documented: CoreOpenAPI.operation("githubSecretScanning")) { request, context in
            try await alert(request, context)
        }
    }

    func alert(_ request: Request, _ context: LatchkeyRequestContext) async throws -> Response {
        guard let raw = try? await request.body.collect(upTo: Self.bodyLimit) else {
            throw APIError(.contentTooLarge, detail: "Request body exceeds \(Self.bodyLimit) bytes.")
        }
        let body = Array(raw.readableBytesView)
        guard let keys, let identifier = request.headers[HeaderName.githubKeyIdentifier],
              let signature = request.headers[HeaderName.githubKeySignature],
              keys.verifies(body, identifier: identifier, signature: signature) else {
            throw APIError(.unauthorized, detail: "The alert's signature does not verify with a known GitHub key.", code: "BAD_SIGNATURE")
        }
        let leaks = try Self.leaks(body)
        let known = try await vault.revokeLeaked(leaks, source: "github", ip: context.clientIP)
        var json = JSONWriter(capacity: 128 * leaks.count + 2)
        json.array { json in
            for leak in leaks {
                let digest = SHA256Digest(hashing: leak.credential)
                json.object { json in
                    json.field("token_hash", digest.hex)
                    json.field("token_type", "ct_live")
                    json.field("label", known.contains(digest) ? "true_positive" : "false_positive")
                }
            }
        }
        return .json(body: json.buffer)
    }

    /// The alert's tokens: a JSON array of 1 to 1,000 objects, each with a string `token` and,
    /// when present, string `type`, `url` and `source` (other members are GitHub's to add).
    static func leaks(_ body: [UInt8]) throws -> [Vault.Leak] {
        guard case .array(let items)? = try? JSONValue.parse(body, maxDepth: 4) else {
            throw JSONBody.invalid("an alert is a JSON array of {\"token\",\"type\",\"url\",\"source\"}")
        }
        guard (1...tokenLimit).contains(items.count) else { throw JSONBody.invalid("an alert holds 1 to \(tokenLimit) tokens") }
        return try items.map { item in
            guard case .object(let fields) = item, case .string(let token)? = fields["token"] else {
                throw JSONBody.invalid("every item needs a string 'token'")
            }
            for name in ["type", "url", "source"] {
                guard let value = fields[name] else { continue }
                guard case .string = value else { throw JSONBody.invalid("'\(name)' must be a string") }
            }
            if case .string(let url)? = fields["url"] { return Vault.Leak(token, url: url) }
            return Vault.Leak(token)
        }
    }
}
