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

    func register(on routes: PluginRoutes<LatchkeyRequestContext>) {
        routes.document(.post, "/v1/keys/revoke-leaked", CoreOpenAPI.operation("revokeLeaked"))
        let leaks = routes.group("/v1/keys/revoke-leaked")
        if let throttle { leaks.add(middleware: ThrottleMiddleware(throttle: throttle, scope: .caller)) }
        leaks.post { request, context -> Response in
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
