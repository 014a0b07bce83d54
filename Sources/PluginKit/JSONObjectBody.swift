import Foundation
import Hummingbird
import JSON
import Postgres

/// A JSON object request body of a write endpoint, read field by field.
///
/// Unknown fields, wrong types and missing required fields are each a 400 naming the field, so
/// nothing reaches the database unchecked. Each reader leaves its target untouched when the field
/// is absent, which is what `PATCH` needs: start from the stored object and apply what was sent.
public struct JSONObjectBody: Sendable {
    let fields: [String: JSONValue]

    /// Reads the request's body: a JSON object whose keys are all among `allowed`.
    public static func read(from request: Request, allowed: Set<String>, limit: Int = 256 << 10) async throws -> JSONObjectBody {
        try JSONObjectBody(try await JSONBody.parse(request, limit: limit), allowed: allowed)
    }

    /// Checks `value`: a JSON object whose keys are all among `allowed`.
    public init(_ value: JSONValue, allowed: Set<String>) throws {
        guard case .object(let fields) = value else { throw JSONBody.invalid("the body must be a JSON object") }
        if let unknown = fields.keys.filter({ !allowed.contains($0) }).min() {
            throw JSONBody.invalid("'\(Self.printable(unknown))' is not a known field")
        }
        self.fields = fields
    }

    /// Whether the body has the field (`null` counts).
    public func contains(_ name: String) -> Bool { fields[name] != nil }

    /// 400 for the first of `names` the body lacks.
    public func require(_ names: String...) throws {
        if let missing = names.first(where: { fields[$0] == nil }) { throw JSONBody.invalid("'\(missing)' is required") }
    }

    /// A non-null string of at most `maxLength` characters, without NUL characters.
    public func string(_ name: String, into target: inout String, maxLength: Int = 10_000) throws {
        guard let value = fields[name] else { return }
        target = try text(name, value, maxLength: maxLength)
    }

    /// A non-null string that `check` accepts; `problem` says what was expected.
    public func string(_ name: String, into target: inout String, maxLength: Int = 200, matching check: (String) -> Bool, problem: String) throws {
        guard let value = fields[name] else { return }
        let string = try text(name, value, maxLength: maxLength)
        guard check(string) else { throw JSONBody.invalid("'\(name)' \(problem)") }
        target = string
    }

    /// One of `Choice`'s raw values.
    public func choice<Choice: RawRepresentable & CaseIterable>(_ name: String, into target: inout Choice) throws where Choice.RawValue == String {
        guard let value = fields[name] else { return }
        let string = try text(name, value, maxLength: 100)
        guard let choice = Choice(rawValue: string) else {
            let options = Choice.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            throw JSONBody.invalid("'\(name)' must be one of \(options)")
        }
        target = choice
    }

    /// An integer id, or `null`.
    public func optionalID(_ name: String, into target: inout Int64?) throws {
        guard let value = fields[name] else { return }
        if case .null = value {
            target = nil
        } else if case .number(let number) = value, let id = ObjectID.int64(number) {
            target = id
        } else {
            throw JSONBody.invalid("'\(name)' must be a positive integer id or null")
        }
    }

    /// An integer within `range`.
    public func integer(_ name: String, into target: inout Int, in range: ClosedRange<Int>) throws {
        guard let value = fields[name] else { return }
        guard case .number(let number) = value, number.rounded() == number,
              number >= Double(range.lowerBound), number <= Double(range.upperBound)
        else { throw JSONBody.invalid("'\(name)' must be an integer from \(range.lowerBound) to \(range.upperBound)") }
        target = Int(number)
    }

    /// `true` or `false`.
    public func bool(_ name: String, into target: inout Bool) throws {
        guard let value = fields[name] else { return }
        guard case .bool(let flag) = value else { throw JSONBody.invalid("'\(name)' must be a boolean") }
        target = flag
    }

    /// An RFC 3339 timestamp (`2026-11-20T10:00:00Z`), or `null`.
    public func optionalDate(_ name: String, into target: inout Date?) throws {
        guard let value = fields[name] else { return }
        if case .null = value {
            target = nil
            return
        }
        guard let date = RFC3339.parse(try text(name, value, maxLength: 64)) else {
            throw JSONBody.invalid("'\(name)' must be an RFC 3339 timestamp like 2026-11-20T10:00:00Z, or null")
        }
        target = date
    }

    /// An array of at most `maxCount` strings, each kept exactly as sent.
    public func strings(_ name: String, into target: inout [String], maxCount: Int = 10_000, maxLength: Int = 1_000) throws {
        guard let value = fields[name] else { return }
        guard case .array(let items) = value, items.count <= maxCount else {
            throw JSONBody.invalid("'\(name)' must be an array of at most \(maxCount) strings")
        }
        target = try items.enumerated().map { index, item in try text("\(name)[\(index)]", item, maxLength: maxLength) }
    }

    private func text(_ name: String, _ value: JSONValue, maxLength: Int) throws -> String {
        guard case .string(let string) = value else { throw JSONBody.invalid("'\(name)' must be a string") }
        guard string.count <= maxLength else { throw JSONBody.invalid("'\(name)' must have at most \(maxLength) characters") }
        // PostgreSQL text cannot hold NUL.
        guard !string.unicodeScalars.contains("\0") else { throw JSONBody.invalid("'\(name)' must not contain NUL characters") }
        return string
    }

    /// A field name safe to echo: at most 64 characters, control characters dropped.
    private static func printable(_ name: String) -> String {
        String(String.UnicodeScalarView(name.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7f }.prefix(64)))
    }
}
