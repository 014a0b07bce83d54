import COpenSSL
import Foundation

/// A public signing key in OpenSSL (`EVP_PKEY`), made from a JWK's parameters: RSA (`n`, `e`,
/// 2048 to 8192 bits) or EC P-256 (`x`, `y`, checked to be on the curve); or a PEM P-256 key
/// (GitHub's secret-scanning keys).
public final class PublicKey: @unchecked Sendable {
    public enum Kind: Sendable, Equatable { case rsa, ecP256 }

    public let kind: Kind
    // Read-only after init; OpenSSL allows concurrent verifications with one key.
    let pkey: OpaquePointer

    /// `EVP_PKEY_PUBLIC_KEY` (a macro Swift does not import): public key and all parameters.
    private static let publicKeySelection: Int32 = 0x86

    public init(rsaModulus n: [UInt8], exponent e: [UInt8]) throws(FederationError) {
        guard !n.isEmpty, !e.isEmpty, e.count <= 8 else { throw .badKeySet("an RSA key needs n and a small e") }
        guard let pkey = Self.fromData("RSA", { builder in
            guard let modulus = BN_bin2bn(n, Int32(n.count), nil) else { return nil }
            defer { BN_free(modulus) }
            guard let exponent = BN_bin2bn(e, Int32(e.count), nil) else { return nil }
            defer { BN_free(exponent) }
            guard OSSL_PARAM_BLD_push_BN(builder, Self.cString("n"), modulus) == 1,
                  OSSL_PARAM_BLD_push_BN(builder, Self.cString("e"), exponent) == 1 else { return nil }
            return OSSL_PARAM_BLD_to_param(builder)
        }) else { throw .badKeySet("OpenSSL refused the RSA parameters") }
        let bits = EVP_PKEY_get_bits(pkey)
        guard (2048...8192).contains(bits) else {
            EVP_PKEY_free(pkey)
            throw .badKeySet("an RSA key has 2048 to 8192 bits, not \(bits)")
        }
        self.kind = .rsa
        self.pkey = pkey
    }

    public init(p256X x: [UInt8], y: [UInt8]) throws(FederationError) {
        guard x.count == 32, y.count == 32 else { throw .badKeySet("a P-256 key has 32-byte x and y") }
        let point = [0x04] + x + y
        guard let pkey = Self.fromData("EC", { builder in
            point.withUnsafeBufferPointer { buffer in
                guard OSSL_PARAM_BLD_push_utf8_string(builder, Self.cString("group"), Self.cString("prime256v1"), 0) == 1,
                      OSSL_PARAM_BLD_push_octet_string(builder, Self.cString("pub"), buffer.baseAddress, buffer.count) == 1 else { return nil }
                return OSSL_PARAM_BLD_to_param(builder)
            }
        }) else { throw .badKeySet("the EC point is not on P-256") }
        let check = EVP_PKEY_CTX_new_from_pkey(nil, pkey, nil)
        defer { EVP_PKEY_CTX_free(check) }
        guard let check, EVP_PKEY_public_check(check) == 1 else {
            ERR_clear_error()
            EVP_PKEY_free(pkey)
            throw .badKeySet("the EC point is not on P-256")
        }
        self.kind = .ecP256
        self.pkey = pkey
    }

    /// A P-256 key in PEM (`-----BEGIN PUBLIC KEY-----`, a DER SubjectPublicKeyInfo).
    public init(pemP256 pem: String) throws(FederationError) {
        let body = pem.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("-----") }.joined()
        guard pem.contains("-----BEGIN PUBLIC KEY-----"), let der = Data(base64Encoded: body), !der.isEmpty else {
            throw .badKeySet("not a PEM public key")
        }
        let decoded: OpaquePointer? = der.withUnsafeBytes { buffer in
            var cursor = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) as UnsafePointer<UInt8>?
            return d2i_PUBKEY(nil, &cursor, buffer.count)
        }
        guard let pkey = decoded else { ERR_clear_error(); throw .badKeySet("OpenSSL refused the PEM key") }
        var group = [CChar](repeating: 0, count: 32)
        guard EVP_PKEY_get_group_name(pkey, &group, group.count, nil) == 1,
              String(decoding: group.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) == "prime256v1" else {
            ERR_clear_error()
            EVP_PKEY_free(pkey)
            throw .badKeySet("not a P-256 key")
        }
        self.kind = .ecP256
        self.pkey = pkey
    }

    deinit { EVP_PKEY_free(pkey) }

    /// A C string that lives as long as the program: the builder keeps the pointers it is given
    /// (names, values, buffers) until `OSSL_PARAM_BLD_to_param` copies them, so a bridged
    /// Swift `String`, valid only for one call, would dangle.
    private static func cString(_ text: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
    }

    /// A public key of `type` from the parameters `build` pushes and turns into an array (within
    /// its own scope, so every pointer it pushed is still valid).
    private static func fromData(_ type: String, _ build: (OpaquePointer) -> UnsafeMutablePointer<OSSL_PARAM>?) -> OpaquePointer? {
        guard let builder = OSSL_PARAM_BLD_new() else { return nil }
        defer { OSSL_PARAM_BLD_free(builder) }
        guard let params = build(builder) else { ERR_clear_error(); return nil }
        defer { OSSL_PARAM_free(params) }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, type, nil) else { return nil }
        defer { EVP_PKEY_CTX_free(context) }
        var pkey: OpaquePointer?
        guard EVP_PKEY_fromdata_init(context) == 1, EVP_PKEY_fromdata(context, &pkey, publicKeySelection, params) == 1 else {
            ERR_clear_error()
            return nil
        }
        return pkey
    }

    /// Whether `signature` is this key's `algorithm` signature of `input`. An algorithm that
    /// does not fit the key (an RSA key for ES256, say: algorithm confusion) never verifies.
    public func verifies(_ signature: [UInt8], of input: [UInt8], as algorithm: JWS.Algorithm) -> Bool {
        let der: [UInt8]
        switch (algorithm, kind) {
        case (.rs256, .rsa):
            der = signature
        case (.es256, .ecP256):
            // JOSE sends r‖s (32 bytes each); OpenSSL takes the DER ECDSA-Sig-Value.
            guard signature.count == 64, let encoded = ECDSASignature.der(raw: signature) else { return false }
            der = encoded
        default:
            return false
        }
        return digestVerifies(der, of: input)
    }

    /// Whether `der` (a DER ECDSA-Sig-Value, as GitHub sends) is this P-256 key's ECDSA SHA-256
    /// signature of `input`.
    public func verifies(ecdsaDER der: [UInt8], of input: [UInt8]) -> Bool {
        kind == .ecP256 && digestVerifies(der, of: input)
    }

    private func digestVerifies(_ der: [UInt8], of input: [UInt8]) -> Bool {
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, SHA256.digest, nil, pkey) == 1 else {
            ERR_clear_error()
            return false
        }
        let ok = EVP_DigestVerify(context, der, der.count, input, input.count) == 1
        if !ok { ERR_clear_error() }
        return ok
    }
}

/// SHA-256, fetched from OpenSSL's provider once: fetching it by name for every verification
/// costs a lookup under a lock.
enum SHA256 {
    nonisolated(unsafe) static let digest: OpaquePointer? = EVP_MD_fetch(nil, "SHA256", nil)
}

/// ECDSA signatures between JOSE's fixed-width `r‖s` and DER's `SEQUENCE { INTEGER r, INTEGER s }`.
public enum ECDSASignature {
    /// The DER encoding of a 64-byte `r‖s`.
    public static func der(raw: [UInt8]) -> [UInt8]? {
        guard raw.count == 64 else { return nil }
        func integer(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
            var value = Array(bytes.drop { $0 == 0 })
            if value.isEmpty { value = [0] }
            if value[0] & 0x80 != 0 { value.insert(0, at: 0) }
            return [0x02, UInt8(value.count)] + value
        }
        let body = integer(raw[0..<32]) + integer(raw[32..<64])
        return [0x30, UInt8(body.count)] + body
    }

    /// The 64-byte `r‖s` of a DER signature (as OpenSSL signs), or `nil` if it is not one.
    public static func raw(der: [UInt8]) -> [UInt8]? {
        var index = 0
        func read(_ tag: UInt8) -> ArraySlice<UInt8>? {
            guard index + 2 <= der.count, der[index] == tag else { return nil }
            let length = Int(der[index + 1])
            guard length < 0x80, index + 2 + length <= der.count else { return nil }
            defer { index += 2 + length }
            return der[(index + 2)..<(index + 2 + length)]
        }
        guard read(0x30) != nil else { return nil }
        index = 2
        guard let r = read(0x02), let s = read(0x02) else { return nil }
        func fixed(_ value: ArraySlice<UInt8>) -> [UInt8]? {
            let trimmed = Array(value.drop { $0 == 0 })
            guard trimmed.count <= 32 else { return nil }
            return [UInt8](repeating: 0, count: 32 - trimmed.count) + trimmed
        }
        guard let fixedR = fixed(r), let fixedS = fixed(s) else { return nil }
        return fixedR + fixedS
    }
}
