import Testing
@testable import Vault

@Suite("CRC32")
struct CRC32Tests {
    @Test("known answers (IEEE / zlib)", arguments: [
        ("", UInt32(0)),
        ("123456789", UInt32(0xCBF4_3926)),
        ("a", UInt32(0xE8B7_BE43)),
        ("The quick brown fox jumps over the lazy dog", UInt32(0x414F_A339)),
    ])
    func knownAnswers(input: String, expected: UInt32) {
        #expect(CRC32.checksum(input) == expected)
        #expect(CRC32.checksum(Array(input.utf8)) == expected)
    }

    @Test("the table matches the reflected polynomial")
    func table() {
        #expect(CRC32.table.count == 256)
        #expect(CRC32.table[1] == 0x7707_3096)
        #expect(CRC32.table[255] == 0x2D02_EF8D)
    }

    @Test("slicing-by-8 agrees with the byte-wise reference for every length and alignment")
    func slicedMatchesBytewise() throws {
        let data = try SecureRandom.bytes(300)
        for start in 0..<8 {
            for end in start...data.count {
                let slice = Array(data[start..<end])
                #expect(CRC32.checksum(slice) == CRC32.checksumBytewise(slice))
            }
        }
    }

    @Test("non-contiguous sequences give the same answer")
    func sequences() {
        #expect(CRC32.checksum("123456789".utf8.lazy.map { $0 }) == 0xCBF4_3926)
    }
}
