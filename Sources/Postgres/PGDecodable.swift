import Foundation

/// A Swift value that can be decoded from a PostgreSQL value in text format.
public protocol PGDecodable {
    /// Decodes a non-NULL value.
    static func pgDecode(_ text: String, type: PGType) throws -> Self
    /// Decodes a non-NULL value from its UTF-8 text as it lies in the rows; by default through
    /// a `String` and ``pgDecode(_:type:)``. A type that reads the bytes directly (an integer, a
    /// timestamp) makes no `String`.
    static func pgDecode(utf8: UnsafeBufferPointer<UInt8>, type: PGType) throws -> Self
    /// The value for SQL `NULL`; throws for non-optional types.
    static func pgDecodeNull() throws -> Self
}

extension PGDecodable {
    public static func pgDecode(utf8: UnsafeBufferPointer<UInt8>, type: PGType) throws -> Self {
        try pgDecode(String(decoding: utf8, as: UTF8.self), type: type)
    }
    public static func pgDecodeNull() throws -> Self { throw PGError.unexpectedNull(Self.self) }
}

extension PGError {
    /// SQL `NULL` where `type` has no such value.
    public static func unexpectedNull(_ type: Any.Type) -> PGError {
        PGError(.decoding, message: "unexpected NULL for \(type)")
    }

    /// A column of PostgreSQL type `pgType`, which `type` does not decode.
    public static func typeMismatch(_ type: Any.Type, _ pgType: PGType) -> PGError {
        PGError(.decoding, message: "cannot decode \(pgType) as \(type)")
    }

    /// A value whose text `type` cannot read.
    public static func invalidText(_ type: Any.Type, _ why: String) -> PGError {
        PGError(.decoding, message: "invalid text for \(type): \(why)")
    }
}

extension Optional: PGDecodable where Wrapped: PGDecodable {
    public static func pgDecode(_ text: String, type: PGType) throws -> Wrapped? {
        try Wrapped.pgDecode(text, type: type)
    }
    public static func pgDecode(utf8: UnsafeBufferPointer<UInt8>, type: PGType) throws -> Wrapped? {
        try Wrapped.pgDecode(utf8: utf8, type: type)
    }
    public static func pgDecodeNull() throws -> Wrapped? { nil }
}

extension String: PGDecodable {
    public static func pgDecode(_ text: String, type: PGType) throws -> String { text }
}

extension Bool: PGDecodable {
    public static func pgDecode(_ text: String, type: PGType) throws -> Bool {
        guard type == .bool || type == .unknown else { throw PGError.typeMismatch(Self.self, type) }
        switch text {
        case "t": return true
        case "f": return false
        default: throw PGError.invalidText(Self.self, text)
        }
    }
}

/// Integers decode from any integer column that fits, read from the digits' bytes.
private protocol PGInteger: FixedWidthInteger, PGDecodable {}

extension PGInteger {
    public static func pgDecode(_ text: String, type: PGType) throws -> Self {
        var text = text
        return try text.withUTF8 { try pgDecode(utf8: $0, type: type) }
    }

    public static func pgDecode(utf8: UnsafeBufferPointer<UInt8>, type: PGType) throws -> Self {
        guard type == .int2 || type == .int4 || type == .int8 || type == .oid || type == .unknown else {
            throw PGError.typeMismatch(Self.self, type)
        }
        guard let value = Self(decimal: utf8) else {
            throw PGError.invalidText(Self.self, String(decoding: utf8, as: UTF8.self))
        }
        return value
    }

    /// `[-+]digits`, `nil` when malformed or out of range.
    private init?(decimal utf8: UnsafeBufferPointer<UInt8>) {
        var digits = utf8[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative || digits.first == UInt8(ascii: "+") { digits = digits.dropFirst() }
        guard !digits.isEmpty else { return nil }
        var value: Self = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Self(byte - UInt8(ascii: "0"))
            let (shifted, overflowed) = value.multipliedReportingOverflow(by: 10)
            let (next, carried) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflowed, !carried else { return nil }
            value = next
        }
        self = value
    }
}

extension Int: PGInteger {}
extension Int64: PGInteger {}
extension Int32: PGInteger {}
extension Int16: PGInteger {}

extension Double: PGDecodable {
    public static func pgDecode(_ text: String, type: PGType) throws -> Double {
        guard type == .float8 || type == .float4 || type == .numeric || type == .unknown else {
            throw PGError.typeMismatch(Self.self, type)
        }
        guard let value = Double(text) else { throw PGError.invalidText(Self.self, text) }
        return value
    }
}

extension Decimal: PGDecodable {
    public static func pgDecode(_ text: String, type: PGType) throws -> Decimal {
        guard type == .numeric || type == .int2 || type == .int4 || type == .int8 || type == .unknown else {
            throw PGError.typeMismatch(Self.self, type)
        }
        guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
            throw PGError.invalidText(Self.self, text)
        }
        return value
    }
}

extension UUID: PGDecodable {
    public static func pgDecode(_ text: String, type: PGType) throws -> UUID {
        guard type == .uuid || type == .unknown else { throw PGError.typeMismatch(Self.self, type) }
        guard let value = UUID(uuidString: text) else { throw PGError.invalidText(Self.self, text) }
        return value
    }
}

extension Date: PGDecodable {
    /// Decodes `timestamptz`, `timestamp` (taken as UTC) and `date` (UTC midnight).
    public static func pgDecode(_ text: String, type: PGType) throws -> Date {
        var text = text
        return try text.withUTF8 { try pgDecode(utf8: $0, type: type) }
    }

    /// The same, from the text's bytes.
    public static func pgDecode(utf8: UnsafeBufferPointer<UInt8>, type: PGType) throws -> Date {
        guard type == .timestamptz || type == .timestamp || type == .date || type == .unknown else {
            throw PGError.typeMismatch(Self.self, type)
        }
        guard let value = PGTimestamp.parse(utf8: utf8) else {
            throw PGError.invalidText(Self.self, String(decoding: utf8, as: UTF8.self))
        }
        return value
    }
}

extension Data: PGDecodable {
    public static func pgDecode(_ text: String, type: PGType) throws -> Data {
        guard type == .bytea || type == .unknown else { throw PGError.typeMismatch(Self.self, type) }
        var utf8 = Array(text.utf8)[...]
        guard utf8.count % 2 == 0, utf8.popFirst() == UInt8(ascii: "\\"), utf8.popFirst() == UInt8(ascii: "x") else {
            throw PGError.invalidText(Self.self, "bytea must be in hex format")
        }
        func nibble(_ c: UInt8) throws -> UInt8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: throw PGError.invalidText(Data.self, "bad hex digit")
            }
        }
        var out = Data(capacity: utf8.count / 2)
        while let high = utf8.popFirst(), let low = utf8.popFirst() {
            out.append(try nibble(high) << 4 | nibble(low))
        }
        return out
    }
}

extension Array: PGDecodable where Element: PGArrayElement {
    /// Decodes a one-dimensional array; `NULL` elements are rejected.
    public static func pgDecode(_ text: String, type: PGType) throws -> [Element] {
        guard type.isArray || type == .unknown else { throw PGError.typeMismatch(Self.self, type) }
        guard let items = PGArrayLiteral.parse(text) else { throw PGError.invalidText(Self.self, text) }
        let elementType: PGType = switch type {
        case .int2Array: .int2
        case .int4Array: .int4
        case .int8Array: .int8
        case .uuidArray: .uuid
        case .byteaArray: .bytea
        default: .text
        }
        return try items.map { item in
            guard let item else { throw PGError.unexpectedNull(Element.self) }
            return try Element.pgDecode(item, type: elementType)
        }
    }
}
