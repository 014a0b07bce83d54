import COpenSSL
import Foundation

/// Mints JWS tokens with a key pair it generates (OpenSSL): for tests, the benchmark and the
/// worked example, standing in for an identity provider. Never used to verify anything.
public final class JWSSigner: @unchecked Sendable {
    public let algorithm: JWS.Algorithm
    public let keyID: String
    private let pkey: OpaquePointer

    /// A new RSA-2048 (RS256) or P-256 (ES256) key pair.
    public init(_ algorithm: JWS.Algorithm, keyID: String, rsaBits: Int32 = 2048) throws(FederationError) {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, algorithm == .rs256 ? "RSA" : "EC", nil) else { throw .badKeySet("no key context") }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1 else { throw .badKeySet("keygen init") }
        if algorithm == .rs256 {
            guard EVP_PKEY_CTX_set_rsa_keygen_bits(context, rsaBits) == 1 else { throw .badKeySet("rsa bits") }
        } else {
            guard EVP_PKEY_CTX_set_group_name(context, "prime256v1") == 1 else { throw .badKeySet("group") }
        }
        var pkey: OpaquePointer?
        guard EVP_PKEY_generate(context, &pkey) == 1, let pkey else { throw .badKeySet("keygen") }
        self.algorithm = algorithm
        self.keyID = keyID
        self.pkey = pkey
    }

    deinit { EVP_PKEY_free(pkey) }

    /// The public half as a JWK (`kid`, `alg`, `use: sig`).
    public var jwk: [String: String] {
        var jwk = ["kid": keyID, "alg": algorithm.rawValue, "use": "sig"]
        if algorithm == .rs256 {
            jwk["kty"] = "RSA"
            jwk["n"] = Base64URL.encode(bigNumber("n"))
            jwk["e"] = Base64URL.encode(bigNumber("e"))
        } else {
            var point = [UInt8](repeating: 0, count: 65)
            var length = 0
            EVP_PKEY_get_octet_string_param(pkey, "encoded-pub-key", &point, point.count, &length)
            jwk["kty"] = "EC"
            jwk["crv"] = "P-256"
            jwk["x"] = Base64URL.encode(point[1..<33])
            jwk["y"] = Base64URL.encode(point[33..<65])
        }
        return jwk
    }

    /// The public half in PEM (a SubjectPublicKeyInfo), as GitHub publishes its keys.
    public var publicKeyPEM: String {
        let length = i2d_PUBKEY(pkey, nil)
        guard length > 0 else { return "" }
        var der = [UInt8](repeating: 0, count: Int(length))
        der.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            _ = i2d_PUBKEY(pkey, &cursor)
        }
        let lines = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN PUBLIC KEY-----\n\(lines)\n-----END PUBLIC KEY-----\n"
    }

    private func bigNumber(_ name: String) -> [UInt8] {
        var number: OpaquePointer?
        guard EVP_PKEY_get_bn_param(pkey, name, &number) == 1, let number else { return [] }
        defer { BN_free(number) }
        var bytes = [UInt8](repeating: 0, count: Int((BN_num_bits(number) + 7) / 8))
        BN_bn2bin(number, &bytes)
        return bytes
    }

    /// A compact JWS of `claims` (a JSON object's text), with `header` members added.
    public func sign(claims: String, header extra: String = "") throws(FederationError) -> String {
        let header = #"{"alg":"\#(algorithm.rawValue)","typ":"JWT","kid":"\#(keyID)"\#(extra)}"#
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(claims.utf8))
        return input + "." + Base64URL.encode(try signature(of: Array(input.utf8)))
    }

    /// The raw JOSE signature of `input` (RS256: PKCS #1 v1.5; ES256: r‖s).
    public func signature(of input: [UInt8]) throws(FederationError) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw .badSignature }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit_ex(context, nil, "SHA256", nil, nil, pkey, nil) == 1 else { throw .badSignature }
        var length = 0
        guard EVP_DigestSign(context, nil, &length, input, input.count) == 1 else { throw .badSignature }
        var output = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(context, &output, &length, input, input.count) == 1 else { throw .badSignature }
        output.removeSubrange(length...)
        guard algorithm == .es256 else { return output }
        guard let raw = ECDSASignature.raw(der: output) else { throw .badSignature }
        return raw
    }
}
