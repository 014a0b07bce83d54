import Federation
import Foundation
import Testing

/// JWS parsing and verification on OpenSSL, JWKS parsing and ID-token claim checks (SPEC §11),
/// with key pairs generated here.
@Suite struct JOSETests {
    static let rsa = try! JWSSigner(.rs256, keyID: "rsa-1")
    static let ec = try! JWSSigner(.es256, keyID: "ec-1")
    static let keys = try! JWKS(json: Array(jwks([rsa, ec]).utf8))
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func jwks(_ signers: [JWSSigner]) -> String {
        let entries = signers.map { signer in
            "{" + signer.jwk.sorted { $0.key < $1.key }.map { #""\#($0.key)":"\#($0.value)""# }.joined(separator: ",") + "}"
        }
        return #"{"keys":[\#(entries.joined(separator: ","))]}"#
    }

    static func claims(_ extra: String = "", iss: String = "https://idp.example.com", aud: String = #""latchkey""#, exp: Double = 1_800_000_300) -> String {
        #"{"iss":"\#(iss)","aud":\#(aud),"sub":"u-1","email":"ada@example.com","email_verified":true,"iat":1799999990,"exp":\#(exp)\#(extra)}"#
    }

    func verify(_ token: String, keys: JWKS = Self.keys) throws -> IDToken {
        try IDToken(JWS(compact: token), raw: token, keys: keys, issuer: "https://idp.example.com", audience: "latchkey", now: Self.now)
    }

    @Test func base64urlIsStrict() {
        for bytes in [[], [0], [0, 1], [0, 1, 2], Array(0...255)] as [[UInt8]] {
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
        #expect(Base64URL.encode([0xfb, 0xff]) == "-_8")
        for bad in ["a", "ab=", "a+b", "a/b", "ab c", "AB==", "é", "Zh"] { #expect(Base64URL.decode(bad) == nil, "\(bad)") }
    }

    @Test func rs256AndEs256TokensVerify() throws {
        for signer in [Self.rsa, Self.ec] {
            let token = try verify(try signer.sign(claims: Self.claims(#","jti":"j1""#)))
            #expect(token.email == "ada@example.com" && token.subject == "u-1" && token.issuer == "https://idp.example.com")
            #expect(token.expiresAt == Date(timeIntervalSince1970: 1_800_000_300))
            #expect(token.replayID.hasPrefix("jti:"))
        }
        #expect(try verify(try Self.rsa.sign(claims: Self.claims(aud: #"["other","latchkey"]"#))).replayID.hasPrefix("token:"))
    }

    @Test func malformedTokensAreRefusedBeforeAnyKey() throws {
        let good = try Self.rsa.sign(claims: Self.claims())
        let parts = good.split(separator: ".").map(String.init)
        let header = { (json: String) in Base64URL.encode(Array(json.utf8)) }
        let cases: [(String, FederationError)] = [
            ("", .malformed("a compact JWS has three segments, not 1")),
            (parts[0] + "." + parts[1], .malformed("a compact JWS has three segments, not 2")),
            (good + ".x", .malformed("a compact JWS has three segments, not 4")),
            (parts[0] + ".@@." + parts[2], .malformed("a segment is not base64url")),
            (header("not json") + "." + parts[1] + "." + parts[2], .malformed("the header is not a JSON object")),
            (header("[1]") + "." + parts[1] + "." + parts[2], .malformed("the header is not a JSON object")),
            (parts[0] + "." + header("\"text\"") + "." + parts[2], .malformed("the payload is not a JSON object")),
            (header(#"{"typ":"JWT"}"#) + "." + parts[1] + "." + parts[2], .malformed("the header has no alg")),
            (header(#"{"alg":"none"}"#) + "." + parts[1] + ".", .unsupportedAlgorithm("none")),
            (header(#"{"alg":"HS256","kid":"rsa-1"}"#) + "." + parts[1] + "." + parts[2], .unsupportedAlgorithm("HS256")),
            (header(#"{"alg":"RS512"}"#) + "." + parts[1] + "." + parts[2], .unsupportedAlgorithm("RS512")),
            (header(#"{"alg":"RS256","kid":7}"#) + "." + parts[1] + "." + parts[2], .malformed("kid is not a string")),
            (header(#"{"alg":"RS256","crit":["exp"]}"#) + "." + parts[1] + "." + parts[2], .malformed("unsupported crit header")),
            (String(repeating: "a", count: 17_000), .malformed("longer than 16384 bytes")),
        ]
        for (token, expected) in cases {
            #expect(throws: expected, "\(token.prefix(40))") { _ = try JWS(compact: token) }
        }
    }

    @Test func signaturesKeysAndAlgorithmsMustFit() throws {
        let token = try Self.rsa.sign(claims: Self.claims())
        var tampered = Array(token.utf8)
        tampered[tampered.count - 5] = tampered[tampered.count - 5] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(throws: FederationError.badSignature) { try verify(String(decoding: tampered, as: UTF8.self)) }
        // Another claim under the same signature.
        let parts = token.split(separator: ".")
        let swapped = parts[0] + "." + Base64URL.encode(Array(Self.claims(#","admin":true"#).utf8)) + "." + parts[2]
        #expect(throws: FederationError.badSignature) { try verify(String(swapped)) }
        // Signed by a key the issuer never published, under a kid it did publish.
        let stranger = try JWSSigner(.rs256, keyID: "rsa-1")
        #expect(throws: FederationError.badSignature) { try verify(try stranger.sign(claims: Self.claims())) }
        // A kid the set lacks.
        #expect(throws: FederationError.unknownKey) { try verify(try JWSSigner(.es256, keyID: "ec-9").sign(claims: Self.claims())) }
        // Algorithm confusion: an ES256 header naming the issuer's RSA key, and the reverse.
        let confused = try JWSSigner(.es256, keyID: "rsa-1")
        #expect(throws: FederationError.keyMismatch) { try verify(try confused.sign(claims: Self.claims())) }
        let reversed = try JWSSigner(.rs256, keyID: "ec-1")
        #expect(throws: FederationError.keyMismatch) { try verify(try reversed.sign(claims: Self.claims())) }
        // Without a kid, the one key that fits the algorithm.
        let single = try JWKS(json: Array(Self.jwks([Self.ec]).utf8))
        let unnamed = try Self.ec.sign(claims: Self.claims()).replacingOccurrences(of: Base64URL.encode(Array(#"{"alg":"ES256","typ":"JWT","kid":"ec-1"}"#.utf8)), with: Base64URL.encode(Array(#"{"alg":"ES256"}"#.utf8)))
        // (The header changed, so the signature no longer fits: a fresh one over the new input.)
        let input = unnamed.split(separator: ".").prefix(2).joined(separator: ".")
        let resigned = input + "." + Base64URL.encode(try Self.ec.signature(of: Array(input.utf8)))
        #expect(try verify(resigned, keys: single).subject == "u-1")
    }

    @Test func claimsAreChecked() throws {
        func refused(_ claims: String) throws -> FederationError? {
            do { _ = try verify(try Self.ec.sign(claims: claims)); return nil } catch let error as FederationError { return error }
        }
        let base = #""sub":"u-1","email":"ada@example.com","email_verified":true"#
        let cases: [(String, String)] = [
            (Self.claims(iss: "https://evil.example.com"), "iss is not the trusted issuer"),
            (Self.claims(aud: #""someone-else""#), "aud does not contain the audience"),
            (Self.claims(aud: #"["a","b"]"#), "aud does not contain the audience"),
            (#"{"iss":"https://idp.example.com",\#(base),"exp":1800000300}"#, "aud is missing"),
            (#"{"iss":"https://idp.example.com","aud":"latchkey",\#(base)}"#, "exp is missing"),
            (Self.claims(exp: 1_799_999_939), "the token has expired"),
            (#"{"iss":"https://idp.example.com","aud":"latchkey",\#(base),"exp":"soon"}"#, "exp is not a NumericDate"),
            (#"{"iss":"https://idp.example.com","aud":"latchkey",\#(base),"exp":1800000300,"iat":1800000061}"#, "iat is in the future"),
            (#"{"iss":"https://idp.example.com","aud":"latchkey",\#(base),"exp":1800000300,"nbf":1800000061}"#, "the token is not valid yet"),
            (#"{"iss":"https://idp.example.com","aud":"latchkey","sub":"u-1","email":"ada@example.com","email_verified":false,"exp":1800000300}"#, "email is not verified"),
            (#"{"iss":"https://idp.example.com","aud":"latchkey","sub":"u-1","email":"ada@example.com","exp":1800000300}"#, "email is not verified"),
            (#"{"iss":"https://idp.example.com","aud":"latchkey","sub":"u-1","email":"ada@example.com","email_verified":"true","exp":1800000300}"#, "email is not verified"),
            (#"{"iss":"https://idp.example.com","aud":"latchkey","sub":"u-1","email_verified":true,"exp":1800000300}"#, "email is missing"),
            (#"{"iss":"https://idp.example.com","aud":"latchkey","email":"ada@example.com","email_verified":true,"exp":1800000300}"#, "sub is missing"),
        ]
        for (claims, problem) in cases {
            #expect(try refused(claims) == .claim(problem), "\(claims)")
        }
        // Within the 60 s skew: just expired, or issued and valid from just ahead.
        #expect(try refused(Self.claims(exp: 1_799_999_941)) == nil)
        #expect(try refused(#"{"iss":"https://idp.example.com","aud":"latchkey",\#(base),"exp":1800000300,"iat":1800000059,"nbf":1800000059}"#) == nil)
    }

    @Test func keySetsKeepSigningKeysAndRefuseJunk() throws {
        let mixed = #"{"keys":[{"kty":"oct","k":"c2VjcmV0","kid":"hmac"},{"kty":"EC","crv":"P-384","x":"AA","y":"AA","kid":"p384"},"# +
            #"{"kty":"RSA","use":"enc","n":"AQAB","e":"AQAB","kid":"enc"},"# + Self.jwks([Self.ec]).dropFirst(9)
        #expect(try JWKS(json: Array(mixed.utf8)).keys.map(\.id) == ["ec-1"])
        for (json, why) in [
            ("[]", "not a JSON object"), (#"{"keys":{}}"#, "no \"keys\" array"), (#"{"keys":[]}"#, "no RSA or P-256 signing key"),
            (#"{"keys":[{"kty":"RSA","n":"!!","e":"AQAB"}]}"#, "n is not base64url"),
            (#"{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]}"#, "an RSA key has 2048 to 8192 bits, not 17"),
            (#"{"keys":[{"kty":"EC","crv":"P-256","x":"\#(Base64URL.encode([UInt8](repeating: 1, count: 32)))","y":"\#(Base64URL.encode([UInt8](repeating: 2, count: 32)))"}]}"#,
             "the EC point is not on P-256"),
        ] {
            #expect(throws: FederationError.badKeySet(why), "\(json)") { try JWKS(json: Array(json.utf8)) }
        }
    }

    @Test func ecdsaSignaturesConvertBothWays() {
        for _ in 0..<200 {
            var raw = (0..<64).map { _ in UInt8.random(in: 0...255) }
            if Bool.random() { raw[0] = 0; raw[1] = 0x7f }
            if Bool.random() { raw[32] = 0x80 }
            guard let der = ECDSASignature.der(raw: raw) else { Issue.record("no DER"); continue }
            #expect(ECDSASignature.raw(der: der) == raw)
        }
        #expect(ECDSASignature.der(raw: [1, 2, 3]) == nil && ECDSASignature.raw(der: [0x30, 0x05, 0x02]) == nil)
    }
}
