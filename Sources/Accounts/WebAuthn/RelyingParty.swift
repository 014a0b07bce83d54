import Foundation
import Vault

/// Latchkey as a WebAuthn relying party (SPEC §10): its origin is `LATCHKEY_PUBLIC_URL` and its
/// RP ID that URL's host; without a public URL, the loopback origin `http://localhost` (any
/// port) with RP ID `localhost`. Checks what a browser sent against them; the challenge and the
/// stored credential are the caller's (``Passkeys``).
public struct RelyingParty: Sendable {
    public let id: String
    /// The one origin accepted; `nil`: any `http://localhost[:port]`.
    let origin: String?

    /// The relying party of public URL `publicURL` (scheme, host, optional port, no path);
    /// `nil` when it has no host.
    public init?(publicURL: String?) {
        guard let publicURL else {
            id = "localhost"
            origin = nil
            return
        }
        guard let url = URL(string: publicURL), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host?.lowercased(), !host.isEmpty else { return nil }
        let loopback = ["127.0.0.1", "::1", "[::1]", "localhost"].contains(host)
        id = loopback ? "localhost" : host
        origin = "\(scheme)://\(id)" + (url.port.map { ":\($0)" } ?? "")
    }

    /// Whether a browser's origin is this relying party's.
    func accepts(origin candidate: String) -> Bool {
        if let origin { return candidate == origin }
        guard candidate.hasPrefix("http://localhost") else { return false }
        let rest = candidate.dropFirst("http://localhost".count)
        return rest.isEmpty || (rest.first == ":" && rest.count <= 6 && rest.dropFirst().allSatisfy(\.isASCII) && Int(rest.dropFirst()) != nil)
    }

    /// The client data of a ceremony of `type`, checked to come from our origin (same-origin).
    func clientData(_ raw: [UInt8], type: String) throws(WebAuthnError) -> ClientData {
        let data = try ClientData(raw)
        guard data.type == type else { throw .wrongContext("client data type is not \(type)") }
        guard accepts(origin: data.origin), !data.crossOrigin else { throw .wrongContext("wrong origin") }
        return data
    }

    /// Authenticator data checked to be for our RP ID, with the user present and verified.
    func authenticatorData(_ data: AuthenticatorData) throws(WebAuthnError) -> AuthenticatorData {
        guard ConstantTime.equals(data.rpIDHash, SHA256Digest(hashing: id).bytes) else { throw .wrongContext("wrong RP ID hash") }
        guard data.userPresent, data.userVerified else { throw .userNotVerified }
        return data
    }

    /// A registration (`navigator.credentials.create`) checked against this relying party:
    /// its challenge (still to be consumed) and the new credential. `none` attestation only.
    public func registration(clientDataJSON: [UInt8], attestationObject: [UInt8]) throws(WebAuthnError) -> Registration {
        let client = try clientData(clientDataJSON, type: "webauthn.create")
        let attestation = try AttestationObject(attestationObject)
        let data = try authenticatorData(attestation.authenticatorData)
        _ = try COSEKey(attestation.credential.coseKey)
        return Registration(challenge: client.challenge, credentialID: attestation.credential.id,
                            publicKey: attestation.credential.publicKey, signCount: data.signCount)
    }

    /// An assertion (`navigator.credentials.get`) checked against this relying party, but not
    /// yet against its credential (``Assertion/verify(with:storedCount:)``).
    public func assertion(clientDataJSON: [UInt8], authenticatorData: [UInt8], signature: [UInt8]) throws(WebAuthnError) -> Assertion {
        let client = try clientData(clientDataJSON, type: "webauthn.get")
        let data = try self.authenticatorData(AuthenticatorData(authenticatorData))
        guard data.credential == nil else { throw .malformed("an assertion attests no credential") }
        return Assertion(challenge: client.challenge, signCount: data.signCount,
                         signed: authenticatorData + SHA256Digest(hashing: clientDataJSON).bytes, signature: signature)
    }
}

/// A checked registration: the challenge it answers and the credential to store.
public struct Registration: Sendable {
    public let challenge: [UInt8]
    public let credentialID: [UInt8]
    /// The COSE public key, as encoded.
    public let publicKey: [UInt8]
    public let signCount: UInt32
}

/// A checked assertion whose signature is still to be verified with the stored key.
public struct Assertion: Sendable {
    public let challenge: [UInt8]
    public let signCount: UInt32
    /// `authenticatorData ‖ SHA-256(clientDataJSON)`.
    let signed: [UInt8]
    let signature: [UInt8]

    /// Verifies the signature with the credential's stored COSE key and checks that the counter
    /// went forward from `storedCount` (both zero: an authenticator without a counter).
    /// Returns the counter to store.
    public func verify(with publicKey: [UInt8], storedCount: UInt32) throws(WebAuthnError) -> UInt32 {
        guard try COSEKey(encoded: publicKey).verifies(signature, of: signed) else { throw .badSignature }
        guard signCount > storedCount || (signCount == 0 && storedCount == 0) else { throw .counterWentBack }
        return signCount
    }
}
