import Accounts
import Testing

/// The strict CBOR reader (RFC 8949 subset): what WebAuthn sends reads; indefinite lengths,
/// non-shortest heads, tags, floats, duplicate keys, bad UTF-8, trailing bytes, deep nesting and
/// lengths beyond the input are refused.
@Suite struct CBORReaderTests {
    @Test func readsTheKindsWebAuthnUses() throws {
        let value = try CBORReader.decode([0xa4, 0x01, 0x02, 0x20, 0x43, 1, 2, 3, 0x61, 0x61, 0x82, 0xf5, 0xf6, 0x19, 0x01, 0x00, 0x38, 0xff])
        #expect(value[1] == .unsigned(2))
        #expect(value[-1]?.bytes == [1, 2, 3])
        #expect(value["a"] == .array([.bool(true), .null]))
        #expect(value[256]?.int == -256)
        #expect(try CBORReader.decode(WebAuthnVectors.coseKey)[3]?.int == -7)
    }

    @Test(arguments: [
        ([0x5f, 0x41, 0x00, 0xff], "indefinite length"),
        ([0x18, 0x05], "not shortest"),
        ([0x19, 0x00, 0x10], "not shortest"),
        ([0xc2, 0x41, 0x00], "tag"),
        ([0xf9, 0x3c, 0x00], "float"),
        ([0xf7], "undefined"),
        ([0xa2, 0x01, 0x01, 0x01, 0x02], "duplicate key"),
        ([0x62, 0xc3, 0x28], "bad UTF-8"),
        ([0x01, 0x02], "trailing byte"),
        ([0x5a, 0xff, 0xff, 0xff, 0xff], "length beyond the input"),
        ([0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], "count beyond the input"),
        ([UInt8](repeating: 0x81, count: 20) + [0x00], "nested too deeply"),
        ([], "empty"),
        ([0x1c], "reserved"),
    ] as [([UInt8], String)])
    func refuses(_ input: [UInt8], _ why: String) {
        #expect(throws: CBORError.self, "\(why)") { try CBORReader.decode(input) }
    }

    @Test func boundsTheNumberOfItems() {
        let many = [0x99, 0x08, 0x00] + [UInt8](repeating: 0x00, count: 2048)
        #expect(throws: CBORError.self) { try CBORReader.decode(many) }
    }
}
