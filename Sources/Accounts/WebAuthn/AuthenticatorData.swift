/// Authenticator data (WebAuthn Level 2 §6.1): the RP ID hash, flags, signature counter and,
/// at registration, the attested credential (its id and COSE public key). Parsed strictly: no
/// bytes may be left over, and extensions, when flagged, are one CBOR map.
public struct AuthenticatorData: Sendable {
    /// The bytes as signed.
    public let raw: [UInt8]
    public let rpIDHash: [UInt8]
    public let flags: UInt8
    public let signCount: UInt32
    /// The new credential, present (only) when the `AT` flag is set.
    public let credential: AttestedCredential?

    /// The largest credential id WebAuthn allows.
    public static let maxCredentialIDLength = 1023

    public var userPresent: Bool { flags & 0x01 != 0 }
    public var userVerified: Bool { flags & 0x04 != 0 }

    public init(_ raw: [UInt8]) throws(WebAuthnError) {
        guard raw.count >= 37 else { throw .malformed("authenticator data shorter than 37 bytes") }
        self.raw = raw
        rpIDHash = Array(raw[0..<32])
        flags = raw[32]
        signCount = raw[33..<37].reduce(0) { $0 << 8 | UInt32($1) }
        var offset = 37
        if flags & 0x40 != 0 {
            guard raw.count >= offset + 18 else { throw .malformed("attested credential data truncated") }
            let length = Int(raw[offset + 16]) << 8 | Int(raw[offset + 17])
            offset += 18
            guard length > 0, length <= Self.maxCredentialIDLength, raw.count >= offset + length else {
                throw .malformed("bad credential id length")
            }
            let id = Array(raw[offset..<(offset + length)])
            offset += length
            var reader = CBORReader(raw, offset: offset)
            let key: CBOR
            do { key = try reader.read() } catch { throw .malformed("credential public key: \(error)") }
            credential = AttestedCredential(id: id, publicKey: Array(raw[offset..<reader.offset]), coseKey: key)
            offset = reader.offset
        } else {
            credential = nil
        }
        if flags & 0x80 != 0 {
            var reader = CBORReader(raw, offset: offset)
            let extensions: CBOR
            do { extensions = try reader.read() } catch { throw .malformed("extensions: \(error)") }
            guard case .map = extensions else { throw .malformed("extensions are not a map") }
            offset = reader.offset
        }
        guard offset == raw.count else { throw .malformed("bytes left after authenticator data") }
    }
}

/// A credential as registration attests it: its id and its COSE public key (as encoded, which
/// is what is stored, and as read).
public struct AttestedCredential: Sendable {
    public let id: [UInt8]
    public let publicKey: [UInt8]
    public let coseKey: CBOR
}
