import Foundation

/// A JSON value of any shape: a template's `attribution`, read from `jsonb` and shown as stored.
///
/// Whole numbers within `Int64` stay integers; other numbers are doubles.
indirect enum TemplateJSON: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([TemplateJSON])
    case object([String: TemplateJSON])

    /// Parses JSON text (as PostgreSQL prints a `jsonb` value).
    init(text: String) throws {
        self = try JSONDecoder().decode(TemplateJSON.self, from: Data(text.utf8))
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([TemplateJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: TemplateJSON].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
