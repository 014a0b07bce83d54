import Foundation
import Hummingbird
import NIOCore
import PluginKit
import Vault

/// SPEC §7 (client addresses behind proxies): sets the client IP from `X-Forwarded-For`, but
/// only when the connection comes from a configured proxy (`LATCHKEY_TRUSTED_PROXIES`: IPv4 or
/// IPv6 addresses and CIDR ranges, since a Kubernetes ingress has no fixed address); otherwise
/// the header is ignored and the peer address stands, so a client cannot choose its own
/// throttling bucket, allowlist verdict or audited address.
///
/// The forwarded chain is read from the right, skipping trusted proxies; the first other
/// address is the client (when every hop is a proxy, the leftmost). A malformed entry ends the
/// walk at the last address trusted.
struct ClientAddressMiddleware<Context: PluginRequestContext & RemoteAddressRequestContext>: RouterMiddleware {
    /// The trusted proxies, as ranges (a bare address is a range of one).
    let trustedProxies: [AddressRange]

    /// - Parameter trustedProxies: addresses or CIDR ranges; `latchkey serve` refuses any other
    ///   entry at start-up, so one that is no range here is only ever a test's, and is skipped.
    init(trustedProxies: [String]) {
        self.trustedProxies = trustedProxies.compactMap { AddressRange($0.trimmingCharacters(in: .whitespaces)) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let peer = Self.address(of: context.remoteAddress), isTrusted(peer), let peerText = context.remoteAddress?.ipAddress else {
            return try await next(request, context)
        }
        var context = context
        context.clientIP = clientAddress(peer: peerText, forwarded: request.headers[values: HeaderName.forwardedFor])
        return try await next(request, context)
    }

    /// Whether `address` lies in one of the trusted ranges.
    func isTrusted(_ address: IPAddress) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }

    /// The client behind the trusted `peer`, given the `X-Forwarded-For` values in order.
    func clientAddress(peer: String, forwarded: [String]) -> String {
        let hops = forwarded.flatMap { $0.split(separator: ",") }
        var client = peer
        for hop in hops.reversed() {
            guard let address = Self.canonical(String(hop)), let parsed = IPAddress(address) else { break }
            client = address
            if !isTrusted(parsed) { break }
        }
        return client
    }

    /// The peer's address, read without formatting it as text.
    static func address(of peer: SocketAddress?) -> IPAddress? {
        switch peer {
        case .v4(let peer): IPAddress(ipv4: peer.address.sin_addr)
        case .v6(let peer): IPAddress(ipv6: peer.address.sin6_addr)
        default: nil
        }
    }

    /// An IP address in the form `SocketAddress` prints it, or `nil` if `text` is not one.
    static func canonical(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return (try? SocketAddress(ipAddress: trimmed, port: 0))?.ipAddress
    }
}
