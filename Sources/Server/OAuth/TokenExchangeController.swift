import Federation
import Foundation
import Hummingbird
import JSON
import PluginKit

/// `POST /oauth/token` (SPEC §11, RFC 8693): a form with an OpenID Connect ID token in, a
/// `ct_live_` key out. Every refusal is an RFC 6749 §5.2 JSON error with 400 and changes
/// nothing; every answer is `Cache-Control: no-store`. Throttled per client address at the
/// anonymous rate.
struct TokenExchangeController: Sendable {
    let exchange: TokenExchange
    let throttle: Throttle?

    /// The largest form read (an ID token is a few kB).
    static let bodyLimit = 64 << 10

    func register(on routes: RouteTable<LatchkeyRequestContext>) {
        routes.on("/oauth/token", method: .post, .public, documented: CoreOpenAPI.operation("tokenExchange"),
                  through: ThrottleMiddleware.perCaller(throttle)) { request, context in try await token(request, context) }
    }

    func token(_ request: Request, _ context: LatchkeyRequestContext) async throws -> Response {
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "application/x-www-form-urlencoded" else {
            return Self.refusal(.init(error: "invalid_request", description: "Send the parameters as application/x-www-form-urlencoded."))
        }
        guard let body = try? await request.body.collect(upTo: Self.bodyLimit) else {
            return Self.refusal(.init(error: "invalid_request", description: "The request is larger than 64 kB."))
        }
        var fields: [String: String] = [:]
        for item in String(buffer: body).split(separator: "&") {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(StrictQuery.formDecode(parts[0]))
            // RFC 6749 §3.2: parameters must not be included more than once.
            guard fields[name] == nil else {
                return Self.refusal(.init(error: "invalid_request", description: "\(name.prefix(40)) is given more than once."))
            }
            fields[name] = parts.count > 1 ? String(StrictQuery.formDecode(parts[1])) : ""
        }
        do {
            let issued = try await exchange.exchange(fields, ip: context.clientIP)
            var json = JSONWriter(capacity: 256)
            json.object { json in
                json.field("access_token", issued.key.secret)
                json.field("issued_token_type", TokenExchange.accessTokenType)
                json.field("token_type", "Bearer")
                json.field("expires_in", issued.expiresIn)
                json.field("scope", issued.scope)
            }
            return Self.answer(.ok, json.buffer)
        } catch let refusal as TokenExchange.Refusal {
            return Self.refusal(refusal)
        }
    }

    static func refusal(_ refusal: TokenExchange.Refusal) -> Response {
        var json = JSONWriter(capacity: 128)
        json.object { json in
            json.field("error", refusal.error)
            json.field("error_description", refusal.description)
            if let code = refusal.code { json.field("code", code) }
        }
        return answer(.badRequest, json.buffer)
    }

    static func answer(_ status: HTTPResponse.Status, _ body: ByteBuffer) -> Response {
        Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store", HTTPFields.Element.Name("Pragma")!: "no-cache"],
                 body: .init(byteBuffer: body))
    }
}
