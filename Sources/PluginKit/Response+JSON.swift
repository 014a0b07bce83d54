import Hummingbird

extension Response {
    /// A JSON response of `value`.
    public static func json(_ value: some JSONWritable, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: value.jsonBuffer))
    }
}
