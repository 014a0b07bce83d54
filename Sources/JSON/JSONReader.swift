#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a text is not JSON (RFC 8259).
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    /// The byte offset of the problem.
    public var offset: Int
    public var reason: String

    public var description: String { "\(reason) at byte \(offset)" }
}

extension JSONValue {
    /// Parses one JSON document (RFC 8259: UTF-8, no trailing commas or comments, lone
    /// surrogates refused), nested at most `maxDepth` deep.
    ///
    /// A single pass over the bytes into ``JSONValue``, several times faster than going through
    /// `JSONDecoder` and `Decodable` for the request bodies the server reads.
    public static func parse(_ bytes: some Collection<UInt8>, maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        try ContiguousArray(bytes).withUnsafeBufferPointer { (buffer) throws(JSONParseError) -> JSONValue in
            var reader = JSONReader(buffer, maxDepth: maxDepth)
            let value = try reader.value()
            try reader.end()
            return value
        }
    }

    /// Parses one JSON document held in raw memory, e.g. a request body, without copying it.
    public static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        var reader = JSONReader(bytes.assumingMemoryBound(to: UInt8.self), maxDepth: maxDepth)
        let value = try reader.value()
        try reader.end()
        return value
    }
}

/// Reads one JSON document value by value, for callers that decode straight into their own
/// types: ``members(_:)`` and ``elements(_:)`` walk objects and arrays, ``skip()`` passes over
/// what the caller ignores. No tree is built, and what is skipped is checked as strictly as
/// ``JSONValue/parse(_:maxDepth:)`` checks everything (RFC 8259, depth-limited).
///
/// ```swift
/// try JSONReader.read(body) { reader in
///     try reader.members { reader, key in
///         if key == "name" { name = try reader.string() } else { try reader.skip() }
///     }
/// }
/// ```
public struct JSONReader {
    /// What the next value is.
    public enum Kind: Sendable {
        case null, bool, number, string, array, object
    }

    // The hot methods are inlinable: a caller's member callbacks then compile into one loop.
    @usableFromInline let bytes: UnsafeBufferPointer<UInt8>
    @usableFromInline let maxDepth: Int
    @usableFromInline var depth = 0
    @usableFromInline var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Reads the one document in `bytes` with `body`, which must read (or skip) exactly one
    /// value; text after it is an error. Syntax errors are ``JSONParseError``; `body`'s own
    /// errors pass through.
    public static func read<T>(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 64, _ body: (inout JSONReader) throws -> T) throws -> T {
        var reader = JSONReader(bytes.assumingMemoryBound(to: UInt8.self), maxDepth: maxDepth)
        let result = try body(&reader)
        try reader.end()
        return result
    }

    /// Checks that `bytes` hold one JSON document, building nothing.
    public static func validate(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 64) throws(JSONParseError) {
        var reader = JSONReader(bytes.assumingMemoryBound(to: UInt8.self), maxDepth: maxDepth)
        try reader.skip()
        try reader.end()
    }

    @usableFromInline
    func error(_ reason: String) -> JSONParseError { JSONParseError(offset: index, reason: reason) }

    /// Nothing but whitespace is left.
    mutating func end() throws(JSONParseError) {
        skipWhitespace()
        guard index == bytes.count else { throw error("unexpected text after the JSON value") }
    }

    @inlinable
    mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    // MARK: Reading

    /// The kind of the next value, without reading it.
    @inlinable
    public mutating func peek() throws(JSONParseError) -> Kind {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: throw error("unexpected character")
        }
    }

    /// Reads the next value whole.
    public mutating func value() throws(JSONParseError) -> JSONValue {
        switch try peek() {
        case .object:
            var members: [String: JSONValue] = [:]
            guard try enter(UInt8(ascii: "{")) else { return .object(members) }
            repeat {
                let key = try key()
                members[key] = try value()
            } while try next(closing: UInt8(ascii: "}"))
            return .object(members)
        case .array:
            var elements: [JSONValue] = []
            guard try enter(UInt8(ascii: "[")) else { return .array(elements) }
            repeat {
                elements.append(try value())
            } while try next(closing: UInt8(ascii: "]"))
            return .array(elements)
        case .string: return .string(try string())
        case .bool: return .bool(try bool())
        case .null: try literal("null"); return .null
        case .number: return .number(try number())
        }
    }

    /// Passes over the next value, checking it.
    public mutating func skip() throws(JSONParseError) {
        switch try peek() {
        case .object:
            guard try enter(UInt8(ascii: "{")) else { return }
            repeat {
                _ = try key()
                try skip()
            } while try next(closing: UInt8(ascii: "}"))
        case .array:
            guard try enter(UInt8(ascii: "[")) else { return }
            repeat { try skip() } while try next(closing: UInt8(ascii: "]"))
        case .string: _ = try string()
        case .bool: _ = try bool()
        case .null: try literal("null")
        case .number: _ = try number()
        }
    }

    /// Reads `null` if it is next; `false`, reading nothing, otherwise.
    @inlinable
    public mutating func null() throws(JSONParseError) -> Bool {
        guard try peek() == .null else { return false }
        try literal("null")
        return true
    }

    /// Reads an object, handing each member's key to `body`, which must read or skip its value.
    /// The next value must be an object.
    @inlinable
    public mutating func members(_ body: (inout JSONReader, JSONKey) throws -> Void) throws {
        guard try enter(UInt8(ascii: "{")) else { return }
        repeat {
            skipWhitespace()
            let start = index + 1
            // Most keys hold no escape: compare their bytes in place rather than build a String.
            let text = try string(keepingPlainText: true)
            let key = text.map(JSONKey.decoded) ?? .plain(UnsafeBufferPointer(rebasing: bytes[start..<(index - 1)]))
            try colon()
            try body(&self, key)
        } while try next(closing: UInt8(ascii: "}"))
    }

    /// Reads an array, handing each element's index to `body`, which must read or skip it. The
    /// next value must be an array.
    @inlinable
    public mutating func elements(_ body: (inout JSONReader, Int) throws -> Void) throws {
        guard try enter(UInt8(ascii: "[")) else { return }
        var count = 0
        repeat {
            try body(&self, count)
            count += 1
        } while try next(closing: UInt8(ascii: "]"))
    }

    // MARK: Objects and arrays

    /// Consumes the opening bracket, which must be next; `false` (having consumed the closing
    /// one too) when the object or array is empty.
    @inlinable
    mutating func enter(_ opening: UInt8) throws(JSONParseError) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == opening else {
            throw error(opening == UInt8(ascii: "{") ? "expected an object" : "expected an array")
        }
        guard depth < maxDepth else { throw error("nested too deeply") }
        index += 1
        skipWhitespace()
        let closing = opening + 2  // `{` → `}`, `[` → `]`
        if index < bytes.count, bytes[index] == closing {
            index += 1
            return false
        }
        depth += 1
        return true
    }

    /// A member's key and its colon.
    private mutating func key() throws(JSONParseError) -> String {
        skipWhitespace()
        let key = try string(keepingPlainText: false)!
        try colon()
        return key
    }

    @inlinable
    mutating func colon() throws(JSONParseError) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
        index += 1
    }

    /// After a member or element: `true` at a comma, `false` at the closing bracket.
    @inlinable
    mutating func next(closing: UInt8) throws(JSONParseError) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of input") }
        if bytes[index] == UInt8(ascii: ",") {
            index += 1
            return true
        }
        guard bytes[index] == closing else {
            throw error(closing == UInt8(ascii: "}") ? "expected ',' or '}'" : "expected ',' or ']'")
        }
        index += 1
        depth -= 1
        return false
    }

    // MARK: Scalars

    /// Reads `true` or `false`. The next value must be one.
    public mutating func bool() throws(JSONParseError) -> Bool {
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "t") {
            try literal("true")
            return true
        }
        try literal("false")
        return false
    }

    @usableFromInline
    mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("unexpected end of input") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw error("unexpected character") }
        index += count
    }

    /// Reads a string; escapes decoded, UTF-8 validated. The next value must be a string.
    @inlinable
    public mutating func string() throws(JSONParseError) -> String {
        skipWhitespace()
        return try string(keepingPlainText: false)!
    }

    /// Reads a string starting at its opening quote; `nil`, having checked it, when
    /// `keepingPlainText` and it holds no escape, so the caller can use its bytes in place.
    @inlinable
    mutating func string(keepingPlainText: Bool) throws(JSONParseError) -> String? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string") }
        index += 1
        let start = index
        // Fast path: no escapes (and, when every byte is ASCII, nothing to validate).
        var ascii = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                if ascii { return keepingPlainText ? nil : String(decoding: slice, as: UTF8.self) }
                guard let text = String(validating: slice, as: UTF8.self) else { throw error("invalid UTF-8 in a string") }
                return text
            }
            if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
            guard byte >= 0x20 else { throw error("control character in a string") }
            ascii = ascii && byte < 0x80
            index += 1
        }
        throw error("unterminated string")
    }

    /// The rest of a string holding escapes, from its first character at `start`.
    @usableFromInline
    mutating func escapedString(from start: Int) throws(JSONParseError) -> String {
        var scalars = [UInt8](bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                guard let text = String(validating: scalars, as: UTF8.self) else { throw error("invalid UTF-8 in a string") }
                return text
            }
            guard byte >= 0x20 else { throw error("control character in a string") }
            guard byte == UInt8(ascii: "\\") else {
                scalars.append(byte)
                index += 1
                continue
            }
            index += 1
            guard index < bytes.count else { break }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
            case UInt8(ascii: "b"): scalars.append(0x08)
            case UInt8(ascii: "f"): scalars.append(0x0C)
            case UInt8(ascii: "n"): scalars.append(0x0A)
            case UInt8(ascii: "r"): scalars.append(0x0D)
            case UInt8(ascii: "t"): scalars.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800...0xDBFF).contains(code) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw error("lone surrogate in a string")
                    }
                    index += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw error("lone surrogate in a string") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(code) {
                    throw error("lone surrogate in a string")
                }
                guard let scalar = Unicode.Scalar(code) else { throw error("invalid escape") }
                scalars.append(contentsOf: UTF8.encode(scalar)!)
            default:
                throw error("invalid escape")
            }
        }
        throw error("unterminated string")
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("invalid \\u escape") }
        var code: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid \\u escape")
            }
            code = code << 4 | UInt32(digit)
            index += 1
        }
        return code
    }

    /// Reads a number per the JSON grammar; out-of-range magnitudes become ±infinity, which
    /// callers refuse like any other non-integer. The next value must be a number.
    public mutating func number() throws(JSONParseError) -> Double {
        skipWhitespace()
        let start = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { throw error("invalid number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            guard isDigit(at: index) else { throw error("invalid number") }
            while isDigit(at: index) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard isDigit(at: index) else { throw error("invalid number") }
            while isDigit(at: index) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard isDigit(at: index) else { throw error("invalid number") }
            while isDigit(at: index) { index += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let number = Double(text) else { throw error("invalid number") }
        return number
    }

    private func isDigit(at position: Int) -> Bool {
        position < bytes.count && bytes[position] >= UInt8(ascii: "0") && bytes[position] <= UInt8(ascii: "9")
    }
}

/// An object member's key as ``JSONReader/members(_:)`` hands it over: compared with a name in
/// place (`key == "subject"`, or `case "subject":` in a `switch`), read as a `String` only when
/// needed. Valid only inside the `members` callback.
public enum JSONKey {
    /// The key's bytes in the document, when they hold no escape and are ASCII.
    case plain(UnsafeBufferPointer<UInt8>)
    /// The key, decoded.
    case decoded(String)

    /// The key as a string.
    public var string: String {
        switch self {
        case .plain(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .decoded(let text): return text
        }
    }

    @inlinable
    public static func == (key: JSONKey, name: StaticString) -> Bool {
        switch key {
        case .plain(let bytes):
            return bytes.count == name.utf8CodeUnitCount
                && (bytes.isEmpty || memcmp(bytes.baseAddress!, name.utf8Start, bytes.count) == 0)
        case .decoded(let text):
            return text == name.description
        }
    }

    @inlinable
    public static func ~= (name: StaticString, key: JSONKey) -> Bool { key == name }
}
