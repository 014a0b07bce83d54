import COpenSSL

/// Comparisons whose running time does not depend on where the inputs differ.
///
/// Use these whenever one side is secret (a derived password hash, a CSRF token). The
/// *lengths* are not considered secret: inputs of different lengths compare unequal at once.
public enum ConstantTime {
    /// Returns whether `lhs` and `rhs` hold the same bytes, using OpenSSL's `CRYPTO_memcmp`.
    public static func equals(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
        guard lhs.count == rhs.count else { return false }
        guard lhs.count > 0, let a = lhs.baseAddress, let b = rhs.baseAddress else { return true }
        return CRYPTO_memcmp(a, b, lhs.count) == 0
    }

    /// Returns whether two byte arrays are equal, in time independent of their contents.
    public static func equals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        lhs.withUnsafeBytes { a in rhs.withUnsafeBytes { b in equals(a, b) } }
    }

    /// Returns whether two strings have identical UTF-8 bytes, in time independent of their contents.
    ///
    /// No Unicode normalisation is applied: this compares tokens, not human text.
    public static func equals(_ lhs: String, _ rhs: String) -> Bool {
        equals(Array(lhs.utf8), Array(rhs.utf8))
    }
}
