import Testing
@testable import Vault

/// Builds a key with a correct checksum around an arbitrary body.
private func keyWithValidChecksum(_ kind: KeyKind, body: String) -> String {
    let unchecked = kind.prefix + body
    return unchecked + Base62.encode32(CRC32.checksum(unchecked))
}

@Suite("KeyFormat")
struct KeyFormatTests {
    @Test("generated keys have the documented shape and parse", arguments: KeyKind.allCases)
    func generatedKeysParse(kind: KeyKind) throws {
        for _ in 0..<100 {
            let key = try KeyFormat.generate(kind)
            #expect(key.kind == kind)
            #expect(key.secret.utf8.count == kind.length)
            #expect(key.secret.hasPrefix(kind.prefix))
            let parsed = try KeyFormat.parse(key.secret)
            #expect(parsed.kind == kind)
            #expect(parsed.secret == key.secret)
            #expect(try KeyFormat.parse(key.secret, as: kind).kind == kind)
            #expect(KeyFormat.isWellFormed(key.secret))
        }
        #expect(KeyKind.live.length == 57)
        #expect(KeyKind.service.length == 56)
    }

    @Test("10,000 generated live keys are unique and 57 characters long")
    func generatedKeysAreUnique() throws {
        var seen = Set<String>()
        for _ in 0..<10_000 {
            let key = try KeyFormat.generate(.live).secret
            #expect(key.count == 57)
            #expect(key.utf8.count == 57)
            seen.insert(key)
        }
        #expect(seen.count == 10_000)
    }

    @Test("the body is the base62 encoding of 32 bytes and the checksum is CRC-32 of the rest")
    func layout() throws {
        let key = try KeyFormat.generate(.live).secret
        let characters = Array(key)
        let body = String(characters[8..<51])
        let checksum = String(characters[51...])
        let bytes = try #require(Base62.decode256(body))
        #expect(bytes.count == 32)
        #expect(Base62.encode256(bytes) == body)
        #expect(checksum == Base62.encode32(CRC32.checksum(String(characters[..<51]))))
    }

    @Test("prefix and last4 are for display")
    func displayParts() throws {
        let live = try KeyFormat.parse(keyWithValidChecksum(.live, body: String(repeating: "A", count: 43)))
        #expect(live.prefix == "ct_live_AAAA")
        #expect(live.last4 == String(live.secret.suffix(4)))
        let service = try KeyFormat.generate(.service)
        #expect(service.prefix.count == 12)
        #expect(service.prefix.hasPrefix("ct_svc_"))
        #expect(service.last4 == String(service.secret.suffix(4)))
    }

    @Test("description, debugDescription and dump never reveal the secret")
    func redaction() throws {
        let key = try KeyFormat.generate()
        let middle = String(Array(key.secret)[20..<40])
        #expect(!"\(key)".contains(middle))
        #expect(!String(reflecting: key).contains(middle))
        var dumped = ""
        dump(key, to: &dumped)
        #expect(!dumped.contains(middle))
    }

    @Test("changing any one character to another base62 character is rejected", arguments: KeyKind.allCases)
    func everySingleCharacterChangeIsRejected(kind: KeyKind) throws {
        let alphabet = Array(Base62.alphabet.utf8)
        for _ in 0..<5 {
            let original = Array(try KeyFormat.generate(kind).secret.utf8)
            for position in original.indices {
                for replacement in alphabet where replacement != original[position] {
                    var mutated = original
                    mutated[position] = replacement
                    let text = String(decoding: mutated, as: UTF8.self)
                    #expect(throws: KeyFormatError.self) { try KeyFormat.parse(text) }
                    let expected: KeyFormatError = position < kind.prefixLength ? .wrongPrefix : .badChecksum
                    do {
                        _ = try KeyFormat.parse(text)
                    } catch {
                        #expect(error == expected, "position \(position)")
                    }
                }
            }
        }
    }

    @Test("wrong prefixes are rejected", arguments: [
        "", "c", "ct_", "ct_live", "ct_test_", "CT_LIVE_", "ct-live-", "sk_live_", "ct_svc",
        " ct_live_", "Bearer ct_live_",
    ])
    func wrongPrefix(prefix: String) throws {
        let valid = try KeyFormat.generate(.live).secret
        let text = prefix + String(valid.dropFirst(8))
        #expect(throws: KeyFormatError.wrongPrefix) { try KeyFormat.parse(text) }
    }

    @Test("a key of the other kind is rejected when one kind is expected")
    func wrongKind() throws {
        let service = try KeyFormat.generate(.service).secret
        let live = try KeyFormat.generate(.live).secret
        #expect(throws: KeyFormatError.wrongPrefix) { try KeyFormat.parse(service, as: .live) }
        #expect(throws: KeyFormatError.wrongPrefix) { try KeyFormat.parse(live, as: .service) }
    }

    @Test("wrong lengths are rejected")
    func wrongLength() throws {
        let valid = try KeyFormat.generate(.live).secret
        for text in [
            String(valid.dropLast()), valid + "0", valid + " ", " " + valid.dropFirst(0),
            "ct_live_", "ct_live_abc", valid + valid, String(valid.dropLast(6)),
        ] where text.hasPrefix("ct_live_") {
            #expect(throws: KeyFormatError.wrongLength) { try KeyFormat.parse(text) }
        }
        let service = try KeyFormat.generate(.service).secret
        #expect(throws: KeyFormatError.wrongLength) { try KeyFormat.parse(service + "0") }
        // A ct_svc_ key padded to ct_live_ length is still the wrong length for its prefix.
        #expect(throws: KeyFormatError.wrongLength) { try KeyFormat.parse(service + "A") }
    }

    @Test("characters outside [0-9A-Za-z] are rejected, in the body or the checksum")
    func badAlphabet() throws {
        let valid = Array(try KeyFormat.generate(.live).secret.utf8)
        for position in [8, 30, 50, 51, 56] {
            for bad in Array("-_+/=. \0~".utf8) + [0x80, 0xFF] {
                var mutated = valid
                mutated[position] = bad
                let text = String(decoding: mutated, as: UTF8.self)
                if text.utf8.count == 57 {
                    #expect(throws: KeyFormatError.badAlphabet) { try KeyFormat.parse(text) }
                } else {
                    #expect(throws: KeyFormatError.self) { try KeyFormat.parse(text) }
                }
            }
        }
        // Non-ASCII characters of the right character count but more bytes.
        let accented = "ct_live_" + String(repeating: "é", count: 43) + "000000"
        #expect(throws: KeyFormatError.wrongLength) { try KeyFormat.parse(accented) }
        let mixed = "ct_live_" + String(repeating: "a", count: 41) + "é" + "000000"
        #expect(throws: KeyFormatError.badAlphabet) { try KeyFormat.parse(mixed) }
    }

    @Test("a checksum-valid body of 2^256 or more is rejected as out of range")
    func outOfRange() throws {
        let max = String(decoding: Base62.max256, as: UTF8.self)
        #expect(try KeyFormat.parse(keyWithValidChecksum(.live, body: max)).kind == .live)
        #expect(try KeyFormat.parse(keyWithValidChecksum(.live, body: String(repeating: "0", count: 43))).kind == .live)
        var above = Array(max.utf8)
        above[42] += 1  // "...Xp2"
        let aboveText = String(decoding: above, as: UTF8.self)
        #expect(Base62.decode256(aboveText) == nil)
        #expect(throws: KeyFormatError.outOfRange) {
            try KeyFormat.parse(keyWithValidChecksum(.live, body: aboveText))
        }
        #expect(throws: KeyFormatError.outOfRange) {
            try KeyFormat.parse(keyWithValidChecksum(.service, body: String(repeating: "z", count: 43)))
        }
    }

    @Test("a checksum that decodes above 2^32 is rejected")
    func checksumAbove32Bits() throws {
        let valid = try KeyFormat.generate(.live).secret
        let text = String(valid.dropLast(6)) + "zzzzzz"
        #expect(throws: KeyFormatError.badChecksum) { try KeyFormat.parse(text) }
    }

    @Test("the digest of a parsed key is the SHA-256 of the whole key")
    func digest() throws {
        let key = try KeyFormat.generate()
        #expect(key.digest == SHA256Digest(hashing: key.secret))
        #expect(try KeyFormat.parse(key.secret).digest == key.digest)
    }
}
