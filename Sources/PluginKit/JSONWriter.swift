import Foundation
import NIOCore

/// A value that writes itself as JSON.
///
/// Response bodies are written field by field, in the order the SPEC lists them, straight into
/// the response's bytes: no intermediate tree, no dynamic casts. (Foundation's `JSONEncoder`
/// took half the CPU time of a 50-survey list, and shuffles keys on Linux.)
public protocol JSONWritable {
    func write(to json: inout JSONWriter)
}

/// Writes one JSON document into a `ByteBuffer`.
///
/// ```swift
/// var json = JSONWriter()
/// json.object { json in
///     json.field("id", 17)
///     json.field("tags", ["a", "b"])
/// }
/// let body = json.buffer   // {"id":17,"tags":["a","b"]}
/// ```
public struct JSONWriter {
    /// The document so far.
    public private(set) var buffer: ByteBuffer
    /// Whether the next member of the open object or array needs a comma before it.
    private var needsComma = false

    public init(capacity: Int = 256) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// An object whose members `members` writes with ``field(_:_:)``.
    public mutating func object(_ members: (inout JSONWriter) throws -> Void) rethrows {
        separate()
        buffer.writeInteger(UInt8(ascii: "{"))
        needsComma = false
        try members(&self)
        buffer.writeInteger(UInt8(ascii: "}"))
        needsComma = true
    }

    /// An array of `elements`.
    public mutating func array<Elements: Sequence>(_ elements: Elements) where Elements.Element: JSONWritable {
        separate()
        buffer.writeInteger(UInt8(ascii: "["))
        needsComma = false
        for element in elements { element.write(to: &self) }
        buffer.writeInteger(UInt8(ascii: "]"))
        needsComma = true
    }

    /// One member of the open object. `name` must need no escaping (it is a literal in code).
    public mutating func field(_ name: StaticString, _ value: some JSONWritable) {
        key(name)
        value.write(to: &self)
    }

    /// The name of the next member of the open object; write its value next.
    public mutating func key(_ name: StaticString) {
        separate()
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeStaticString(name)
        buffer.writeStaticString("\":")
        needsComma = false
    }

    /// A string, escaped as RFC 8259 requires (plus U+2028/U+2029, for embedding in scripts).
    public mutating func string(_ text: String) {
        separate()
        buffer.writeInteger(UInt8(ascii: "\""))
        var plain = text.utf8.startIndex
        var index = plain
        let utf8 = text.utf8
        while index != utf8.endIndex {
            let byte = utf8[index]
            let escape = Self.escape(byte, at: index, in: utf8)
            if let escape {
                buffer.writeBytes(utf8[plain..<index])
                buffer.writeString(escape.text)
                index = utf8.index(index, offsetBy: escape.length)
                plain = index
            } else {
                index = utf8.index(after: index)
            }
        }
        buffer.writeBytes(utf8[plain..<index])
        buffer.writeInteger(UInt8(ascii: "\""))
        needsComma = true
    }

    /// A value that is already JSON text, e.g. a `jsonb` column as PostgreSQL prints it.
    public mutating func raw(_ json: String) {
        separate()
        buffer.writeString(json)
        needsComma = true
    }

    /// Literal tokens: numbers, `true`, `false`, `null`.
    mutating func token(_ text: String) {
        separate()
        buffer.writeString(text)
        needsComma = true
    }

    mutating func token(_ text: StaticString) {
        separate()
        buffer.writeStaticString(text)
        needsComma = true
    }

    private mutating func separate() {
        if needsComma { buffer.writeInteger(UInt8(ascii: ",")) }
    }

    /// The escape for the character starting at `index`, and how many bytes it replaces; `nil`
    /// when it goes out as is.
    private static func escape(_ byte: UInt8, at index: String.UTF8View.Index, in utf8: String.UTF8View) -> (text: String, length: Int)? {
        switch byte {
        case UInt8(ascii: "\""): return ("\\\"", 1)
        case UInt8(ascii: "\\"): return ("\\\\", 1)
        case UInt8(ascii: "\n"): return ("\\n", 1)
        case UInt8(ascii: "\r"): return ("\\r", 1)
        case UInt8(ascii: "\t"): return ("\\t", 1)
        case 0..<0x20:
            let hex = String(byte, radix: 16)
            return ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex, 1)
        case 0xE2:
            // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
            var next = utf8.index(after: index)
            guard next != utf8.endIndex, utf8[next] == 0x80 else { return nil }
            next = utf8.index(after: next)
            guard next != utf8.endIndex else { return nil }
            switch utf8[next] {
            case 0xA8: return ("\\u2028", 3)
            case 0xA9: return ("\\u2029", 3)
            default: return nil
            }
        default:
            return nil
        }
    }
}

extension String: JSONWritable {
    public func write(to json: inout JSONWriter) { json.string(self) }
}

extension Bool: JSONWritable {
    public func write(to json: inout JSONWriter) { json.token(self ? "true" : "false") }
}

extension Int: JSONWritable {
    public func write(to json: inout JSONWriter) { json.token(String(self)) }
}

extension Int64: JSONWritable {
    public func write(to json: inout JSONWriter) { json.token(String(self)) }
}

/// Timestamps as ``ISOTimestamp`` strings.
extension Date: JSONWritable {
    public func write(to json: inout JSONWriter) { json.string(ISOTimestamp.string(from: self)) }
}

extension Optional: JSONWritable where Wrapped: JSONWritable {
    public func write(to json: inout JSONWriter) {
        switch self {
        case .some(let value): value.write(to: &json)
        case .none: json.token("null")
        }
    }
}

extension Array: JSONWritable where Element: JSONWritable {
    public func write(to json: inout JSONWriter) { json.array(self) }
}

extension JSONWritable {
    /// This value as a complete JSON document.
    public var jsonBuffer: ByteBuffer {
        var json = JSONWriter()
        write(to: &json)
        return json.buffer
    }
}
