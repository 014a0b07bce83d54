import Foundation
import JSON
import NIOConcurrencyHelpers

/// GitHub's secret-scanning signing keys (SPEC §2), in GitHub's own format:
/// `{"public_keys":[{"key_identifier","key","is_current"}]}` with each `key` a PEM P-256 public
/// key. An alert names its key in `Github-Public-Key-Identifier` and carries the base64 DER
/// ECDSA signature of the raw body in `Github-Public-Key-Signature`.
public struct SecretScanningKeys: Sendable {
    public let keys: [String: PublicKey]

    public init(json bytes: [UInt8]) throws(FederationError) {
        guard bytes.count <= JWKS.maximumLength, case .object(let document)? = try? JSONValue.parse(bytes, maxDepth: 6),
              case .array(let entries)? = document["public_keys"] else {
            throw .badKeySet("not a {\"public_keys\": [...]} document")
        }
        var keys: [String: PublicKey] = [:]
        for entry in entries {
            guard case .object(let key) = entry, case .string(let identifier)? = key["key_identifier"], !identifier.isEmpty,
                  case .string(let pem)? = key["key"] else {
                throw .badKeySet("each public key needs a key_identifier and a PEM key")
            }
            keys[identifier] = try PublicKey(pemP256: pem)
        }
        guard !keys.isEmpty else { throw .badKeySet("no public key") }
        self.keys = keys
    }

    /// Whether `signature` (base64 DER) is the named key's signature of `body`. An unknown
    /// identifier or a signature that is not base64 never verifies.
    public func verifies(_ body: [UInt8], identifier: String, signature: String) -> Bool {
        guard let key = keys[identifier], let der = Data(base64Encoded: signature) else { return false }
        return key.verifies(ecdsaDER: Array(der), of: body)
    }
}

/// The key file named by `LATCHKEY_GITHUB_SCANNING_KEYS`: read at start (a file that does not
/// parse stops the server), and read again, at most every 10 s, when an alert names a key
/// identifier it lacks — GitHub rotates its keys and the operator replaces the file.
public final class SecretScanningKeyFile: Sendable {
    public let path: String
    private let state: NIOLockedValueBox<(keys: SecretScanningKeys, readAt: ContinuousClock.Instant)>
    let rereadInterval: Duration

    public init(path: String, rereadInterval: Duration = .seconds(10)) throws(FederationError) {
        self.path = path
        self.rereadInterval = rereadInterval
        state = NIOLockedValueBox((try Self.read(path), .now))
    }

    private static func read(_ path: String) throws(FederationError) -> SecretScanningKeys {
        guard let data = FileManager.default.contents(atPath: path) else { throw .badKeySet("cannot read \(path)") }
        return try SecretScanningKeys(json: Array(data))
    }

    /// Whether `signature` verifies `body` with the named key, reading the file again first if
    /// the identifier is unknown and the last read is older than 10 s.
    public func verifies(_ body: [UInt8], identifier: String, signature: String) -> Bool {
        let keys = state.withLockedValue { state -> SecretScanningKeys in
            guard state.keys.keys[identifier] == nil, ContinuousClock.now - state.readAt >= rereadInterval else { return state.keys }
            state.readAt = .now
            if let fresh = try? Self.read(path) { state.keys = fresh }
            return state.keys
        }
        return keys.verifies(body, identifier: identifier, signature: signature)
    }
}
