import COpenSSL

/// An error reported by an OpenSSL primitive used by the vault.
///
/// Each case carries the text of the most recent OpenSSL error (if any) so that operators
/// can tell a misconfigured provider from an exhausted entropy source. The text never
/// contains secret material.
public enum CryptoError: Error, Sendable, Hashable {
    /// `RAND_bytes` failed: the process could not obtain secure random bytes.
    case randomUnavailable(String)
    /// A message digest (SHA-256) could not be computed.
    case digestFailed(String)
    /// The scrypt key-derivation function failed (for example, not enough memory).
    case keyDerivationFailed(String)
    /// An HMAC or an AES-256-GCM operation failed inside OpenSSL.
    case cipherFailed(String)

    /// Drains OpenSSL's thread-local error queue and returns the oldest entry as text.
    static func openSSLErrorText() -> String {
        let code = ERR_get_error()
        defer { ERR_clear_error() }
        guard code != 0 else { return "unknown OpenSSL error" }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
