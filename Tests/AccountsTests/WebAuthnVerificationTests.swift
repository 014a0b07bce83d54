import Accounts
import Federation
import TestSupport
import Testing

/// WebAuthn verification without a database (SPEC §10): a recorded registration and assertion
/// verify; a wrong origin, RP ID hash, type, counter going backwards, flipped signature bit or
/// missing user verification are each refused.
@Suite struct WebAuthnVerificationTests {
    typealias V = WebAuthnVectors
    let party = RelyingParty(publicURL: V.origin)!

    @Test func recordedRegistrationVerifies() throws {
        let registration = try party.registration(clientDataJSON: V.clientDataCreate, attestationObject: V.attestationObject)
        #expect(registration.challenge == V.registrationChallenge)
        #expect(registration.credentialID == V.credentialID)
        #expect(registration.publicKey == V.coseKey)
        #expect(registration.signCount == 0)
    }

    @Test func recordedAssertionVerifies() throws {
        let assertion = try party.assertion(clientDataJSON: V.clientDataGet, authenticatorData: V.authenticatorData, signature: V.signature)
        #expect(assertion.challenge == V.assertionChallenge)
        #expect(try assertion.verify(with: V.coseKey, storedCount: 0) == 7)
        #expect(try assertion.verify(with: V.coseKey, storedCount: 6) == 7)
    }

    @Test func wrongOriginIsRefused() {
        for other in ["https://latchkey.example", "http://localhost:8081", "https://localhost:8080"] {
            let elsewhere = RelyingParty(publicURL: other)!
            #expect(throws: WebAuthnError.wrongContext("wrong origin")) {
                try elsewhere.assertion(clientDataJSON: V.clientDataGet, authenticatorData: V.authenticatorData, signature: V.signature)
            }
            #expect(throws: WebAuthnError.wrongContext("wrong origin")) {
                try elsewhere.registration(clientDataJSON: V.clientDataCreate, attestationObject: V.attestationObject)
            }
        }
        // Without a public URL: the loopback origin, any port, and nothing else.
        let loopback = RelyingParty(publicURL: nil)!
        #expect(loopback.id == "localhost")
        #expect((try? loopback.assertion(clientDataJSON: V.clientDataGet, authenticatorData: V.authenticatorData, signature: V.signature)) != nil)
    }

    @Test func wrongRPIDHashIsRefused() {
        var data = V.authenticatorData
        data[0] ^= 1
        #expect(throws: WebAuthnError.wrongContext("wrong RP ID hash")) {
            try party.assertion(clientDataJSON: V.clientDataGet, authenticatorData: data, signature: V.signature)
        }
    }

    @Test func wrongCeremonyTypeIsRefused() {
        #expect(throws: WebAuthnError.wrongContext("client data type is not webauthn.get")) {
            try party.assertion(clientDataJSON: V.clientDataCreate, authenticatorData: V.authenticatorData, signature: V.signature)
        }
    }

    @Test func counterGoingBackwardsIsRefused() throws {
        let assertion = try party.assertion(clientDataJSON: V.clientDataGet, authenticatorData: V.authenticatorData, signature: V.signature)
        for stored: UInt32 in [7, 8, 1000] {
            #expect(throws: WebAuthnError.counterWentBack) { try assertion.verify(with: V.coseKey, storedCount: stored) }
        }
    }

    @Test func flippedSignatureBitIsRefused() throws {
        for index in [V.signature.count - 1, 10] {
            var signature = V.signature
            signature[index] ^= 1
            let assertion = try party.assertion(clientDataJSON: V.clientDataGet, authenticatorData: V.authenticatorData, signature: signature)
            #expect(throws: WebAuthnError.badSignature) { try assertion.verify(with: V.coseKey, storedCount: 0) }
        }
        // A signature over other authenticator data (the counter changed) does not verify either.
        var data = V.authenticatorData
        data[36] ^= 1
        let altered = try party.assertion(clientDataJSON: V.clientDataGet, authenticatorData: data, signature: V.signature)
        #expect(throws: WebAuthnError.badSignature) { try altered.verify(with: V.coseKey, storedCount: 0) }
    }

    @Test func missingUserVerificationIsRefused() {
        var data = V.authenticatorData
        data[32] = 0x01
        #expect(throws: WebAuthnError.userNotVerified) {
            try party.assertion(clientDataJSON: V.clientDataGet, authenticatorData: data, signature: V.signature)
        }
    }

    @Test func onlyNoneAttestationIsAccepted() {
        // "fmt": "none" → "fmt": "nonf"
        var object = V.attestationObject
        let index = object.firstIndex(of: UInt8(ascii: "e"))!
        object[index] = UInt8(ascii: "f")
        #expect(throws: WebAuthnError.malformed("attestation format is not none")) {
            try party.registration(clientDataJSON: V.clientDataCreate, attestationObject: object)
        }
    }

    @Test func rs256KeysVerify() throws {
        let authenticator = try SoftwareAuthenticator(.rs256)
        let (client, attestation) = authenticator.register([1, 2, 3])
        let registration = try party.registration(clientDataJSON: client, attestationObject: attestation)
        let answer = try authenticator.assert([4, 5, 6])
        let assertion = try party.assertion(clientDataJSON: answer.clientDataJSON, authenticatorData: answer.authenticatorData, signature: answer.signature)
        #expect(try assertion.verify(with: registration.publicKey, storedCount: 0) == 1)
        var bad = answer.signature
        bad[0] ^= 0x80
        let forged = try party.assertion(clientDataJSON: answer.clientDataJSON, authenticatorData: answer.authenticatorData, signature: bad)
        #expect(throws: WebAuthnError.badSignature) { try forged.verify(with: registration.publicKey, storedCount: 0) }
        // An ES256 signature checked with an RSA key (algorithm confusion) never verifies.
        let es = try SoftwareAuthenticator().assert([7])
        let confused = try party.assertion(clientDataJSON: es.clientDataJSON, authenticatorData: es.authenticatorData, signature: es.signature)
        #expect(throws: WebAuthnError.badSignature) { try confused.verify(with: registration.publicKey, storedCount: 0) }
    }
}
