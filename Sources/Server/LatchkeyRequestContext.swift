import Hummingbird
import NIOCore
import PluginKit
import Vault

/// The request context of the Latchkey API: Hummingbird's core storage plus the caller the
/// authentication middleware established (anonymous until then).
public struct LatchkeyRequestContext: PluginRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var caller: Caller
    public var clientIP: String?
    /// The backend service calling the decision API, once authenticated.
    public var service: ServiceCredential?
    /// The peer of the connection (a proxy, when there is one in front).
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        caller = .anonymous
        service = nil
        remoteAddress = source.channel.remoteAddress
        clientIP = remoteAddress?.ipAddress
    }
}
