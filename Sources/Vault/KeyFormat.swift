/// Generates and parses Latchkey keys (SPEC §2 Format): `ct_live_` / `ct_svc_` + 43 base62 + 6
/// base62 checksum.
///
/// Layout of a key (`ct_live_` shown; `ct_svc_` is one byte shorter):
///
/// ```
/// ct_live_ | 43 × [0-9A-Za-z]                             | 6 × [0-9A-Za-z]
/// prefix   | 32 bytes from RAND_bytes, big-endian base62,  | CRC-32 (IEEE/zlib) of every
///          | left-padded with "0"                          | byte before it, base62, padded
/// ```
///
/// Parsing does no I/O and no heap allocation for native strings, and checks, in order: prefix,
/// length, alphabet, checksum, and that the body encodes a number below 2^256. A single changed
/// character is always caught (by the prefix check or by the CRC-32).
public enum KeyFormat {
    /// The number of base62 characters encoding the 256 random bits.
    public static let bodyLength = 43

    /// The number of base62 characters encoding the CRC-32.
    public static let checksumLength = 6

    /// The number of leading characters stored and displayed as a key's `prefix`.
    public static let displayPrefixLength = 12

    /// Generates a new key of the given kind from 32 bytes of `RAND_bytes`.
    ///
    /// Thread-safe; takes a couple of microseconds. The result's ``ParsedKey/secret`` is shown once.
    public static func generate(_ kind: KeyKind = .live) throws(CryptoError) -> ParsedKey {
        var random: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        try withUnsafeMutableBytes(of: &random) { (buffer) throws(CryptoError) in
            try SecureRandom.fill(buffer)
        }
        defer { random = (0, 0, 0, 0) }
        let prefixLength = kind.prefixLength
        let secret = withUnsafeBytes(of: &random) { randomBytes in
            String(unsafeUninitializedCapacity: kind.length) { out in
                var prefix = kind.prefix
                prefix.withUTF8 { bytes in
                    _ = UnsafeMutableBufferPointer(rebasing: out[0..<prefixLength]).initialize(from: bytes)
                }
                let bodyEnd = prefixLength + bodyLength
                Base62.encode256(randomBytes, into: UnsafeMutableBufferPointer(rebasing: out[prefixLength..<bodyEnd]))
                let crc = CRC32.checksum(UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: out[0..<bodyEnd])))
                Base62.encode32(crc, into: UnsafeMutableBufferPointer(rebasing: out[bodyEnd..<kind.length]))
                return kind.length
            }
        }
        return ParsedKey(kind: kind, secret: secret)
    }

    /// Parses a key of either kind, or throws why it is malformed.
    ///
    /// Does no I/O. Use it before any cache or database lookup.
    public static func parse(_ text: String) throws(KeyFormatError) -> ParsedKey {
        var text = text
        switch text.withUTF8({ validate($0) }) {
        case .success(let kind): return ParsedKey(kind: kind, secret: text)
        case .failure(let error): throw error
        }
    }

    /// Parses a key that must be of `kind`; a well-formed key of the other kind is `wrongPrefix`.
    public static func parse(_ text: String, as kind: KeyKind) throws(KeyFormatError) -> ParsedKey {
        let key = try parse(text)
        guard key.kind == kind else { throw .wrongPrefix }
        return key
    }

    /// Returns whether `text` is a well-formed key of any kind.
    public static func isWellFormed(_ text: String) -> Bool {
        var text = text
        if case .success = text.withUTF8({ validate($0) }) { return true }
        return false
    }

    /// Validates a key's UTF-8 bytes and returns its kind.
    static func validate(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<KeyKind, KeyFormatError> {
        guard let kind = kind(of: bytes) else { return .failure(.wrongPrefix) }
        guard bytes.count == kind.length else { return .failure(.wrongLength) }
        let bodyStart = kind.prefixLength
        let bodyEnd = bodyStart + bodyLength
        let body = UnsafeBufferPointer(rebasing: bytes[bodyStart..<bodyEnd])
        let checksum = UnsafeBufferPointer(rebasing: bytes[bodyEnd...])
        guard Base62.isAllDigits(UnsafeBufferPointer(rebasing: bytes[bodyStart...])),
              let claimed = Base62.decode36Bits(checksum)
        else {
            return .failure(.badAlphabet)
        }
        let actual = CRC32.checksum(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[0..<bodyEnd])))
        guard claimed == UInt64(actual) else { return .failure(.badChecksum) }
        guard isInRange(body) else { return .failure(.outOfRange) }
        return .success(kind)
    }

    /// Returns the kind whose prefix starts `bytes`, or `nil`.
    private static func kind(of bytes: UnsafeBufferPointer<UInt8>) -> KeyKind? {
        // "ct_"
        guard bytes.count >= 7, bytes[0] == 0x63, bytes[1] == 0x74, bytes[2] == 0x5F else { return nil }
        // "live_"
        if bytes.count >= 8, bytes[3] == 0x6C, bytes[4] == 0x69, bytes[5] == 0x76, bytes[6] == 0x65, bytes[7] == 0x5F {
            return .live
        }
        // "svc_"
        if bytes[3] == 0x73, bytes[4] == 0x76, bytes[5] == 0x63, bytes[6] == 0x5F {
            return .service
        }
        return nil
    }

    /// Returns whether 43 base62 digits encode a value below 2^256.
    ///
    /// The alphabet is in ASCII order and the width is fixed, so byte-wise comparison with the
    /// encoding of 2^256 - 1 is numeric comparison.
    private static func isInRange(_ body: UnsafeBufferPointer<UInt8>) -> Bool {
        Base62.max256.withUnsafeBufferPointer { max in
            for index in 0..<bodyLength where body[index] != max[index] {
                return body[index] < max[index]
            }
            return true
        }
    }
}
