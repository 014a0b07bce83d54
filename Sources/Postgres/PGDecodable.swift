import Foundation

/// A Swift value that can be decoded from a PostgreSQL value in text format.
public protocol PGDecodable {
    /// Decodes a non-NULL value.
    static func pgDecode(_ text: String, type: PGType) throws -> Self
    /// The value for SQL `NULL`; throws for non-optional types.
    static func pgDecodeNull() throws -> Self
}

extension PGDecodable {
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

/// Integers decode from any integer column that fits.
private func decodeInteger<T: FixedWidthInteger>(_ text: String, type: PGType) throws -> T {
    guard type == .int2 || type == .int4 || type == .int8 || type == .oid || type == .unknown else {
        throw PGError.typeMismatch(T.self, type)
    }
    guard let value = T(text) else { throw PGError.invalidText(T.self, text) }
    return value
}

extension Int: PGDecodable {
    public static func pgDecode(_ text: String, type: PGType) throws -> Int { try decodeInteger(text, type: type) }
}
extension Int64: PGDecodable {
    public static func pgDecode(_ text: String, type: PGType) throws -> Int64 { try decodeInteger(text, type: type) }
}
extension Int32: PGDecodable {
    public static func pgDecode(_ text: String, type: PGType) throws -> Int32 { try decodeInteger(text, type: type) }
}
extension Int16: PGDecodable {
    public static func pgDecode(_ text: String, type: PGType) throws -> Int16 { try decodeInteger(text, type: type) }
}

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
        guard type == .timestamptz || type == .timestamp || type == .date || type == .unknown else {
            throw PGError.typeMismatch(Self.self, type)
        }
        guard let value = PGTimestamp.parse(text) else { throw PGError.invalidText(Self.self, text) }
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
