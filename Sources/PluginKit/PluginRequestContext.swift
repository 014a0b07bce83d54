import Hummingbird
import Vault

/// A request context that carries the authenticated caller.
///
/// The server's context conforms; plugins are generic over it, so they never depend on `Server`.
public protocol PluginRequestContext: RequestContext {
    /// The caller, set by the authentication middleware before any plugin route runs.
    var caller: Caller { get set }
    /// The client's IP address as the server trusts it (see the server's proxy settings), for
    /// throttling and audit; `nil` when unknown.
    var clientIP: String? { get set }
    /// The same address read as one (no text in between), for the IP-allowlist check.
    var clientAddress: IPAddress? { get }
}
