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

/// Writes one JSON document into memory of its own (a single copy into a `ByteBuffer` at the end).
///
/// ```swift
/// var json = JSONWriter()
/// json.object { json in
///     json.field("id", 17)
///     json.field("tags", ["a", "b"])
/// }
/// json.buffer   // {"id":17,"tags":["a","b"]}
/// ```
///
/// The writing methods are `@inlinable`: a type in another module that writes its fields gets
/// them specialised for its field types, instead of generic calls through witness tables and
/// run-time metadata. The writer is not copyable and owns its bytes, so appending one is a bounds
/// check and a store: no copy-on-write check per byte, as an `Array` or a `ByteBuffer` makes
/// (docs/DECISIONS.md "Uncached lists (issue #32)").
public struct JSONWriter: ~Copyable {
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var count = 0
    @usableFromInline var capacity: Int
    /// Whether the next member of the open object or array needs a comma before it.
    @usableFromInline var needsComma = false

    public init(capacity: Int = 1024) {
        self.capacity = Swift.max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The document so far.
    public var bytes: [UInt8] { Array(written) }

    /// The document as a buffer for a response body.
    public var buffer: ByteBuffer { ByteBuffer(bytes: written) }

    var written: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// Makes room for `more` bytes.
    @inlinable @inline(__always)
    mutating func reserve(_ more: Int) {
        if count + more > capacity { grow(to: count + more) }
    }

    @usableFromInline
    mutating func grow(to needed: Int) {
        let grown = Swift.max(needed, capacity * 2)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        moved.initialize(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = grown
    }

    @inlinable @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        appendReserved(byte)
    }

    /// Appends a byte there is already room for (``reserve(_:)``).
    @inlinable @inline(__always)
    mutating func appendReserved(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    @inlinable @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let start = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (base + count).initialize(from: start, count: bytes.count)
        count += bytes.count
    }

    @inlinable
    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    /// An object whose members `members` writes with ``field(_:_:)``.
    @inlinable
    public mutating func object(_ members: (inout JSONWriter) throws -> Void) rethrows {
        try container(UInt8(ascii: "{"), UInt8(ascii: "}"), members)
    }

    /// The object `members` writes for `value`, or `null` when there is none.
    @inlinable
    public mutating func object<Value>(_ value: Value?, _ members: (inout JSONWriter, Value) throws -> Void) rethrows {
        guard let value else { return token("null") }
        try object { json in try members(&json, value) }
    }

    /// An array whose elements `elements` writes.
    @inlinable
    public mutating func array(_ elements: (inout JSONWriter) throws -> Void) rethrows {
        try container(UInt8(ascii: "["), UInt8(ascii: "]"), elements)
    }

    @inlinable
    mutating func container(_ open: UInt8, _ close: UInt8, _ contents: (inout JSONWriter) throws -> Void) rethrows {
        separate()
        append(open)
        needsComma = false
        try contents(&self)
        append(close)
        needsComma = true
    }

    /// An array of `elements`.
    @inlinable
    public mutating func array<Elements: Sequence>(_ elements: Elements) where Elements.Element: JSONWritable {
        array { json in
            for element in elements { element.write(to: &json) }
        }
    }

    /// One member of the open object. `name` must need no escaping (it is a literal in code).
    @inlinable
    public mutating func field(_ name: StaticString, _ value: some JSONWritable) {
        key(name)
        value.write(to: &self)
    }

    /// The name of the next member of the open object; write its value next.
    @inlinable
    public mutating func key(_ name: StaticString) {
        separate()
        append(UInt8(ascii: "\""))
        append(name)
        append(UInt8(ascii: "\""))
        append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// A member name known only at run time, escaped.
    public mutating func key(_ name: String) {
        string(name)
        append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// A string, escaped as RFC 8259 requires (plus U+2028/U+2029, for embedding in scripts).
    public mutating func string(_ text: String) {
        separate()
        append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { appendEscaped($0) }
        append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// A value that is already JSON text, e.g. a `jsonb` column as PostgreSQL prints it.
    public mutating func raw(_ json: String) {
        separate()
        append(json)
        needsComma = true
    }

    /// Literal tokens: numbers, `true`, `false`, `null`.
    @usableFromInline
    mutating func token(_ text: String) {
        separate()
        append(text)
        needsComma = true
    }

    @inlinable
    mutating func token(_ text: StaticString) {
        separate()
        append(text)
        needsComma = true
    }

    @inlinable
    mutating func append(_ text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// An integer in decimal, written digit by digit (no `String` made): least significant
    /// first, then put in order.
    @usableFromInline
    mutating func integer(_ value: Int64) {
        reserve(21)
        if needsComma { appendReserved(UInt8(ascii: ",")) }
        needsComma = true
        if value < 0 { appendReserved(UInt8(ascii: "-")) }
        let first = count
        var rest = value.magnitude
        repeat {
            appendReserved(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        var digits = UnsafeMutableBufferPointer(start: base + first, count: count - first)
        digits.reverse()
    }

    @inlinable
    mutating func separate() {
        if needsComma { append(UInt8(ascii: ",")) }
    }

    /// Appends `utf8`, copying runs that need no escaping in one go.
    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var plain = 0
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0xE2,
                  let escape = Self.escape(utf8, at: index)
            else {
                index += 1
                continue
            }
            append(UnsafeBufferPointer(rebasing: utf8[plain..<index]))
            append(escape.text)
            index += escape.length
            plain = index
        }
        append(UnsafeBufferPointer(rebasing: utf8[plain..<index]))
    }

    /// The escape for the character starting at `index`, and how many bytes it replaces; `nil`
    /// when it goes out as is.
    private static func escape(_ utf8: UnsafeBufferPointer<UInt8>, at index: Int) -> (text: String, length: Int)? {
        switch utf8[index] {
        case UInt8(ascii: "\""): return ("\\\"", 1)
        case UInt8(ascii: "\\"): return ("\\\\", 1)
        case UInt8(ascii: "\n"): return ("\\n", 1)
        case UInt8(ascii: "\r"): return ("\\r", 1)
        case UInt8(ascii: "\t"): return ("\\t", 1)
        case let byte where byte < 0x20:
            let hex = String(byte, radix: 16)
            return ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex, 1)
        default:
            // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
            guard index + 2 < utf8.count, utf8[index] == 0xE2, utf8[index + 1] == 0x80 else { return nil }
            switch utf8[index + 2] {
            case 0xA8: return ("\\u2028", 3)
            case 0xA9: return ("\\u2029", 3)
            default: return nil
            }
        }
    }
}

extension String: JSONWritable {
    @inlinable
    public func write(to json: inout JSONWriter) { json.string(self) }
}

extension Bool: JSONWritable {
    @inlinable
    public func write(to json: inout JSONWriter) { json.token(self ? "true" : "false") }
}

extension Int: JSONWritable {
    @inlinable
    public func write(to json: inout JSONWriter) { json.integer(Int64(self)) }
}

extension Int64: JSONWritable {
    @inlinable
    public func write(to json: inout JSONWriter) { json.integer(self) }
}

/// Timestamps as ``ISOTimestamp`` strings.
extension Date: JSONWritable {
    public func write(to json: inout JSONWriter) { json.string(ISOTimestamp.string(from: self)) }
}

extension Optional: JSONWritable where Wrapped: JSONWritable {
    @inlinable
    public func write(to json: inout JSONWriter) {
        switch self {
        case .some(let value): value.write(to: &json)
        case .none: json.token("null")
        }
    }
}

extension Array: JSONWritable where Element: JSONWritable {
    @inlinable
    public func write(to json: inout JSONWriter) { json.array(self) }
}

extension JSONWritable {
    /// This value as JSON text.
    public var jsonText: String {
        var json = JSONWriter(capacity: 128)
        write(to: &json)
        return String(decoding: json.bytes, as: UTF8.self)
    }

    /// This value as a complete JSON document.
    public var jsonBuffer: ByteBuffer { jsonBuffer(capacity: 1024) }

    /// This value as a complete JSON document, written into room for about `capacity` bytes
    /// (a list's rows times a row's size: one allocation instead of a doubling series).
    public func jsonBuffer(capacity: Int) -> ByteBuffer {
        var json = JSONWriter(capacity: capacity)
        write(to: &json)
        return json.buffer
    }
}
