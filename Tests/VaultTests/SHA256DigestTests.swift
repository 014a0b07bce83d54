import Testing
@testable import Vault

@Suite("SHA256Digest")
struct SHA256DigestTests {
    @Test("FIPS 180-2 known answers", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func knownAnswers(input: String, expected: String) {
        let digest = SHA256Digest(hashing: input)
        #expect(digest.hex == expected)
        #expect(digest.description == expected)
        #expect(SHA256Digest(hashing: Array(input.utf8)) == digest)
    }

    @Test("a million 'a's")
    func millionA() {
        let digest = SHA256Digest(hashing: [UInt8](repeating: 0x61, count: 1_000_000))
        #expect(digest.hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("converts to and from bytes and hex")
    func conversions() throws {
        let digest = SHA256Digest(hashing: "abc")
        #expect(digest.bytes.count == 32)
        #expect(digest.bytes.first == 0xBA)
        #expect(digest.bytes.last == 0xAD)
        #expect(digest.w0 == 0xBA78_16BF_8F01_CFEA)
        #expect(SHA256Digest(bytes: digest.bytes) == digest)
        #expect(SHA256Digest(bytes: digest.bytes[...]) == digest)
        #expect(SHA256Digest(hex: digest.hex) == digest)
        #expect(SHA256Digest(hex: digest.hex.uppercased()) == digest)
        #expect(digest.withUnsafeBytes { Array($0) } == digest.bytes)
    }

    @Test("rejects wrong sizes and bad hex")
    func rejects() {
        #expect(SHA256Digest(bytes: [UInt8](repeating: 0, count: 31)) == nil)
        #expect(SHA256Digest(bytes: [UInt8](repeating: 0, count: 33)) == nil)
        #expect(SHA256Digest(hex: String(repeating: "0", count: 63)) == nil)
        #expect(SHA256Digest(hex: String(repeating: "g", count: 64)) == nil)
    }

    @Test("works as a dictionary key")
    func dictionaryKey() throws {
        var table: [SHA256Digest: Int] = [:]
        var keys: [ParsedKey] = []
        for index in 0..<1_000 {
            let key = try KeyFormat.generate()
            keys.append(key)
            table[key.digest] = index
        }
        #expect(table.count == 1_000)
        for (index, key) in keys.enumerated() {
            #expect(table[SHA256Digest(hashing: key.secret)] == index)
        }
    }

    @Test("hashing is safe from many threads at once")
    func concurrent() async {
        let expected = SHA256Digest(hashing: "abc")
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<10_000).allSatisfy { _ in SHA256Digest(hashing: "abc") == expected } }
            }
            for await ok in group { #expect(ok) }
        }
    }
}
