import Foundation
import Hummingbird
import Postgres

/// Request bodies as JSON: read with a size limit and decoded, every failure a 400 that names
/// the field (or 413 when too large), never a 500.
public enum JSONBody {
    /// Parses the request body (at most `limit` bytes) as one JSON value.
    public static func parse(_ request: Request, limit: Int) async throws -> JSONValue {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, detail: "Request body exceeds \(limit) bytes.")
        }
        guard buffer.readableBytes > 0 else { throw invalid("a JSON body is required") }
        do {
            return try buffer.withUnsafeReadableBytes { raw in try JSONValue.parse(raw) }
        } catch {
            throw invalid("the body is not valid JSON")
        }
    }

    /// Decodes the request body as `Body`.
    public static func decode<Body: Decodable>(_ type: Body.Type, from request: Request, limit: Int = 1 << 20) async throws -> Body {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, detail: "Request body exceeds \(limit) bytes.")
        }
        return try decode(type, from: Data(buffer: buffer))
    }

    /// Decodes `data` as `Body`.
    public static func decode<Body: Decodable>(_ type: Body.Type, from data: Data) throws -> Body {
        guard !data.isEmpty else { throw invalid("a JSON body is required") }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw invalid(describe(error))
        } catch let error as APIError {
            throw error
        } catch {
            throw invalid("the body is not valid JSON")
        }
    }

    /// 400 for a body that is not what the endpoint takes.
    public static func invalid(_ problem: String) -> APIError {
        APIError(.badRequest, detail: "Invalid request body: \(problem).", code: "INVALID_BODY")
    }

    /// A sentence naming the field a decoding error is about.
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let keys = codingPath + (last.map { [$0] } ?? [])
            var text = ""
            for key in keys {
                if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
            return text.isEmpty ? "the body" : "'\(text)'"
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath, key)) is required"
        case .valueNotFound(_, let context): return "\(path(context.codingPath)) must not be null"
        case .typeMismatch(let type, let context): return "\(path(context.codingPath)) must be \(describe(type))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "the body is not valid JSON" : "\(path(context.codingPath)) is invalid: \(context.debugDescription)"
        @unknown default: return "the body could not be read"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "a boolean"
        case is Int.Type, is Int64.Type: return "an integer"
        case is Double.Type: return "a number"
        default: return type is any Collection.Type ? "an array" : "an object"
        }
    }
}
