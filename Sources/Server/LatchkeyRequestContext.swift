import Console
import Hummingbird
import NIOCore
import PluginKit
import Vault

/// The request context of the Latchkey API: Hummingbird's core storage plus the caller the
/// authentication middleware established (anonymous until then).
public struct LatchkeyRequestContext: ConsoleRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var caller: Caller
    /// The peer's address unless a trusted proxy named another (formatted only when asked for).
    public var clientIP: String? {
        get { forwardedClientIP ?? remoteAddress?.ipAddress }
        set { forwardedClientIP = newValue }
    }
    private var forwardedClientIP: String?
    /// The same address, read without formatting the peer's as text (the allowlist check).
    public var clientAddress: IPAddress? {
        if let forwardedClientIP { return IPAddress(forwardedClientIP) }
        switch remoteAddress {
        case .v4(let peer): return IPAddress(ipv4: peer.address.sin_addr)
        case .v6(let peer): return IPAddress(ipv6: peer.address.sin6_addr)
        default: return nil
        }
    }
    /// The backend service calling the decision API, once authenticated.
    public var service: ServiceCredential?
    /// The peer of the connection (a proxy, when there is one in front).
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        caller = .anonymous
        service = nil
        remoteAddress = source.channel.remoteAddress
        forwardedClientIP = nil
    }
}
