import Hummingbird
import PluginKit

/// What the console needs of a request context: the client's address as the server trusts it
/// (for audit and lock-out) and the connection's peer (for the cookie's `Secure` flag).
public protocol ConsoleRequestContext: PluginRequestContext, RemoteAddressRequestContext {}
