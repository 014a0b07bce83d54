/// A key whose format and checksum have been verified (or that was just generated).
///
/// Holds the secret itself, so it deliberately is not `Equatable`/`Hashable` (compare and look
/// up by ``digest``), and its `description` and reflection are redacted so that it cannot end up
/// in logs through string interpolation or `dump`.
public struct ParsedKey: Sendable {
    /// Whether this is a user API key or a service credential.
    public let kind: KeyKind

    /// The whole key, exactly as issued. Return it to the user once, at issuance; never log it.
    public let secret: String

    /// Creates a parsed key. The caller guarantees that `secret` is a well-formed key of `kind`.
    init(kind: KeyKind, secret: String) {
        self.kind = kind
        self.secret = secret
    }

    /// The first 12 characters (e.g. `ct_live_AbCd`), stored and shown for identification.
    public var prefix: String {
        String(Substring(secret.utf8.prefix(KeyFormat.displayPrefixLength)))
    }

    /// The last 4 characters, stored and shown for identification.
    public var last4: String {
        String(Substring(secret.utf8.suffix(4)))
    }

    /// The SHA-256 of the whole key: the only form in which it is stored and looked up.
    public var digest: SHA256Digest {
        SHA256Digest(hashing: secret)
    }
}

extension ParsedKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// A redacted form showing only the display prefix and last four characters.
    public var description: String { "\(prefix)…\(last4)" }

    /// The same redacted form as ``description``.
    public var debugDescription: String { "ParsedKey(\(kind), \(description))" }

    /// Redacted reflection, so `dump` and `print` in debuggers do not reveal the secret.
    public var customMirror: Mirror {
        Mirror(self, children: ["kind": kind, "prefix": prefix, "last4": last4])
    }
}
