import Testing
@testable import Vault

/// Cheap parameters so that the suite stays fast; one test uses the OWASP default.
private let fast = ScryptParameters(log2N: 10)

@Suite("PasswordHasher")
struct PasswordHasherTests {
    @Test("RFC 7914 scrypt test vectors")
    func rfc7914() throws {
        let first = try PasswordHasher.deriveKey(
            password: "password", salt: Array("NaCl".utf8),
            parameters: ScryptParameters(log2N: 10, blockSize: 8, parallelism: 16, saltLength: 4, hashLength: 64)
        )
        #expect(SecureRandom.hexString(first) == "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
            + "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")
        let second = try PasswordHasher.deriveKey(
            password: "pleaseletmein", salt: Array("SodiumChloride".utf8),
            parameters: ScryptParameters(log2N: 14, blockSize: 8, parallelism: 1, saltLength: 14, hashLength: 64)
        )
        #expect(SecureRandom.hexString(second) == "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
            + "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887")
    }

    @Test("the default (OWASP) parameters round-trip")
    func defaultRoundTrip() throws {
        let hasher = PasswordHasher()
        #expect(hasher.parameters == ScryptParameters(log2N: 17, blockSize: 8, parallelism: 1, saltLength: 16, hashLength: 32))
        let encoded = try hasher.hash(password: "correct horse battery staple")
        #expect(encoded.hasPrefix("scrypt$17$8$1$"))
        let fields = encoded.split(separator: "$")
        #expect(fields.count == 6)
        #expect(fields[4].count == 22)  // 16 bytes
        #expect(fields[5].count == 43)  // 32 bytes
        #expect(hasher.verify(password: "correct horse battery staple", against: encoded))
        #expect(!hasher.verify(password: "correct horse battery stapler", against: encoded))
        #expect(!hasher.needsRehash(encoded))
    }

    @Test("round trip, wrong password, and unicode passwords")
    func roundTrip() throws {
        let hasher = PasswordHasher(parameters: fast)
        for password in ["hunter2", "", "pässwörd 🔑", String(repeating: "x", count: 10_000)] {
            let encoded = try hasher.hash(password: password)
            #expect(hasher.verify(password: password, against: encoded))
            #expect(!hasher.verify(password: password + " ", against: encoded))
            #expect(!hasher.verify(password: "wrong", against: encoded))
        }
    }

    @Test("verification uses the parameters recorded in the encoding")
    func parametersFromEncoding() throws {
        let encoded = try PasswordHasher(parameters: ScryptParameters(log2N: 11, blockSize: 4, parallelism: 2)).hash(password: "pw")
        #expect(encoded.hasPrefix("scrypt$11$4$2$"))
        let other = PasswordHasher(parameters: fast)
        #expect(other.verify(password: "pw", against: encoded))
        #expect(other.needsRehash(encoded))
    }

    @Test("two hashes of the same password differ (salt)")
    func salted() throws {
        let hasher = PasswordHasher(parameters: fast)
        let a = try hasher.hash(password: "same")
        let b = try hasher.hash(password: "same")
        #expect(a != b)
        #expect(hasher.verify(password: "same", against: a))
        #expect(hasher.verify(password: "same", against: b))
    }

    @Test("malformed encodings are rejected", arguments: [
        "",
        "scrypt",
        "scrypt$10$8$1$",
        "plaintext-password",
        "pbkdf2_sha256$600000$salt$hash",
        "scrypt$10$8$1$AAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$10$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA$",
        "SCRYPT$10$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$010$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$-10$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$+10$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$0$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$30$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$20$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$10$0$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$10$8$0$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$10$8$99$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$ 10$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$10$8$1$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$10$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA",
        "scrypt$10$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$10$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "scrypt$10$8$1$AAAAAAAAAAAAAAAAAAAAA!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$10$8$1$AAAAAAAAAAAAAAAAAAAAA-$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$10$8$1$AAAAAAAAAAAAAAAAAAAAAB$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "scrypt$10$8$1$AAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ])
    func malformed(encoded: String) {
        #expect(PasswordHashEncoding(parsing: encoded) == nil)
        #expect(!PasswordHasher(parameters: fast).verify(password: "", against: encoded))
        #expect(PasswordHasher(parameters: fast).needsRehash(encoded))
    }

    @Test("the encoding round-trips and a tampered hash or salt fails")
    func tampering() throws {
        let hasher = PasswordHasher(parameters: fast)
        let encoded = try hasher.hash(password: "pw")
        let parsed = try #require(PasswordHashEncoding(parsing: encoded))
        #expect(parsed.encoded == encoded)
        #expect(parsed.salt.count == 16)
        #expect(parsed.hash.count == 32)
        var badHash = parsed
        badHash.hash[0] ^= 1
        #expect(!hasher.verify(password: "pw", against: badHash.encoded))
        var badSalt = parsed
        badSalt.salt[15] ^= 0x80
        #expect(!hasher.verify(password: "pw", against: badSalt.encoded))
    }

    @Test("unpadded base64 is canonical")
    func base64() {
        for count in 0..<40 {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let text = UnpaddedBase64.encode(bytes)
            #expect(!text.contains("="))
            #expect(UnpaddedBase64.decode(text[...]) == bytes)
        }
        #expect(UnpaddedBase64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(UnpaddedBase64.encode(Array("fo".utf8)) == "Zm8")
        #expect(UnpaddedBase64.decode("Zm9") == nil)  // trailing bits set
        #expect(UnpaddedBase64.decode("Z") == nil)
    }
}
