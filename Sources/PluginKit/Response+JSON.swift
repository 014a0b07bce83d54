import Hummingbird
import JSON

extension Response {
    /// A JSON response of `value`.
    public static func json(_ value: some JSONWritable, status: HTTPResponse.Status = .ok) -> Response {
        json(body: value.jsonBuffer, status: status)
    }

    /// A JSON response of an encoded body.
    public static func json(body: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
    }
}
