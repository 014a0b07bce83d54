import COpenSSL

/// HMAC over OpenSSL (`EVP_Q_mac`).
public enum HMAC {
    /// The digest algorithms used here.
    public enum Digest: String, Sendable {
        case sha1 = "SHA1"
        case sha256 = "SHA256"
    }

    /// HMAC-`digest` of `message` under `key`.
    public static func authenticate(_ message: [UInt8], key: [UInt8], digest: Digest) throws(CryptoError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 64)
        var length = 0
        let ok = digest.rawValue.withCString { name in
            key.withUnsafeBytes { key in
                message.withUnsafeBytes { message in
                    output.withUnsafeMutableBytes { out in
                        EVP_Q_mac(nil, "HMAC", nil, name, nil, key.baseAddress, key.count,
                                  message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count,
                                  out.baseAddress?.assumingMemoryBound(to: UInt8.self), out.count, &length)
                    }
                }
            }
        }
        guard ok != nil else { throw .cipherFailed(CryptoError.openSSLErrorText()) }
        return Array(output.prefix(length))
    }
}
