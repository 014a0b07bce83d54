/// The two kinds of credential Latchkey issues, told apart by their prefix.
public enum KeyKind: String, Sendable, Hashable, CaseIterable {
    /// A user API key, `ct_live_…` (57 characters).
    case live
    /// A service credential for the decision API, `ct_svc_…` (56 characters).
    case service

    /// The literal prefix that starts every key of this kind.
    public var prefix: String {
        switch self {
        case .live: "ct_live_"
        case .service: "ct_svc_"
        }
    }

    /// The total length of a key of this kind: prefix + 43 body + 6 checksum characters.
    public var length: Int {
        prefixLength + KeyFormat.bodyLength + KeyFormat.checksumLength
    }

    /// The number of bytes in ``prefix``.
    var prefixLength: Int {
        switch self {
        case .live: 8
        case .service: 7
        }
    }
}
