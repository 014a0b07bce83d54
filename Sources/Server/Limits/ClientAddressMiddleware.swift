import Foundation
import Hummingbird
import NIOCore
import PluginKit

/// SPEC §7 (limits per client address): sets the client IP from `X-Forwarded-For`, but only when
/// the connection comes from one of the configured proxies (`LATCHKEY_TRUSTED_PROXIES`);
/// otherwise the header is ignored and the peer address stands, so a client cannot choose its
/// own throttling bucket.
///
/// The forwarded chain is read from the right, skipping trusted proxies; the first other
/// address is the client. A malformed entry ends the walk at the last address trusted.
struct ClientAddressMiddleware<Context: PluginRequestContext & RemoteAddressRequestContext>: RouterMiddleware {
    /// Proxy addresses in canonical text form.
    let trustedProxies: Set<String>

    init(trustedProxies: [String]) {
        self.trustedProxies = Set(trustedProxies.compactMap(Self.canonical))
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let peer = context.remoteAddress?.ipAddress, trustedProxies.contains(peer) else {
            return try await next(request, context)
        }
        var context = context
        context.clientIP = clientAddress(peer: peer, forwarded: request.headers[values: HeaderName.forwardedFor])
        return try await next(request, context)
    }

    /// The client behind the trusted `peer`, given the `X-Forwarded-For` values in order.
    func clientAddress(peer: String, forwarded: [String]) -> String {
        let hops = forwarded.flatMap { $0.split(separator: ",") }
        var client = peer
        for hop in hops.reversed() {
            guard let address = Self.canonical(String(hop)) else { break }
            client = address
            if !trustedProxies.contains(address) { break }
        }
        return client
    }

    /// An IP address in the form `SocketAddress` prints it, or `nil` if `text` is not one.
    static func canonical(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return (try? SocketAddress(ipAddress: trimmed, port: 0))?.ipAddress
    }
}
