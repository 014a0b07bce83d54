import Hummingbird
import PluginKit
import Vault

/// The request context of the Latchkey API: Hummingbird's core storage plus the caller the
/// authentication middleware established (anonymous until then).
public struct LatchkeyRequestContext: PluginRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var caller: Caller
    /// The backend service calling the decision API, once authenticated.
    public var service: ServiceCredential?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        caller = .anonymous
        service = nil
    }
}
