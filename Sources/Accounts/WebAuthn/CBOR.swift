/// A CBOR data item (RFC 8949) of the kinds WebAuthn uses: integers, byte and text strings,
/// arrays, maps, `true`, `false` and `null`. Read by ``CBORReader``.
public enum CBOR: Sendable, Hashable {
    case unsigned(UInt64)
    /// A negative integer `-1 - n`, kept as `n`.
    case negative(UInt64)
    case bytes([UInt8])
    case text(String)
    case array([CBOR])
    /// Pairs in encoded order; keys are distinct.
    case map([Pair])
    case bool(Bool)
    case null

    public struct Pair: Sendable, Hashable {
        public let key: CBOR, value: CBOR
    }

    /// The integer value, when it is one that fits `Int`.
    public var int: Int? {
        switch self {
        case .unsigned(let n): n <= UInt64(Int.max) ? Int(n) : nil
        case .negative(let n): n < UInt64(Int.max) ? -1 - Int(n) : nil
        default: nil
        }
    }

    /// The value under integer key `key` of a map.
    public subscript(key: Int) -> CBOR? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.key.int == key }?.value
    }

    /// The value under text key `key` of a map.
    public subscript(key: String) -> CBOR? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.key == .text(key) }?.value
    }

    public var bytes: [UInt8]? { if case .bytes(let value) = self { value } else { nil } }
    public var text: String? { if case .text(let value) = self { value } else { nil } }
}
