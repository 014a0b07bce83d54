import Foundation

/// A Swift value that can be sent to PostgreSQL as a bind parameter, in text format.
public protocol PGEncodable: Sendable {
    /// The parameter type sent to the server (`.unknown` lets the server infer it).
    static var pgType: PGType { get }
    /// The value in PostgreSQL's text input format.
    var pgText: String { get }
}

extension String: PGEncodable {
    public static var pgType: PGType { .unknown }
    public var pgText: String { self }
}

extension Substring: PGEncodable {
    public static var pgType: PGType { .unknown }
    public var pgText: String { String(self) }
}

extension Bool: PGEncodable {
    public static var pgType: PGType { .bool }
    public var pgText: String { self ? "t" : "f" }
}

extension Int: PGEncodable {
    public static var pgType: PGType { .int8 }
    public var pgText: String { String(self) }
}

extension Int64: PGEncodable {
    public static var pgType: PGType { .int8 }
    public var pgText: String { String(self) }
}

extension Int32: PGEncodable {
    public static var pgType: PGType { .int4 }
    public var pgText: String { String(self) }
}

extension Int16: PGEncodable {
    public static var pgType: PGType { .int2 }
    public var pgText: String { String(self) }
}

extension Double: PGEncodable {
    public static var pgType: PGType { .float8 }
    public var pgText: String {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return "\(self)"
    }
}

extension Decimal: PGEncodable {
    public static var pgType: PGType { .numeric }
    public var pgText: String { "\(self)" }
}

extension UUID: PGEncodable {
    public static var pgType: PGType { .uuid }
    public var pgText: String { uuidString }
}

extension Date: PGEncodable {
    public static var pgType: PGType { .timestamptz }
    public var pgText: String { PGTimestamp.format(self) }
}

extension Data: PGEncodable {
    public static var pgType: PGType { .bytea }
    public var pgText: String {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        out.reserveCapacity(2 + count * 2)
        for byte in self {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A value that can be an element of a PostgreSQL array parameter.
public protocol PGArrayElement: PGEncodable, PGDecodable {
    /// The array type whose elements are `Self`.
    static var pgArrayType: PGType { get }
}

extension String: PGArrayElement { public static var pgArrayType: PGType { .textArray } }
extension Int: PGArrayElement { public static var pgArrayType: PGType { .int8Array } }
extension Int64: PGArrayElement { public static var pgArrayType: PGType { .int8Array } }
extension Int32: PGArrayElement { public static var pgArrayType: PGType { .int4Array } }
extension UUID: PGArrayElement { public static var pgArrayType: PGType { .uuidArray } }
extension Data: PGArrayElement { public static var pgArrayType: PGType { .byteaArray } }

extension Array: PGEncodable where Element: PGArrayElement {
    public static var pgType: PGType { Element.pgArrayType }
    public var pgText: String { PGArrayLiteral.format(map { $0.pgText }) }
}

/// A `Codable` value stored as `jsonb`.
public struct PGJSON<Value: Codable & Sendable>: PGEncodable, PGDecodable, Sendable {
    public var value: Value
    public init(_ value: Value) { self.value = value }

    public static var pgType: PGType { .jsonb }
    public var pgText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a Codable value to JSON only fails for non-finite floats; store null then.
        let data = (try? encoder.encode(value)) ?? Data("null".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    public static func pgDecode(_ text: String, type: PGType) throws -> PGJSON<Value> {
        guard type == .jsonb || type == .json || type.isTextual else { throw PGError.typeMismatch(Self.self, type) }
        do {
            return PGJSON(try JSONDecoder().decode(Value.self, from: Data(text.utf8)))
        } catch {
            throw PGError.invalidText(Self.self, "\(error)")
        }
    }
}
