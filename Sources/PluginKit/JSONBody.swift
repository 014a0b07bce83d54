import Foundation
import Hummingbird
import Postgres

/// Request bodies as JSON: read with a size limit and parsed in one pass (``JSONValue/parse(_:maxDepth:)``);
/// every failure a 400 (or 413 when too large), never a 500.
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

    /// 400 for a body that is not what the endpoint takes.
    public static func invalid(_ problem: String) -> APIError {
        APIError(.badRequest, detail: "Invalid request body: \(problem).", code: "INVALID_BODY")
    }
}
