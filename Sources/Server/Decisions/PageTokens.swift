import Federation
import Vault

/// The `next_token`s of the AuthZEN search APIs (SPEC §6): where the next page starts, MAC'd
/// with the deployment's secret over the search's parameters, so a token continues only the
/// search that issued it. One altered, replayed with other parameters, or made by an instance
/// with another key is refused.
///
/// A token is `base64url(position) "." base64url(HMAC-SHA256(…)[0..<16])`. Without
/// `LATCHKEY_SECRET_KEY` the key is random per process: tokens then hold on one instance only.
struct PageTokens: Sendable {
    private let box: SecretBox

    init(box: SecretBox?) {
        guard let box else {
            guard let random = try? SecureRandom.bytes(32), let box = SecretBox(key: random) else {
                preconditionFailure("OpenSSL could not make a random key")
            }
            self.box = box
            return
        }
        self.box = box
    }

    /// A token for the page starting after `position` of the search with `parameters`.
    func token(after position: String, parameters: [String]) -> String {
        Base64URL.encode(Array(position.utf8)) + "." + Base64URL.encode(mac(position, parameters))
    }

    /// The position `token` carries, or `nil` when it is not one this key issued for
    /// `parameters`.
    func position(of token: String, parameters: [String]) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let bytes = Base64URL.decode(parts[0]), let tag = Base64URL.decode(parts[1]), tag.count == 16,
              let position = String(validating: bytes, as: UTF8.self),
              ConstantTime.equals(tag, mac(position, parameters)) else { return nil }
        return position
    }

    /// The first 16 bytes of the MAC over the purpose, each parameter (length-prefixed, so no
    /// two lists read alike) and the position.
    private func mac(_ position: String, _ parameters: [String]) -> [UInt8] {
        var message = Array("authzen.page".utf8)
        for part in parameters + [position] {
            message += Array("\(part.utf8.count):".utf8) + Array(part.utf8)
        }
        guard let tag = try? box.mac(message) else { return [] }
        return Array(tag.prefix(16))
    }
}
