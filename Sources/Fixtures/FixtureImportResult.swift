import Foundation

/// What `latchkey import` prints once: the ids of imported items and the raw keys (SPEC §8).
///
/// ```json
/// {"ids":{"user:alice":1,"org:acme":1,"dataset:ethnicity":"ethnicity","key:k1":"<uuid>",…},
///  "keys":{"k1":"ct_live_…"},"services":{"svc":"ct_svc_…"}}
/// ```
/// `keys` and `services` hold the only copies of the raw secrets: print them once and never log
/// them. `description` is redacted for that reason.
public struct FixtureImportResult: Sendable, Hashable, Encodable, CustomStringConvertible {
    /// `user:<ref>`, `org:<ref>`, `team:<ref>`, `survey:<ref>`, `template:<ref>` → bigint id;
    /// `dataset:<key>` → the key; `key:<ref>`, `service:<ref>` → the credential's uuid.
    public var ids: [String: FixtureID]
    /// Key ref → raw `ct_live_` key.
    public var keys: [String: String]
    /// Service ref → raw `ct_svc_` credential.
    public var services: [String: String]

    public init(ids: [String: FixtureID] = [:], keys: [String: String] = [:], services: [String: String] = [:]) {
        self.ids = ids
        self.keys = keys
        self.services = services
    }

    /// The result as JSON with sorted keys, as the command line prints it.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// A redacted summary: counts only, never a secret.
    public var description: String {
        "FixtureImportResult(\(ids.count) ids, \(keys.count) keys, \(services.count) services)"
    }
}
