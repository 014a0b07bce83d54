import COpenSSL

/// HKDF with SHA-256 (RFC 5869) over OpenSSL's `EVP_KDF`: one secret in, independent keys out,
/// one per `info` (SPEC §10: sealing, MACs and code hashing each get their own).
public enum HKDF {
    /// `length` bytes (at most 8,160) derived from `key` with `salt` and `info` (extract, then
    /// expand). An empty salt is RFC 5869's default, `HashLen` zero bytes.
    public static func sha256(key: [UInt8], salt: [UInt8] = [], info: [UInt8], length: Int) throws(CryptoError) -> [UInt8] {
        guard length > 0, length <= 255 * 32 else { throw .keyDerivationFailed("HKDF output length out of range") }
        guard let kdf = EVP_KDF_fetch(nil, "HKDF", nil) else { throw .keyDerivationFailed(CryptoError.openSSLErrorText()) }
        defer { EVP_KDF_free(kdf) }
        guard let context = EVP_KDF_CTX_new(kdf) else { throw .keyDerivationFailed(CryptoError.openSSLErrorText()) }
        defer { EVP_KDF_CTX_free(context) }
        var output = [UInt8](repeating: 0, count: length)
        var key = key, salt = salt, info = info
        // OSSL_PARAMs keep pointers, not copies: every name is static, every buffer outlives the call.
        let status = key.withUnsafeMutableBytes { key in
            salt.withUnsafeMutableBytes { salt in
                info.withUnsafeMutableBytes { info in
                    var parameters = [
                        OSSL_PARAM_construct_utf8_string(cString("digest"), mutableCString("SHA256"), 0),
                        OSSL_PARAM_construct_octet_string(cString("key"), key.baseAddress, key.count),
                    ]
                    if salt.count > 0 { parameters.append(OSSL_PARAM_construct_octet_string(cString("salt"), salt.baseAddress, salt.count)) }
                    if info.count > 0 { parameters.append(OSSL_PARAM_construct_octet_string(cString("info"), info.baseAddress, info.count)) }
                    parameters.append(OSSL_PARAM_construct_end())
                    return EVP_KDF_derive(context, &output, length, &parameters)
                }
            }
        }
        guard status == 1 else { throw .keyDerivationFailed(CryptoError.openSSLErrorText()) }
        return output
    }

    private static func cString(_ text: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
    }

    /// OpenSSL's setter takes `char *` but only reads it.
    private static func mutableCString(_ text: StaticString) -> UnsafeMutablePointer<CChar> {
        UnsafeMutablePointer(mutating: cString(text))
    }
}
