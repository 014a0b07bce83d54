import Federation

/// A credential public key in COSE (RFC 9053), as WebAuthn's ES256 (`kty` 2, `alg` -7, P-256)
/// and RS256 (`kty` 3, `alg` -257, 2048 to 8192 bits) send it, made into an OpenSSL key.
public struct COSEKey: Sendable {
    public let algorithm: JWS.Algorithm
    public let key: PublicKey

    /// The COSE algorithm numbers Latchkey asks for, in order of preference.
    public static let algorithms = [-7, -257]

    public init(_ cose: CBOR) throws(WebAuthnError) {
        guard case .map = cose else { throw .malformed("COSE key is not a map") }
        switch (cose[1]?.int, cose[3]?.int) {
        case (2, -7):
            guard cose[-1]?.int == 1, let x = cose[-2]?.bytes, let y = cose[-3]?.bytes else { throw .malformed("bad EC2 key") }
            do { key = try PublicKey(p256X: x, y: y) } catch { throw .malformed("EC2 key: \(error)") }
            algorithm = .es256
        case (3, -257):
            guard let n = cose[-1]?.bytes, let e = cose[-2]?.bytes else { throw .malformed("bad RSA key") }
            do { key = try PublicKey(rsaModulus: n, exponent: e) } catch { throw .malformed("RSA key: \(error)") }
            algorithm = .rs256
        default:
            throw .unsupportedAlgorithm
        }
    }

    /// The key as stored: its COSE encoding.
    public init(encoded: [UInt8]) throws(WebAuthnError) {
        let cose: CBOR
        do { cose = try CBORReader.decode(encoded) } catch { throw .malformed("stored COSE key: \(error)") }
        try self.init(cose)
    }

    /// Whether `signature` is this key's signature of `message` (ES256 signatures are DER, as
    /// WebAuthn sends them).
    public func verifies(_ signature: [UInt8], of message: [UInt8]) -> Bool {
        switch algorithm {
        case .es256: key.verifies(ecdsaDER: signature, of: message)
        default: key.verifies(signature, of: message, as: algorithm)
        }
    }
}
