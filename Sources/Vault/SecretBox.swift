import COpenSSL
import Foundation

/// Seals small secrets (TOTP secrets) with AES-256-GCM under the deployment's
/// `LATCHKEY_SECRET_KEY` (SPEC §10), and MACs values with the same key.
///
/// A sealed value is `v1:` + base64(12-byte nonce ‖ ciphertext ‖ 16-byte tag); `purpose` is
/// bound as additional data, so a value sealed for one column does not open as another.
public struct SecretBox: Sendable {
    private let key: [UInt8]

    /// The purpose TOTP secrets are sealed for (`users.mfa_secret`).
    public static let mfaSecret = "users.mfa_secret"

    /// A box for a 32-byte key.
    public init?(key: [UInt8]) {
        guard key.count == 32 else { return nil }
        self.key = key
    }

    /// A box for `LATCHKEY_SECRET_KEY`'s value: 32 bytes in base64; `nil` when it is not that.
    public init?(base64 text: String) {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        self.init(key: Array(data))
    }

    /// `plaintext` sealed, bound to `purpose`.
    public func seal(_ plaintext: [UInt8], purpose: String) throws(CryptoError) -> String {
        let nonce = try SecureRandom.bytes(12)
        var output = [UInt8](repeating: 0, count: plaintext.count + 16)
        var tag = [UInt8](repeating: 0, count: 16)
        let ok = try crypt(encrypt: true, nonce: nonce, input: plaintext, output: &output, tag: &tag, purpose: purpose)
        guard ok else { throw .cipherFailed(CryptoError.openSSLErrorText()) }
        return "v1:" + Data(nonce + output.prefix(plaintext.count) + tag).base64EncodedString()
    }

    /// The plaintext of a value ``seal(_:purpose:)`` made for `purpose`; `nil` when it is
    /// malformed, was sealed under another key or purpose, or was altered.
    public func open(_ sealed: String, purpose: String) -> [UInt8]? {
        guard sealed.hasPrefix("v1:"), let data = Data(base64Encoded: String(sealed.dropFirst(3))), data.count >= 28 else { return nil }
        let bytes = Array(data)
        let nonce = Array(bytes[0..<12]), body = Array(bytes[12..<(bytes.count - 16)])
        var tag = Array(bytes[(bytes.count - 16)...])
        var output = [UInt8](repeating: 0, count: body.count + 16)
        guard (try? crypt(encrypt: false, nonce: nonce, input: body, output: &output, tag: &tag, purpose: purpose)) == true else {
            ERR_clear_error()
            return nil
        }
        return Array(output.prefix(body.count))
    }

    /// HMAC-SHA256 of `message` under the key, for values that must be tamper-proof across
    /// instances sharing it (CSRF tokens, AuthZEN page tokens).
    public func mac(_ message: [UInt8]) throws(CryptoError) -> [UInt8] {
        try HMAC.authenticate(message, key: key, digest: .sha256)
    }

    /// One AES-256-GCM pass; on decryption `tag` is checked, on encryption it is written.
    private func crypt(encrypt: Bool, nonce: [UInt8], input: [UInt8], output: inout [UInt8], tag: inout [UInt8], purpose: String) throws(CryptoError) -> Bool {
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
