import Hummingbird
import JSON
import Policy

/// An error answered as JSON `{"detail": "…"}` (with `"code"` when there is one).
///
/// Throw it from a handler or middleware; the server's error middleware turns it into the
/// response, so every error under `/api/` has the same shape.
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    /// The human-readable message, e.g. "Not found.".
    public var detail: String
    /// A machine-readable code, e.g. `DENY_NOT_MEMBER`.
    public var code: String?
    /// Extra response headers, e.g. `WWW-Authenticate` or `Allow`.
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, detail: String, code: String? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.detail = detail
        self.code = code
        self.headers = headers
    }

    /// The JSON body.
    public var body: ByteBuffer { body(leading: nil) }

    /// The JSON body, with `leading` (a member such as `"auth": "logged_out"`) first when given.
    func body(leading: (name: StaticString, value: String)?) -> ByteBuffer {
        var json = JSONWriter(capacity: 64)
        json.object { json in
            if let leading { json.field(leading.name, leading.value) }
            json.field("detail", detail)
            if let code { json.field("code", code) }
        }
        return json.buffer
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response()
    }

    /// The response for this error; `leading` is an extra first member of the body, e.g. the
    /// session endpoints' `"auth": "logged_out"`.
    /// Every 401 carries the `WWW-Authenticate` challenge (SPEC §3), whoever threw it.
    public func response(leading: (name: StaticString, value: String)? = nil) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        if status == .unauthorized, fields[.wwwAuthenticate] == nil { fields[.wwwAuthenticate] = Self.challenge[.wwwAuthenticate] }
        return Response(status: status, headers: fields, body: .init(byteBuffer: body(leading: leading)))
    }
}

extension APIError {
    /// The `WWW-Authenticate` challenge every 401 carries (SPEC §3).
    public static let challenge: HTTPFields = [.wwwAuthenticate: #"Bearer realm="api""#]

    /// 401: credentials are required and none were presented.
    public static let notAuthenticated = APIError(
        .unauthorized, detail: "Authentication credentials were not provided.", headers: challenge)
    /// 401: the key is malformed, unknown, revoked, or its user inactive.
    public static let invalidKey = APIError(.unauthorized, detail: "Invalid API key.", headers: challenge)
    /// 401: the `authtoken` session is unknown, ended or expired.
    public static let invalidSession = APIError(.unauthorized, detail: "Invalid or expired session token.", headers: challenge)
    /// 401: the key has expired.
    public static let expiredKey = APIError(.unauthorized, detail: "API key has expired.", headers: challenge)
    /// 403: the key's user is on the free tier.
    public static let freeTier = APIError(.forbidden, detail: "API access requires a paid account tier.")

    /// A key with an IP allowlist, used from outside it (SPEC §2).
    public static let ipNotAllowed = APIError(.forbidden, detail: "API key is not allowed from this address.", code: "IP_NOT_ALLOWED")
    /// A key blocked, not revoked, by its organisation's key policy (SPEC §14), in words naming the rule.
    public static func policyBlocked(_ why: String?) -> APIError {
        APIError(.forbidden, detail: why ?? "API key is blocked by its organisation's key policy.", code: "POLICY_BLOCKED")
    }
    /// 404: no such object or path.
    public static let notFound = APIError(.notFound, detail: "Not found.")
    /// 503: the database cannot be reached.
    public static let unavailable = APIError(
        .serviceUnavailable, detail: "Service temporarily unavailable.", headers: [.retryAfter: "5"])
    /// 500: a server fault (never for client input).
    public static let internalError = APIError(.internalServerError, detail: "Internal server error.")

    /// 400: a query parameter has a bad value.
    public static func badParameter(_ name: String, _ problem: String) -> APIError {
        APIError(.badRequest, detail: "Invalid value for query parameter '\(name)': \(problem).", code: "INVALID_PARAMETER")
    }

    /// 405: the path exists but not for this method; `allowed` goes into `Allow`.
    public static func methodNotAllowed(_ method: HTTPRequest.Method, allowed: [HTTPRequest.Method]) -> APIError {
        APIError(
            .methodNotAllowed,
            detail: "Method \"\(method.rawValue)\" not allowed.",
            headers: [.allow: allowed.map(\.rawValue).joined(separator: ", ")]
        )
    }

    /// The error for a denying decision: 401 for an anonymous caller, else 403 with the
    /// decision's reason and code.
    public static func denied(_ decision: Decision) -> APIError {
        if decision.code == .denyAnonymous { return .notAuthenticated }
        return APIError(.forbidden, detail: decision.summary.description, code: decision.code.rawValue)
    }
}
