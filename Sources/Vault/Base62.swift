/// Fixed-width base62 encoding of 256-bit and 32-bit big-endian numbers.
///
/// The alphabet is `0-9A-Z a-z` (without the space), which is also ASCII order, so for
/// two encodings of the same width, byte-wise comparison equals numeric comparison.
/// Encodings are left-padded with `"0"` to a fixed width: 43 digits hold any 256-bit value
/// (62^43 > 2^256) and 6 digits hold any 32-bit value (62^6 > 2^32).
public enum Base62 {
    /// The 62 digits in ascending order.
    public static let alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

    /// The number of digits used to encode 256 bits.
    public static let digitsFor256Bits = 43

    /// The number of digits used to encode 32 bits.
    public static let digitsFor32Bits = 6

    /// The 43-digit encoding of 2^256 - 1, the largest valid 256-bit encoding.
    static let max256: [UInt8] = Array("yhjskwdA6OZ1AL1YmHWZWm8LLG7HjnuCA2j5rOw8Xp1".utf8)

    /// 62^5, the largest power of 62 below 2^32.
    private static let chunkDivisor: UInt64 = 916_132_832

    /// Returns the ASCII digit for a value in `0..<62`.
    @inline(__always)
    static func digit(_ value: UInt32) -> UInt8 {
        switch value {
        case 0..<10: UInt8(truncatingIfNeeded: value) &+ 48   // "0"
        case 10..<36: UInt8(truncatingIfNeeded: value) &+ 55  // "A" - 10
        default: UInt8(truncatingIfNeeded: value) &+ 61       // "a" - 36
        }
    }

    /// Returns the value of an ASCII base62 digit, or `nil` if the byte is not one.
    @inline(__always)
    static func value(of byte: UInt8) -> UInt32? {
        switch byte {
        case 48...57: UInt32(byte &- 48)
        case 65...90: UInt32(byte &- 55)
        case 97...122: UInt32(byte &- 61)
        default: nil
        }
    }

    /// For each byte value, its digit value, or `0xFF` if it is not a base62 digit.
    static let digitValues: [UInt8] = (0..<256).map { byte in
        value(of: UInt8(byte)).map { UInt8($0) } ?? 0xFF
    }

    /// Returns whether every byte is a base62 digit (branch-free over the input).
    @inline(__always)
    static func isAllDigits(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        digitValues.withUnsafeBufferPointer { values in
            var invalid: UInt8 = 0
            for byte in bytes { invalid |= values[Int(byte)] }
            return invalid & 0x80 == 0
        }
    }

    /// Writes the 43-digit encoding of a 32-byte big-endian number into `out`.
    ///
    /// - Precondition: `bytes.count == 32` and `out.count == 43`.
    static func encode256(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutableBufferPointer<UInt8>) {
        precondition(bytes.count == 32 && out.count == digitsFor256Bits)
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 8) { limbs in
            for index in 0..<8 {
                let offset = index * 4
                limbs[index] = UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
                    | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
            }
            var position = digitsFor256Bits
            // Eight passes of five digits each (40 digits); the quotient left is below 62^3.
            for _ in 0..<8 {
                var remainder: UInt64 = 0
                for index in 0..<8 {
                    let current = remainder << 32 | UInt64(limbs[index])
                    limbs[index] = UInt32(truncatingIfNeeded: current / chunkDivisor)
                    remainder = current % chunkDivisor
                }
                var chunk = UInt32(truncatingIfNeeded: remainder)
                for _ in 0..<5 {
                    position -= 1
                    out[position] = digit(chunk % 62)
                    chunk /= 62
                }
            }
            var top = limbs[7]
            for _ in 0..<3 {
                position -= 1
                out[position] = digit(top % 62)
                top /= 62
            }
        }
    }

    /// Returns the 43-digit encoding of a 32-byte big-endian number.
    ///
    /// - Precondition: `bytes.count == 32`.
    public static func encode256(_ bytes: [UInt8]) -> String {
        precondition(bytes.count == 32, "encode256 needs exactly 32 bytes")
        return bytes.withUnsafeBytes { raw in
            String(unsafeUninitializedCapacity: digitsFor256Bits) { out in
                encode256(raw, into: UnsafeMutableBufferPointer(rebasing: out[0..<digitsFor256Bits]))
                return digitsFor256Bits
            }
        }
    }

    /// Decodes 43 base62 digits to 32 big-endian bytes, or `nil` if a byte is not a digit
    /// or the value is 2^256 or more.
    public static func decode256(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count == digitsFor256Bits else { return nil }
        var limbs = [UInt32](repeating: 0, count: 8)  // big-endian limbs
        for byte in digits {
            guard let value = value(of: byte) else { return nil }
            var carry = UInt64(value)
            for index in stride(from: 7, through: 0, by: -1) {
                let product = UInt64(limbs[index]) * 62 + carry
                limbs[index] = UInt32(truncatingIfNeeded: product)
                carry = product >> 32
            }
            guard carry == 0 else { return nil }
        }
        var result: [UInt8] = []
        result.reserveCapacity(32)
        for limb in limbs {
            result.append(UInt8(truncatingIfNeeded: limb >> 24))
            result.append(UInt8(truncatingIfNeeded: limb >> 16))
            result.append(UInt8(truncatingIfNeeded: limb >> 8))
            result.append(UInt8(truncatingIfNeeded: limb))
        }
        return result
    }

    /// Writes the 6-digit encoding of a 32-bit number into `out`.
    ///
    /// - Precondition: `out.count == 6`.
    static func encode32(_ value: UInt32, into out: UnsafeMutableBufferPointer<UInt8>) {
        precondition(out.count == digitsFor32Bits)
        var rest = value
        for position in stride(from: digitsFor32Bits - 1, through: 0, by: -1) {
            out[position] = digit(rest % 62)
            rest /= 62
        }
    }

    /// Returns the 6-digit encoding of a 32-bit number.
    public static func encode32(_ value: UInt32) -> String {
        String(unsafeUninitializedCapacity: digitsFor32Bits) { out in
            encode32(value, into: UnsafeMutableBufferPointer(rebasing: out[0..<digitsFor32Bits]))
            return digitsFor32Bits
        }
    }

    /// Decodes 6 base62 digits, or returns `nil` if a byte is not a digit.
    ///
    /// The result may exceed `UInt32.max` (62^6 > 2^32); callers compare it with a checksum.
    @inline(__always)
    static func decode36Bits(_ digits: UnsafeBufferPointer<UInt8>) -> UInt64? {
        var result: UInt64 = 0
        for byte in digits {
            guard let value = value(of: byte) else { return nil }
            result = result * 62 + UInt64(value)
        }
        return result
    }
}
