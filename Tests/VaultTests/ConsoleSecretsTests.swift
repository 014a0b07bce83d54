import Foundation
import Testing
import Vault

/// The primitives of the console's MFA (SPEC §10): TOTP (RFC 6238), base32 (RFC 4648) and the
/// AES-256-GCM box that keeps TOTP secrets encrypted at rest.
@Suite("TOTP, base32 and the secret box")
struct ConsoleSecretsTests {
    /// RFC 6238 appendix B (SHA-1 secret), last six digits.
    @Test(arguments: [(59, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"),
                      (1_234_567_890, "005924"), (2_000_000_000, "279037"), (20_000_000_000, "353130")])
    func rfc6238Vectors(time: Int, code: String) throws {
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        let date = Date(timeIntervalSince1970: TimeInterval(time))
        #expect(try totp.code(step: TOTP.step(at: date)) == code)
        #expect(try totp.matchingStep(code, at: date) == TOTP.step(at: date))
        // ±1 step of drift is accepted, two steps are not.
        #expect(try totp.matchingStep(code, at: date.addingTimeInterval(30)) == TOTP.step(at: date))
        #expect(try totp.matchingStep(code, at: date.addingTimeInterval(65)) == nil)
        #expect(try totp.matchingStep("12345", at: date) == nil)
        #expect(try totp.matchingStep("abcdef", at: date) == nil)
    }

    @Test func base32RoundTripsAndFollowsRFC4648() {
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(Base32.decode("MZXW6YTBOI======") == Array("foobar".utf8))
        #expect(Base32.decode("mzxw 6ytb-oi") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW1") == nil)
        for length in 0..<25 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(Base32.decode(Base32.encode(bytes)) == bytes)
        }
    }

    @Test func otpauthURINamesTheSecretAndIssuer() {
        let uri = TOTP(secret: Array("foobar".utf8)).uri(account: "ada@example.com", issuer: "Latchkey")
        #expect(uri.hasPrefix("otpauth://totp/Latchkey%3Aada%40example.com?secret=MZXW6YTBOI&issuer=Latchkey"))
    }

    @Test func secretBoxSealsOpensAndRefusesAlteredOrMisusedValues() throws {
        let box = try #require(SecretBox(key: Array(repeating: 7, count: 32)))
        let other = try #require(SecretBox(key: Array(repeating: 8, count: 32)))
        let secret: [UInt8] = Array("a TOTP secret".utf8)
        let sealed = try box.seal(secret, purpose: "mfa")
        #expect(sealed.hasPrefix("v1:"))
        #expect(!sealed.contains("TOTP"))
        #expect(try box.seal(secret, purpose: "mfa") != sealed, "a fresh nonce each time")
        #expect(box.open(sealed, purpose: "mfa") == secret)
        #expect(box.open(sealed, purpose: "other") == nil)
        #expect(other.open(sealed, purpose: "mfa") == nil)
        var bytes = Array(Data(base64Encoded: String(sealed.dropFirst(3)))!)
        bytes[14] ^= 1
        #expect(box.open("v1:" + Data(bytes).base64EncodedString(), purpose: "mfa") == nil)
        #expect(box.open("v1:AAAA", purpose: "mfa") == nil)
        #expect(box.open("garbage", purpose: "mfa") == nil)
        #expect(SecretBox(base64: "c2hvcnQ=") == nil)
        #expect(SecretBox(base64: Data(repeating: 1, count: 32).base64EncodedString()) != nil)
    }
}
