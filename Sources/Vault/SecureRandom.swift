import COpenSSL

/// Cryptographically secure random bytes and tokens from OpenSSL's `RAND_bytes`.
///
/// All functions are thread-safe. They throw ``CryptoError/randomUnavailable(_:)`` rather than
/// ever returning predictable output.
public enum SecureRandom {
    /// Returns `count` secure random bytes.
    ///
    /// - Precondition: `count >= 0`.
    public static func bytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        precondition(count >= 0, "byte count must not be negative")
        var result = [UInt8](repeating: 0, count: count)
        guard result.withUnsafeMutableBytes({ fillIfPossible($0) }) else {
            throw .randomUnavailable(CryptoError.openSSLErrorText())
        }
        return result
    }

    /// Overwrites every byte of `buffer` with secure random bytes.
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(CryptoError) {
        guard fillIfPossible(buffer) else { throw .randomUnavailable(CryptoError.openSSLErrorText()) }
    }

    /// Fills `buffer` with secure random bytes and returns whether OpenSSL succeeded.
    static func fillIfPossible(_ buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard var base = buffer.baseAddress else { return true }
        var remaining = buffer.count
        while remaining > 0 {
            let chunk = min(remaining, Int(Int32.max))
            guard RAND_bytes(base.assumingMemoryBound(to: UInt8.self), Int32(chunk)) == 1 else { return false }
            base += chunk
            remaining -= chunk
        }
        return true
    }

    /// Returns a URL-safe random token: 32 random bytes (256 bits) as 43 base62 characters.
    ///
    /// Suitable for session token ids and CSRF tokens. The alphabet is `[0-9A-Za-z]`, so the
    /// token needs no escaping in URLs, headers or cookies. Store only its ``SHA256Digest``.
    public static func token() throws(CryptoError) -> String {
        var raw: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        try withUnsafeMutableBytes(of: &raw) { (buffer) throws(CryptoError) in try fill(buffer) }
        return withUnsafeBytes(of: &raw) { bytes in
            String(unsafeUninitializedCapacity: Base62.digitsFor256Bits) { out in
                Base62.encode256(bytes, into: UnsafeMutableBufferPointer(rebasing: out[0..<Base62.digitsFor256Bits]))
                return Base62.digitsFor256Bits
            }
        }
    }

    /// Returns `byteCount` random bytes as a lowercase hexadecimal string (`2 * byteCount` characters).
    public static func hexToken(byteCount: Int = 32) throws(CryptoError) -> String {
        let raw = try bytes(byteCount)
        return hexString(raw)
    }

    /// Formats bytes as lowercase hexadecimal.
    static func hexString(_ bytes: some Sequence<UInt8>) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
