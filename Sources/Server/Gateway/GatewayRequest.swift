import Hummingbird
import PluginKit
import Vault

/// The request a proxy asks the gateway check about (SPEC §16), read from headers only: the
/// original method and URI (`X-Original-Method`/`X-Original-URI` from nginx, else
/// `X-Forwarded-Method`/`X-Forwarded-Uri` from Traefik and Caddy) and the key presented
/// (`Authorization: Bearer`, or `X-API-Key`).
///
/// Anything ambiguous is a 400 naming the header, never a guess: a header sent twice, an unknown
/// method, a URI that is no path (or climbs above the root), two keys that differ, a key without
/// the original method or URI (judging it as the check's own GET would let a proxy that forgot
/// the method pass a DELETE with a view key). Without a key and without them, it is 401: no
/// public rule can match a request whose URI is unknown, so credentials are what is missing.
struct GatewayRequest {
    let method: GatewayMethod
    /// The original path, normalised (``GatewayPath/normalise(_:)``).
    let path: Substring
    /// The key presented, if any: the Bearer token, or the whole `Authorization` value when it
    /// is not one (refused as an invalid key, as on the resource API).
    let key: String?

    init(_ headers: HTTPFields) throws {
        key = try Self.key(in: headers)
        let methodText = try Self.one(GatewayHeaders.originalMethod, GatewayHeaders.forwardedMethod, in: headers, keyed: key != nil)
        guard let method = GatewayMethod(methodText) else {
            throw Self.bad("X-Original-Method must be one of \(GatewayMethod.allCases.map(\.rawValue).joined(separator: ", ")), not '\(methodText.prefix(20))'.")
        }
        let uri = try Self.one(GatewayHeaders.originalURI, GatewayHeaders.forwardedURI, in: headers, keyed: key != nil)
        guard let path = GatewayPath.normalise(uri) else {
            throw Self.bad("X-Original-URI must be a path starting with '/' that stays below the root, without control characters or bad escapes.")
        }
        self.method = method
        self.path = path
    }

    /// The single value of `primary`, else of `fallback`; 400 when either is repeated, or both
    /// are absent and a key was presented (`keyed`); 401 when both are absent and none was.
    private static func one(_ primary: HTTPFields.Element.Name, _ fallback: HTTPFields.Element.Name, in headers: HTTPFields, keyed: Bool) throws -> String {
        for name in [primary, fallback] {
            let values = headers[values: name]
            if values.count > 1 { throw bad("\(name.rawName) must be sent once.") }
            if let value = values.first { return value }
        }
        guard keyed else { throw APIError.notAuthenticated }
        throw bad("\(primary.rawName) (or \(fallback.rawName)) is required.")
    }

    /// The key of `Authorization` or `X-API-Key`; 400 when either is repeated or both are sent
    /// and name different keys.
    private static func key(in headers: HTTPFields) throws -> String? {
        let authorization = headers[values: .authorization], apiKey = headers[values: GatewayHeaders.apiKey]
        guard authorization.count <= 1, apiKey.count <= 1 else { throw bad("Authorization and X-API-Key must each be sent at most once.") }
        let bearer = authorization.first.map { AuthenticationMiddleware<LatchkeyRequestContext>.bearerToken($0) ?? $0 }
        if let bearer, let other = apiKey.first, !ConstantTime.equals(bearer, other) {
            throw bad("Authorization and X-API-Key name different keys; send one.")
        }
        return bearer ?? apiKey.first
    }

    private static func bad(_ detail: String) -> APIError {
        APIError(.badRequest, detail: detail, code: "INVALID_HEADER")
    }
}
