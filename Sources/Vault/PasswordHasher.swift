import COpenSSL

/// Hashes and verifies user passwords with scrypt (OpenSSL `EVP_PBE_scrypt`).
///
/// Hashes are stored as self-describing strings (see ``PasswordHashEncoding``), e.g.
/// `scrypt$17$8$1$<salt base64>$<hash base64>`, so parameters can be raised later without
/// invalidating existing hashes; ``needsRehash(_:)`` tells when to re-hash after a login.
///
/// Contract: with the default parameters each call takes hundreds of milliseconds of CPU and
/// 128 MiB of memory, and it blocks. Never call it on an event loop or the cooperative pool;
/// run it on a dedicated thread pool and bound how many run at once.
public struct PasswordHasher: Sendable {
    /// The parameters used for new hashes.
    public let parameters: ScryptParameters

    /// Creates a hasher. Defaults to ``ScryptParameters/owasp``.
    ///
    /// - Precondition: `parameters.isAcceptable`.
    public init(parameters: ScryptParameters = .owasp) {
        precondition(parameters.isAcceptable, "scrypt parameters out of the accepted range")
        self.parameters = parameters
    }

    /// Hashes a password with a fresh random salt and returns the encoded hash.
    ///
    /// The password's UTF-8 bytes are hashed as given (no normalisation or trimming).
    public func hash(password: String) throws(CryptoError) -> String {
        let salt = try SecureRandom.bytes(parameters.saltLength)
        let derived = try Self.deriveKey(password: password, salt: salt, parameters: parameters)
        return PasswordHashEncoding(parameters: parameters, salt: salt, hash: derived).encoded
    }

    /// Returns whether `password` matches the encoded hash.
    ///
    /// Uses the parameters recorded in the encoding and a constant-time comparison. Returns
    /// `false` for malformed encodings, unacceptable parameters, or if scrypt fails.
    public func verify(password: String, against encoded: String) -> Bool {
        guard let stored = PasswordHashEncoding(parsing: encoded),
              let derived = try? Self.deriveKey(password: password, salt: stored.salt, parameters: stored.parameters)
        else { return false }
        return ConstantTime.equals(derived, stored.hash)
    }

    /// Returns whether an encoded hash is malformed or uses parameters other than ``parameters``.
    public func needsRehash(_ encoded: String) -> Bool {
        guard let stored = PasswordHashEncoding(parsing: encoded) else { return true }
        return stored.parameters != parameters
    }

    /// Runs scrypt and returns `parameters.hashLength` derived bytes.
    static func deriveKey(password: String, salt: [UInt8], parameters: ScryptParameters) throws(CryptoError) -> [UInt8] {
        var password = password
        var output = [UInt8](repeating: 0, count: parameters.hashLength)
        let status = password.withUTF8 { passwordBytes in
            salt.withUnsafeBufferPointer { saltBytes in
                output.withUnsafeMutableBufferPointer { out in
                    passwordBytes.withMemoryRebound(to: CChar.self) { pass in
                        EVP_PBE_scrypt(
                            pass.baseAddress, pass.count,
                            saltBytes.baseAddress, saltBytes.count,
                            parameters.n, UInt64(parameters.blockSize), UInt64(parameters.parallelism),
                            parameters.memoryRequired + (1 << 20),
                            out.baseAddress, out.count
                        )
                    }
                }
            }
        }
        guard status == 1 else { throw .keyDerivationFailed(CryptoError.openSSLErrorText()) }
        return output
    }
}
