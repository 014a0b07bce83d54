import COpenSSL
import Foundation

/// Seals small secrets (TOTP secrets) with AES-256-GCM, MACs values and hashes one-time codes,
/// each under its own key derived with HKDF from the deployment's `LATCHKEY_SECRET_KEY` (SPEC
/// §10): the secret itself is never a key, and no derived key serves two purposes.
///
/// A sealed value is `v1:` + base64(12-byte nonce ‖ ciphertext ‖ 16-byte tag); `purpose` is
/// bound as additional data, so a value sealed for one column does not open as another. Values
/// sealed before keys were derived (under the secret itself, same format) still open, and say
/// so (``opened(_:purpose:)``), so they can be sealed again.
public struct SecretBox: Sendable {
    /// The secret as configured: only opens values sealed before keys were derived.
    private let legacyKey: [UInt8]
    private let sealingKey: [UInt8]
    private let macKey: [UInt8]
    private let codeKey: [UInt8]

    /// The purpose TOTP secrets are sealed for (`users.mfa_secret`).
    public static let mfaSecret = "users.mfa_secret"

    /// What a derived key is for: its HKDF `info`.
    public enum KeyPurpose: String, Sendable, CaseIterable {
        /// AES-256-GCM of secrets at rest.
        case sealing = "latchkey/sealing/v1"
        /// HMAC-SHA256 of tokens (CSRF, AuthZEN page tokens) and lock-out names.
        case mac = "latchkey/mac/v1"
        /// HMAC-SHA256 of one-time codes kept for checking (recovery codes).
        case codes = "latchkey/codes/v1"
    }

    /// The key for `purpose` derived from the deployment's secret `key` (HKDF-SHA256, no salt:
    /// the secret is already 32 random bytes).
    public static func derivedKey(_ purpose: KeyPurpose, from key: [UInt8]) throws(CryptoError) -> [UInt8] {
        try HKDF.sha256(key: key, info: Array(purpose.rawValue.utf8), length: 32)
    }

    /// A box for a 32-byte key.
    public init?(key: [UInt8]) {
        guard key.count == 32,
              let sealing = try? Self.derivedKey(.sealing, from: key),
              let mac = try? Self.derivedKey(.mac, from: key),
              let codes = try? Self.derivedKey(.codes, from: key) else { return nil }
        legacyKey = key
        sealingKey = sealing
        macKey = mac
        codeKey = codes
    }

    /// A box for `LATCHKEY_SECRET_KEY`'s value: 32 bytes in base64; `nil` when it is not that.
    public init?(base64 text: String) {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        self.init(key: Array(data))
    }

    /// `plaintext` sealed, bound to `purpose`.
    public func seal(_ plaintext: [UInt8], purpose: String) throws(CryptoError) -> String {
        try seal(plaintext, purpose: purpose, key: sealingKey)
    }

    func seal(_ plaintext: [UInt8], purpose: String, key: [UInt8]) throws(CryptoError) -> String {
        let nonce = try SecureRandom.bytes(12)
        var output = [UInt8](repeating: 0, count: plaintext.count + 16)
        var tag = [UInt8](repeating: 0, count: 16)
        let ok = try crypt(encrypt: true, key: key, nonce: nonce, input: plaintext, output: &output, tag: &tag, purpose: purpose)
        guard ok else { throw .cipherFailed(CryptoError.openSSLErrorText()) }
        return "v1:" + Data(nonce + output.prefix(plaintext.count) + tag).base64EncodedString()
    }

    /// The plaintext of a value ``seal(_:purpose:)`` made for `purpose`; `nil` when it is
    /// malformed, was sealed under another key or purpose, or was altered.
    public func open(_ sealed: String, purpose: String) -> [UInt8]? {
        opened(sealed, purpose: purpose)?.plaintext
    }

    /// Like ``open(_:purpose:)``, and whether the value was sealed under the secret itself
    /// (before keys were derived): such a value should be sealed again and stored.
    public func opened(_ sealed: String, purpose: String) -> (plaintext: [UInt8], needsReseal: Bool)? {
        if let plaintext = open(sealed, purpose: purpose, key: sealingKey) { return (plaintext, false) }
        // A GCM tag made under another key does not verify: trying the old key cannot confuse the two.
        if let plaintext = open(sealed, purpose: purpose, key: legacyKey) { return (plaintext, true) }
        return nil
    }

    func open(_ sealed: String, purpose: String, key: [UInt8]) -> [UInt8]? {
        guard sealed.hasPrefix("v1:"), let data = Data(base64Encoded: String(sealed.dropFirst(3))), data.count >= 28 else { return nil }
        let bytes = Array(data)
        let nonce = Array(bytes[0..<12]), body = Array(bytes[12..<(bytes.count - 16)])
        var tag = Array(bytes[(bytes.count - 16)...])
        var output = [UInt8](repeating: 0, count: body.count + 16)
        guard (try? crypt(encrypt: false, key: key, nonce: nonce, input: body, output: &output, tag: &tag, purpose: purpose)) == true else {
            ERR_clear_error()
            return nil
        }
        return Array(output.prefix(body.count))
    }

    /// HMAC-SHA256 of `message` under the MAC key, for values that must be tamper-proof across
    /// instances sharing the secret (CSRF tokens, AuthZEN page tokens). Callers put a purpose
    /// prefix in `message`.
    public func mac(_ message: [UInt8]) throws(CryptoError) -> [UInt8] {
        try HMAC.authenticate(message, key: macKey, digest: .sha256)
    }

    /// HMAC-SHA256 of a one-time code under the code-hashing key: what is stored to check the
    /// code later (recovery codes). Without the secret, a stolen table does not let anyone try
    /// codes offline.
    public func codeHash(_ code: [UInt8]) throws(CryptoError) -> [UInt8] {
        try HMAC.authenticate(code, key: codeKey, digest: .sha256)
    }

    /// One AES-256-GCM pass; on decryption `tag` is checked, on encryption it is written.
    private func crypt(encrypt: Bool, key: [UInt8], nonce: [UInt8], input: [UInt8], output: inout [UInt8], tag: inout [UInt8], purpose: String) throws(CryptoError) -> Bool {
        guard let context = EVP_CIPHER_CTX_new() else { throw .cipherFailed(CryptoError.openSSLErrorText()) }
        defer { EVP_CIPHER_CTX_free(context) }
        // EVP_CTRL_GCM_GET_TAG / EVP_CTRL_GCM_SET_TAG (0x10 / 0x11), macros Swift does not import.
        let getTag: Int32 = 0x10, setTag: Int32 = 0x11
        var length: Int32 = 0
        let aad = Array(purpose.utf8)
        let initialised = encrypt
            ? EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nil, key, nonce)
            : EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nil, key, nonce)
        guard initialised == 1 else { return false }
        let update = encrypt ? EVP_EncryptUpdate : EVP_DecryptUpdate
        guard update(context, nil, &length, aad, Int32(aad.count)) == 1 else { return false }
        guard input.isEmpty || update(context, &output, &length, input, Int32(input.count)) == 1 else { return false }
        if encrypt {
            var finalLength: Int32 = 0
            guard output.withUnsafeMutableBufferPointer({ EVP_EncryptFinal_ex(context, $0.baseAddress! + Int(length), &finalLength) }) == 1 else { return false }
            return EVP_CIPHER_CTX_ctrl(context, getTag, 16, &tag) == 1
        }
        guard EVP_CIPHER_CTX_ctrl(context, setTag, 16, &tag) == 1 else { return false }
        var finalLength: Int32 = 0
        return output.withUnsafeMutableBufferPointer { EVP_DecryptFinal_ex(context, $0.baseAddress! + Int(length), &finalLength) } == 1
    }
}
