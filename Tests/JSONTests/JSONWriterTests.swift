import Foundation
import NIOCore
import JSON
import Testing
import TestSupport

@Suite struct JSONWriterTests {
    private func text(_ body: (inout JSONWriter) -> Void) -> String {
        var json = JSONWriter()
        body(&json)
        return String(buffer: json.buffer)
    }

    @Test func membersKeepTheirOrderAndNullsAreWritten() {
        let out = text { json in
            json.object { json in
                json.field("z", 1)
                json.field("a", Int64?.none)
                json.field("m", [true, false])
                json.field("nested", [["x"], []])
                json.key("raw")
                json.raw(#"{"k": [1, 2.5]}"#)
                json.field("empty", [String]())
            }
        }
        #expect(out == #"{"z":1,"a":null,"m":[true,false],"nested":[["x"],[]],"raw":{"k": [1, 2.5]},"empty":[]}"#)
    }

    @Test func stringsAreEscaped() {
        let out = text { $0.string("a\"b\\c\nd\r\te\u{01}\u{1F}f\u{2028}g\u{2029}h\u{E2}é🙂") }
        #expect(out == #""a\"b\\c\nd\r\te\u0001\u001ff\u2028g\u2029h\#u{E2}é🙂""#)
    }

    @Test(arguments: 0..<200) func anyStringRoundTripsThroughAJSONParser(seed: Int) throws {
        var generator = SplitMix64(seed: UInt64(seed))
        let pool: [Unicode.Scalar] = ["\"", "\\", "/", "\n", "\u{0}", "\u{7F}", "a", " ", "é", "\u{2028}", "\u{2029}", "\u{E2}", "🙂", "\u{FFFF}"]
        var value = ""
        for _ in 0..<Int.random(in: 0...40, using: &generator) {
            value.unicodeScalars.append(pool.randomElement(using: &generator)!)
        }
        let out = text { json in json.array([value]) }
        let parsed = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String]
        #expect(parsed == [value])
    }

    /// Integers are written digit by digit: the limits, zero and negatives as `String(_:)` has them.
    @Test func integersAreWrittenAsDecimal() {
        let values: [Int64] = [0, 1, -1, 9, 10, -10, 1234567890, Int64.max, Int64.min, Int64.min + 1]
        #expect(text { $0.array(values) } == "[" + values.map { String($0) }.joined(separator: ",") + "]")
        #expect(text { $0.array([Int.max, Int.min, 42]) } == "[\(Int.max),\(Int.min),42]")
    }

    /// The writer owns its memory and grows it: a document many times its first capacity comes
    /// out whole, byte for byte as written from a large one.
    @Test func aDocumentLargerThanItsCapacityIsWrittenWhole() {
        func write(_ json: inout JSONWriter) {
            json.array { json in
                for index in 0..<500 {
                    json.object { json in
                        json.field("index", index)
                        json.field("name", String(repeating: "né\"", count: index % 7))
                        json.key("raw")
                        json.raw("[1,2]")
                        json.field("none", String?.none)
                    }
                }
            }
        }
        var small = JSONWriter(capacity: 1)
        write(&small)
        var large = JSONWriter(capacity: 1 << 20)
        write(&large)
        #expect(small.bytes == large.bytes)
        #expect(small.bytes.count > 20_000)
        #expect(String(buffer: small.buffer).hasPrefix(#"[{"index":0,"name":"","raw":[1,2],"none":null},{"index":1,"name":"né\"","#))
    }
}
