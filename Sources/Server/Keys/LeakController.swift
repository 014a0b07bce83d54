import Hummingbird
import JSON
import PluginKit
import Vault

/// `POST /v1/keys/revoke-leaked` (SPEC §2): anyone holding keys may kill them. No credentials;
/// throttled per address at the anonymous rate; always 202 `{"accepted": N}` with N the number
/// of strings received, so the answer never tells which were keys.
struct LeakController: Sendable {
    let vault: Vault
    let throttle: Throttle?

    static let limit = 1_000

    func register(on routes: RouteTable<LatchkeyRequestContext>) {
        routes.on("/v1/keys/revoke-leaked", method: .post, .public, documented: CoreOpenAPI.operation("revokeLeaked"),
                  through: ThrottleMiddleware.perCaller(throttle)) { request, context -> Response in
            let body = try await JSONObjectBody.read(from: request, allowed: ["credentials"], limit: 256 << 10)
            try body.require("credentials")
            var credentials: [String] = []
            try body.strings("credentials", into: &credentials, maxCount: Self.limit, maxLength: 1_000)
            guard !credentials.isEmpty else { throw JSONBody.invalid("'credentials' must hold 1 to \(Self.limit) strings") }
            try await vault.revokeLeaked(credentials.map { Vault.Leak($0) }, source: "revoke-leaked", ip: context.clientIP)
            var json = JSONWriter(capacity: 32)
            json.object { json in json.field("accepted", credentials.count) }
            return .json(body: json.buffer, status: .accepted)
        }
    }
}
