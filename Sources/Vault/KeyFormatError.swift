/// Why a string is not a well-formed Latchkey key.
///
/// Every case means "malformed": callers answer 401 / `MALFORMED` without touching the
/// database. The cases exist for tests, metrics and client-side typo hints.
public enum KeyFormatError: Error, Sendable, Hashable {
    /// The string does not start with `ct_live_` or `ct_svc_` (or not with the expected one).
    case wrongPrefix
    /// The prefix is right but the string is not 57 (`ct_live_`) or 56 (`ct_svc_`) bytes long.
    case wrongLength
    /// A character after the prefix is not in `[0-9A-Za-z]`.
    case badAlphabet
    /// The last six characters are not the CRC-32 of the rest: most likely a typo.
    case badChecksum
    /// The checksum matches but the 43-character body encodes a number of 2^256 or more,
    /// which no generator produces.
    case outOfRange
}

extension KeyFormatError: CustomStringConvertible {
    /// A short human-readable explanation that never echoes the input.
    public var description: String {
        switch self {
        case .wrongPrefix: "key does not start with ct_live_ or ct_svc_"
        case .wrongLength: "key has the wrong length"
        case .badAlphabet: "key contains a character outside [0-9A-Za-z]"
        case .badChecksum: "key checksum does not match"
        case .outOfRange: "key body is out of range"
        }
    }
}
