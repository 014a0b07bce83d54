import Accounts
import Federation
import Foundation
import Vault

/// A software authenticator for tests: an OpenSSL key (ES256 or RS256) that makes `none`
/// registrations and assertions as a browser and authenticator would, with a counter.
public final class SoftwareAuthenticator: @unchecked Sendable {
    public let signer: JWSSigner
    public let credentialID: [UInt8]
    public var counter: UInt32 = 0
    public var flags: UInt8 = 0x05
    public let origin: String, rpID: String

    public init(_ algorithm: JWS.Algorithm = .es256, origin: String = "http://localhost:8080", rpID: String = "localhost") throws {
        signer = try JWSSigner(algorithm, keyID: "test")
        credentialID = try SecureRandom.bytes(16)
        self.origin = origin
        self.rpID = rpID
    }

    /// The public key in COSE.
    public var coseKey: [UInt8] {
        let jwk = signer.jwk
        if signer.algorithm == .es256 {
            return TestCBOR.map([(.int(1), .int(2)), (.int(3), .int(-7)), (.int(-1), .int(1)),
                                 (.int(-2), .bytes(Base64URL.decode(jwk["x"]!)!)), (.int(-3), .bytes(Base64URL.decode(jwk["y"]!)!))])
        }
        return TestCBOR.map([(.int(1), .int(3)), (.int(3), .int(-257)),
                             (.int(-1), .bytes(Base64URL.decode(jwk["n"]!)!)), (.int(-2), .bytes(Base64URL.decode(jwk["e"]!)!))])
    }

    public func clientData(_ type: String, _ challenge: [UInt8], origin: String? = nil) -> [UInt8] {
        Array(#"{"type":"\#(type)","challenge":"\#(Base64URL.encode(challenge))","origin":"\#(origin ?? self.origin)","crossOrigin":false}"#.utf8)
    }

    public var rpIDHash: [UInt8] { SHA256Digest(hashing: rpID).bytes }

    /// `(clientDataJSON, attestationObject)` of a registration answering `challenge`.
    public func register(_ challenge: [UInt8]) -> (clientDataJSON: [UInt8], attestationObject: [UInt8]) {
        let authData = rpIDHash + [flags | 0x40] + Self.bigEndian(counter) + [UInt8](repeating: 0, count: 16)
            + [UInt8(credentialID.count >> 8), UInt8(credentialID.count & 0xff)] + credentialID + coseKey
        let attestation = TestCBOR.map([(.text("fmt"), .text("none")), (.text("attStmt"), .raw([0xa0])), (.text("authData"), .bytes(authData))])
        return (clientData("webauthn.create", challenge), attestation)
    }

    /// An assertion answering `challenge`, its counter advanced first (unless `advance` is false).
    public func assert(_ challenge: [UInt8], advance: Bool = true, origin: String? = nil, userHandle: [UInt8]? = nil) throws -> PasskeyAssertion {
        if advance { counter += 1 }
        let client = clientData("webauthn.get", challenge, origin: origin)
        let authData = rpIDHash + [flags] + Self.bigEndian(counter)
        var signature = try signer.signature(of: authData + SHA256Digest(hashing: client).bytes)
        if signer.algorithm == .es256 { signature = ECDSASignature.der(raw: signature)! }
        return PasskeyAssertion(credentialID: credentialID, clientDataJSON: client, authenticatorData: authData, signature: signature, userHandle: userHandle)
    }

    public static func bigEndian(_ value: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }
}

/// Just enough of a CBOR encoder to build test inputs.
public enum TestCBOR {
    public indirect enum Item {
        case int(Int), bytes([UInt8]), text(String), raw([UInt8])
    }

    public static func head(_ major: UInt8, _ value: UInt64) -> [UInt8] {
        switch value {
        case 0..<24: [major << 5 | UInt8(value)]
        case 24..<0x100: [major << 5 | 24, UInt8(value)]
        case 0x100..<0x1_0000: [major << 5 | 25, UInt8(value >> 8), UInt8(value & 0xff)]
        default: [major << 5 | 26] + SoftwareAuthenticator.bigEndian(UInt32(value))
        }
    }

    public static func encode(_ item: Item) -> [UInt8] {
        switch item {
        case .int(let n): n >= 0 ? head(0, UInt64(n)) : head(1, UInt64(-1 - n))
        case .bytes(let b): head(2, UInt64(b.count)) + b
        case .text(let t): head(3, UInt64(t.utf8.count)) + Array(t.utf8)
        case .raw(let r): r
        }
    }

    public static func map(_ pairs: [(Item, Item)]) -> [UInt8] {
        head(5, UInt64(pairs.count)) + pairs.flatMap { encode($0.0) + encode($0.1) }
    }
}
