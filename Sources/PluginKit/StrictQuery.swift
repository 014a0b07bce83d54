import Foundation
import Hummingbird
import JSON

/// The query parameters of a request, read strictly: a value that does not parse, or a
/// parameter given twice, throws a 400 ``APIError`` naming the parameter. Unknown parameters
/// are ignored.
///
/// The query is read as `application/x-www-form-urlencoded`, as Django reads it (SPEC §3): `+`
/// is a space and `%2B` a plus sign; a `%` not followed by two hex digits stays as it is.
public struct StrictQuery: Sendable {
    /// Every `name=value` pair, decoded, in order.
    let parameters: [(key: Substring, value: Substring)]

    public init(_ request: Request) {
        self.init(query: request.uri.query ?? "")
    }

    /// Reads a raw query string (without the `?`).
    public init(query: String) {
        parameters = query.utf8.split(separator: UInt8(ascii: "&")).map { item in
            let pair = Substring(item)
            guard let equals = pair.firstIndex(of: "=") else { return (Self.formDecode(pair), "") }
            return (Self.formDecode(pair[..<equals]), Self.formDecode(pair[pair.index(after: equals)...]))
        }
    }

    /// Decodes one form-encoded component: `+` → space, `%XX` → that byte (invalid UTF-8 becomes
    /// U+FFFD). Returns the text itself when there is nothing to decode. Query strings and form
    /// bodies (the console's) are read by this one rule.
    public static func formDecode(_ text: Substring) -> Substring {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") }) else { return text }
        let source = Array(text.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(source.count)
        var index = 0
        while index < source.count {
            let byte = source[index]
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), index + 2 < source.count,
                      let high = hexValue(source[index + 1]), let low = hexValue(source[index + 2]) {
                bytes.append(high << 4 | low)
                index += 2
            } else {
                bytes.append(byte)
            }
            index += 1
        }
        return Substring(String(decoding: bytes, as: UTF8.self))
    }

    /// The value of hexadecimal digit `byte` (either case), or `nil` when it is none.
    public static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Whether the parameter is present (with any value).
    public func has(_ name: String) -> Bool {
        parameters.contains { $0.key == name }
    }

    /// The parameter's single value, or `nil` when absent.
    public func string(_ name: String) throws -> Substring? {
        let values = parameters.filter { $0.key == name }.map(\.value)
        guard values.count <= 1 else { throw APIError.badParameter(name, "given more than once") }
        return values.first
    }

    /// An RFC 3339 time (`2026-11-30T12:00:00Z`), or `nil` when absent.
    public func time(_ name: String) throws -> Date? {
        guard let text = try string(name) else { return nil }
        guard let date = RFC3339.parse(String(text)) else {
            throw APIError.badParameter(name, "expected an RFC 3339 time such as 2026-11-30T12:00:00Z")
        }
        return date
    }

    /// A whole number within `range` (ASCII digits, optional leading `-`), or `nil` when absent.
    public func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = try string(name) else { return nil }
        guard let value = Self.parseInteger(text), range.contains(value) else {
            throw APIError.badParameter(name, "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// `True`/`False` (also `true`/`false`, `1`/`0`), or `nil` when absent.
    public func boolean(_ name: String) throws -> Bool? {
        guard let text = try string(name) else { return nil }
        switch text {
        case "True", "true", "1": return true
        case "False", "false", "0": return false
        default: throw APIError.badParameter(name, "expected True or False")
        }
    }

    /// One of the raw values of `Choice`, or `nil` when absent.
    public func choice<Choice: RawRepresentable & CaseIterable>(_ name: String, as type: Choice.Type) throws -> Choice?
    where Choice.RawValue == String {
        guard let text = try string(name) else { return nil }
        guard let value = Choice(rawValue: String(text)) else {
            let allowed = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError.badParameter(name, "expected one of \(allowed)")
        }
        return value
    }

    /// A comma-separated list with empty items dropped, or `[]` when absent.
    public func list(_ name: String) throws -> [String] {
        guard let text = try string(name) else { return [] }
        return text.split(separator: ",").map { String($0) }.filter { !$0.isEmpty }
    }

    /// Parses ASCII digits with an optional leading `-`; `nil` on anything else or overflow.
    /// One pass over the bytes: ids in a 1,000-item decision batch are read this way.
    static func parseInteger(_ text: Substring) -> Int? {
        var value = 0
        var digits = 0
        var negative = false
        for byte in text.utf8 {
            if byte == UInt8(ascii: "-"), digits == 0, !negative {
                negative = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 19 else { return nil }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
            digits += 1
        }
        guard digits > 0 else { return nil }
        return negative ? -value : value
    }
}
