import Foundation
import Hummingbird
import JSON
import Postgres

/// Request bodies as JSON: read with a size limit and parsed in one pass (``JSONValue/parse(_:maxDepth:)``);
/// every failure a 400 (or 413 when too large), never a 500.
public enum JSONBody {
    /// Parses the request body (at most `limit` bytes) as one JSON value.
    public static func parse(_ request: Request, limit: Int) async throws -> JSONValue {
        let buffer = try await collect(request, limit: limit)
        return try buffer.withUnsafeReadableBytes { raw in try parse(raw) }
    }

    /// Parses a body's bytes as one JSON value; 400 when they are not JSON.
    public static func parse(_ raw: UnsafeRawBufferPointer) throws -> JSONValue {
        do {
            return try JSONValue.parse(raw)
        } catch {
            throw invalid("the body is not valid JSON")
        }
    }

    /// Reads the request body (at most `limit` bytes) with `body`, straight from its bytes, for
    /// types that decode themselves with a ``JSONReader``.
    public static func read<T>(_ request: Request, limit: Int, _ body: (inout JSONReader) throws -> T) async throws -> T {
        let buffer = try await collect(request, limit: limit)
        return try buffer.withUnsafeReadableBytes { raw in try read(raw, body) }
    }

    /// Reads a body's bytes with `body`. A syntax error anywhere in the body is reported as
    /// such, even when `body` found a problem before reaching it.
    public static func read<T>(_ raw: UnsafeRawBufferPointer, _ body: (inout JSONReader) throws -> T) throws -> T {
        do {
            return try JSONReader.read(raw, body)
        } catch is JSONParseError {
            throw invalid("the body is not valid JSON")
        } catch {
            do { try JSONReader.validate(raw) } catch { throw invalid("the body is not valid JSON") }
            throw error
        }
    }

    private static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, detail: "Request body exceeds \(limit) bytes.")
        }
        guard buffer.readableBytes > 0 else { throw invalid("a JSON body is required") }
        return buffer
    }

    /// 400 for a body that is not what the endpoint takes.
    public static func invalid(_ problem: String) -> APIError {
        APIError(.badRequest, detail: "Invalid request body: \(problem).", code: "INVALID_BODY")
    }
}
