import Foundation
import JSON
import Postgres

/// Reads the fields of one fixture item, refusing unknown fields, wrong types, bad enums and
/// unknown refs with an error that names the item.
///
/// Each section's item type lists its fields once (`fields`) and reads them with one call each;
/// a field that is absent or `null` takes the default of SPEC §1.
public struct FixtureFieldReader {
    /// The item's name in error messages, e.g. `users[2] (ref "bob")`.
    public let item: String
    private let object: [String: JSONValue]
    private let fields: Set<String>

    /// Reads `value`, which must be an object whose keys are all in `fields`.
    public init(_ value: JSONValue, item: String, fields: [String]) throws(FixtureError) {
        guard case .object(let object) = value else {
            throw FixtureError(item: item, problem: "must be an object, not \(value.typeName)")
        }
        self.item = item
        self.object = object
        self.fields = Set(fields)
        if let unknown = object.keys.sorted().first(where: { !self.fields.contains($0) }) {
            throw FixtureError(item: item, problem: "unknown field \"\(unknown)\"")
        }
    }

    /// The name of item `index` of `section`, with its identifying field when it has one.
    public static func itemName(_ section: String, _ index: Int, of value: JSONValue, identifiedBy key: String = "ref") -> String {
        if case .object(let object) = value, case .string(let identifier)? = object[key] {
            return "\(section)[\(index)] (\(key) \"\(identifier)\")"
        }
        return "\(section)[\(index)]"
    }

    /// An error about this item.
    public func failure(_ problem: String) -> FixtureError {
        FixtureError(item: item, problem: problem)
    }

    /// The field's value, or `nil` when it is absent or `null`.
    private func value(_ key: String) -> JSONValue? {
        precondition(fields.contains(key), "field \"\(key)\" is not declared")
        if case .null? = object[key] { return nil }
        return object[key]
    }

    private func mismatch(_ key: String, _ expected: String, _ found: JSONValue) -> FixtureError {
        failure("field \"\(key)\" must be \(expected), not \(found.typeName)")
    }

    /// A required, non-empty string.
    public func string(_ key: String) throws(FixtureError) -> String {
        guard let text = try optionalString(key) else { throw failure("missing required field \"\(key)\"") }
        guard !text.isEmpty else { throw failure("field \"\(key)\" must not be empty") }
        return text
    }

    /// A string, or `nil` when absent.
    public func optionalString(_ key: String) throws(FixtureError) -> String? {
        switch value(key) {
        case nil: return nil
        case .string(let text)?: return text
        case let other?: throw mismatch(key, "a string", other)
        }
    }

    /// A string, or `defaultValue` when absent.
    public func string(_ key: String, default defaultValue: String) throws(FixtureError) -> String {
        try optionalString(key) ?? defaultValue
    }

    /// A boolean, or `defaultValue` when absent.
    public func bool(_ key: String, default defaultValue: Bool) throws(FixtureError) -> Bool {
        switch value(key) {
        case nil: return defaultValue
        case .bool(let flag)?: return flag
        case let other?: throw mismatch(key, "a boolean", other)
        }
    }

    /// A whole number in `range`, or `defaultValue` when absent.
    public func integer(_ key: String, default defaultValue: Int, in range: ClosedRange<Int> = 0...Int(Int32.max)) throws(FixtureError) -> Int {
        switch value(key) {
        case nil: return defaultValue
        case .number(let number)?:
            guard number.rounded() == number, number >= Double(range.lowerBound), number <= Double(range.upperBound) else {
                throw failure("field \"\(key)\" must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return Int(number)
        case let other?: throw mismatch(key, "a number", other)
        }
    }

    /// One of `allowed`, or `defaultValue` when absent.
    public func choice(_ key: String, from allowed: [String], default defaultValue: String) throws(FixtureError) -> String {
        guard let text = try optionalString(key) else { return defaultValue }
        guard allowed.contains(text) else {
            throw failure("field \"\(key)\": \"\(text)\" is not one of \(allowed.joined(separator: ", "))")
        }
        return text
    }

    /// One of the raw values of `type`, or `defaultValue` when absent.
    public func choice<Choice: CaseIterable & RawRepresentable<String>>(_ key: String, _ type: Choice.Type, default defaultValue: Choice) throws(FixtureError) -> String {
        try choice(key, from: Choice.allCases.map(\.rawValue), default: defaultValue.rawValue)
    }

    /// A list of strings, or `[]` when absent.
    public func strings(_ key: String) throws(FixtureError) -> [String] {
        var result: [String] = []
        for element in try items(key) {
            guard case .string(let text) = element else { throw mismatch(key, "a list of strings", element) }
            result.append(text)
        }
        return result
    }

    /// A list of the raw values of `type` without repeats, or `defaultValue` when absent.
    public func choices<Choice: CaseIterable & RawRepresentable<String>>(_ key: String, _ type: Choice.Type, default defaultValue: [Choice]) throws(FixtureError) -> [String] {
        guard value(key) != nil else { return defaultValue.map(\.rawValue) }
        let allowed = Choice.allCases.map(\.rawValue)
        var result: [String] = []
        for text in try strings(key) where !result.contains(text) {
            guard allowed.contains(text) else {
                throw failure("field \"\(key)\": \"\(text)\" is not one of \(allowed.joined(separator: ", "))")
            }
            result.append(text)
        }
        return result
    }

    /// A list, or `[]` when absent.
    public func items(_ key: String) throws(FixtureError) -> [JSONValue] {
        switch value(key) {
        case nil: return []
        case .array(let elements)?: return elements
        case let other?: throw mismatch(key, "a list", other)
        }
    }

    /// An object, or `{}` when absent.
    public func object(_ key: String) throws(FixtureError) -> JSONValue {
        switch value(key) {
        case nil: return .object([:])
        case .object(let fields)?: return .object(fields)
        case let other?: throw mismatch(key, "an object", other)
        }
    }

    /// An RFC 3339 timestamp such as `2026-11-20T10:00:00Z`, or `nil` when absent.
    public func date(_ key: String) throws(FixtureError) -> Date? {
        guard let text = try optionalString(key) else { return nil }
        guard let date = RFC3339.parse(text) else {
            throw failure("field \"\(key)\": \"\(text)\" is not an RFC 3339 timestamp like 2026-11-20T10:00:00Z")
        }
        return date
    }

    /// A ref to an item of an earlier section, or `nil` when absent.
    public func ref(_ key: String, to kind: String, among refs: Set<String>) throws(FixtureError) -> String? {
        guard let ref = try optionalString(key) else { return nil }
        guard refs.contains(ref) else { throw failure("field \"\(key)\": unknown \(kind) ref \"\(ref)\"") }
        return ref
    }

    /// A required ref to an item of an earlier section.
    public func requiredRef(_ key: String, to kind: String, among refs: Set<String>) throws(FixtureError) -> String {
        guard let ref = try ref(key, to: kind, among: refs) else { throw failure("missing required field \"\(key)\"") }
        return ref
    }

}
