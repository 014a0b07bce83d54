import Testing
@testable import Vault

@Suite("Base62")
struct Base62Tests {
    @Test("known 256-bit encodings")
    func knownAnswers() {
        #expect(Base62.encode256([UInt8](repeating: 0, count: 32)) == String(repeating: "0", count: 43))
        #expect(Base62.encode256([UInt8](repeating: 0, count: 31) + [61]) == String(repeating: "0", count: 42) + "z")
        #expect(Base62.encode256([UInt8](repeating: 0, count: 31) + [62]) == String(repeating: "0", count: 41) + "10")
        #expect(Base62.encode256([UInt8](repeating: 0xFF, count: 32)) == "yhjskwdA6OZ1AL1YmHWZWm8LLG7HjnuCA2j5rOw8Xp1")
        #expect(Base62.encode256(Array(0..<32)) == "003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcwGkBIDlf")
        #expect(Base62.max256 == Array(Base62.encode256([UInt8](repeating: 0xFF, count: 32)).utf8))
    }

    @Test("known 32-bit encodings")
    func knownAnswers32() {
        #expect(Base62.encode32(0) == "000000")
        #expect(Base62.encode32(61) == "00000z")
        #expect(Base62.encode32(UInt32.max) == "4gfFC3")
    }

    @Test("random values round-trip")
    func roundTrip() throws {
        for _ in 0..<1_000 {
            let bytes = try SecureRandom.bytes(32)
            let text = Base62.encode256(bytes)
            #expect(text.utf8.count == 43)
            #expect(Base62.decode256(text) == bytes)
        }
    }

    @Test("the alphabet is in ASCII order, so fixed-width text order is numeric order")
    func alphabetOrder() {
        let alphabet = Array(Base62.alphabet.utf8)
        #expect(alphabet.count == 62)
        #expect(alphabet == alphabet.sorted())
        for (value, digit) in alphabet.enumerated() {
            #expect(Base62.value(of: digit) == UInt32(value))
            #expect(Base62.digit(UInt32(value)) == digit)
        }
    }

    @Test("decoding rejects bad input")
    func decodeRejects() {
        #expect(Base62.decode256("") == nil)
        #expect(Base62.decode256(String(repeating: "0", count: 42)) == nil)
        #expect(Base62.decode256(String(repeating: "0", count: 42) + "-") == nil)
        #expect(Base62.decode256(String(repeating: "z", count: 43)) == nil)
    }
}
