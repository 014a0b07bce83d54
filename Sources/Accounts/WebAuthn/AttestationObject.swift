/// An attestation object (WebAuthn Level 2 §6.5): a CBOR map of `fmt`, `attStmt` and
/// `authData`. Latchkey asks for `none` attestation, so only format `none` with an empty
/// statement is accepted, and the authenticator data must carry the new credential.
public struct AttestationObject: Sendable {
    public let authenticatorData: AuthenticatorData
    public let credential: AttestedCredential

    public init(_ bytes: [UInt8]) throws(WebAuthnError) {
        let object: CBOR
        do { object = try CBORReader.decode(bytes) } catch { throw .malformed("attestation object: \(error)") }
        guard case .map(let pairs) = object, pairs.count == 3 else { throw .malformed("attestation object is not a map of three") }
        guard object["fmt"] == .text("none") else { throw .malformed("attestation format is not none") }
        guard object["attStmt"] == .map([]) else { throw .malformed("a none attestation has an empty statement") }
        guard let raw = object["authData"]?.bytes else { throw .malformed("no authData") }
        authenticatorData = try AuthenticatorData(raw)
        guard let credential = authenticatorData.credential else { throw .malformed("no attested credential") }
        self.credential = credential
    }
}
