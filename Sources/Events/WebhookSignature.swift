import Foundation
import Vault

/// Standard Webhooks signing (https://www.standardwebhooks.com): the headers `webhook-id`,
/// `webhook-timestamp` (Unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of
/// "id.timestamp.body">`, the key being the base64 after `whsec_` of the endpoint's secret.
public enum WebhookSignature {
    /// What every secret starts with.
    public static let secretPrefix = "whsec_"

    /// A new endpoint secret: `whsec_` + base64 of 32 bytes from OpenSSL's generator.
    public static func newSecret() throws -> String {
        secretPrefix + Data(try SecureRandom.bytes(32)).base64EncodedString()
    }

    /// The HMAC key of `secret` (`whsec_` + base64, or the base64 alone); `nil` when it is not that.
    public static func key(of secret: String) -> [UInt8]? {
        let encoded = secret.hasPrefix(secretPrefix) ? String(secret.dropFirst(secretPrefix.count)) : secret
        guard let data = Data(base64Encoded: encoded), !data.isEmpty else { return nil }
        return Array(data)
    }

    /// The `webhook-signature` value of a message: `v1,` + base64 of the HMAC-SHA256 of
    /// `id.timestamp.body` under `secret`'s key.
    public static func signature(id: String, timestamp: Int64, body: [UInt8], secret: String) throws -> String {
        guard let key = key(of: secret) else { throw WebhookError.invalid("the endpoint's secret is not whsec_ + base64") }
        let message = Array("\(id).\(timestamp).".utf8) + body
        return "v1," + Data(try HMAC.authenticate(message, key: key, digest: .sha256)).base64EncodedString()
    }

    /// The three headers of a delivery made at `timestamp`.
    public static func headers(id: String, timestamp: Int64, body: [UInt8], secret: String) throws -> [(name: String, value: String)] {
        [("webhook-id", id), ("webhook-timestamp", String(timestamp)),
         ("webhook-signature", try signature(id: id, timestamp: timestamp, body: body, secret: secret))]
    }

    /// Whether `header` (space-separated `v1,…` signatures) holds a valid signature of the message
    /// whose timestamp is within `tolerance` seconds of `now` (what a receiver checks).
    public static func verify(id: String, timestamp: Int64, body: [UInt8], header: String, secret: String,
                              now: Int64 = Int64(Date().timeIntervalSince1970), tolerance: Int64 = 300) -> Bool {
        guard abs(now - timestamp) <= tolerance, let expected = try? signature(id: id, timestamp: timestamp, body: body, secret: secret) else { return false }
        return header.split(separator: " ").contains { ConstantTime.equals(String($0), expected) }
    }
}
