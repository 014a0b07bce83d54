import Foundation
import JSON
import Testing
import TestSupport

/// `JSONValue.parse` reads RFC 8259 JSON exactly: what `JSONEncoder` writes comes back equal, and
/// everything that is not JSON is refused (never repaired).
@Suite struct JSONParserTests {
    @Test func readsEveryKindOfValue() throws {
        let text = #" {"a": [1, -2.5, 3e2, 0, -0.0, true, false, null], "b": {"c": "d\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"}, "": {}} "#
        let value = try JSONValue.parse(Array(text.utf8))
        #expect(value == .object([
            "a": .array([.number(1), .number(-2.5), .number(300), .number(0), .number(-0.0), .bool(true), .bool(false), .null]),
            "b": .object(["c": .string("d\"\\/\u{08}\u{0C}\n\r\té😀")]),
            "": .object([:]),
        ]))
        #expect(try JSONValue.parse(Array("\"héllo\"".utf8)) == .string("héllo"))
        #expect(try JSONValue.parse(Array("1e400".utf8)) == .number(.infinity))
    }

    static let notJSON: [[UInt8]] = [
        [], Array("{".utf8), Array("[1,]".utf8), Array("{\"a\":1,}".utf8), Array("{'a':1}".utf8), Array("01".utf8),
        Array("1.".utf8), Array(".5".utf8), Array("+1".utf8), Array("1e".utf8), Array("NaN".utf8), Array("tru".utf8),
        Array("\"a".utf8), Array("\"\\x\"".utf8), Array("\"\\u12\"".utf8), Array("\"\\ud800\"".utf8),
        Array("\"\\udc00\"".utf8), Array("\"\\ud800\\u0041\"".utf8), Array("\"a\tb\"".utf8), Array("1 2".utf8),
        Array("{\"a\" 1}".utf8), Array("[1 2]".utf8), Array("// c\n1".utf8),
        [0x22, 0xFF, 0x22], [0x22, 0xC3, 0x28, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0x00, 0x22],
        Array(String(repeating: "[", count: 65).utf8) + Array(String(repeating: "]", count: 65).utf8),
    ]

    @Test func refusesWhatIsNotJSON() {
        for bytes in Self.notJSON {
            #expect(throws: JSONParseError.self, "\(String(decoding: bytes, as: UTF8.self).prefix(40))") { try JSONValue.parse(bytes) }
        }
        let deepEnough = Array(String(repeating: "[", count: 64).utf8) + Array(String(repeating: "]", count: 64).utf8)
        #expect((try? JSONValue.parse(deepEnough)) != nil)
    }

    /// `JSONReader` walks a document member by member: keys compare in place (escaped ones
    /// decoded), skipped values are checked as strictly as parsed ones.
    @Test func readerWalksMembersAndSkipsStrictly() throws {
        let text = #" {"name": "a", "n\u0061me": "b", "né": 1, "skip": [1, {"x": [true, null, "\u00e9"]}, -2e3], "list": [3, 4]} "#
        var names: [String] = []
        var decodedNames: [String] = []
        var list: [Double] = []
        try Array(text.utf8).withUnsafeBytes { raw in
            try JSONReader.read(raw) { reader in
                #expect(try reader.peek() == .object)
                try reader.members { reader, key in
                    switch key {
                    case "name":
                        names.append(try reader.string())
                        decodedNames.append(key.string)
                    case "list":
                        try reader.elements { reader, index in
                            #expect(index == list.count)
                            list.append(try reader.number())
                        }
                    default:
                        #expect(!(key == "nam"))
                        try reader.skip()
                    }
                }
            }
        }
        #expect(names == ["a", "b"])
        #expect(decodedNames == ["name", "name"])
        #expect(list == [3, 4])

        for bad in Self.notJSON {
            #expect(throws: JSONParseError.self) { try bad.withUnsafeBytes { raw in try JSONReader.validate(raw) } }
            #expect(throws: JSONParseError.self) { try bad.withUnsafeBytes { raw in try JSONReader.read(raw) { try $0.skip() } } }
        }
        // What the body reads must be all there is.
        #expect(throws: JSONParseError.self) { try Array("{} 1".utf8).withUnsafeBytes { raw in try JSONReader.read(raw) { try $0.skip() } } }
    }

    @Test func roundTripsRandomDocumentsFromJSONEncoder() throws {
        var random = SplitMix64(seed: 0x1504A5)
        func string() -> String {
            let alphabet: [Character] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{01}", "é", "😀", "\u{2028}", "中"]
            return String((0..<Int.random(in: 0...8, using: &random)).map { _ in alphabet[Int.random(in: 0...(alphabet.count - 1), using: &random)] })
        }
        func value(_ depth: Int) -> JSONValue {
            switch Int.random(in: 0...(depth > 3 ? 3 : 5), using: &random) {
            case 0: return .null
            case 1: return .bool(random.chance(0.5))
            case 2: return .number(random.chance(0.5) ? Double(Int.random(in: -1_000_000...1_000_000, using: &random)) : Double(Int.random(in: -9999...9999, using: &random)) / 64)
            case 3: return .string(string())
            case 4: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in value(depth + 1) })
            default: return .object(Dictionary((0..<Int.random(in: 0...4, using: &random)).map { _ in (string(), value(depth + 1)) }, uniquingKeysWith: { $1 }))
            }
        }
        for _ in 0..<500 {
            let original = value(0)
            let encoded = try JSONEncoder().encode(original)
            #expect(try JSONValue.parse(Array(encoded)) == original, "\(String(decoding: encoded, as: UTF8.self))")
        }
    }
}
