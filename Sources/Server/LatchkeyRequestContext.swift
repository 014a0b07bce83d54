import Hummingbird
import PluginKit

/// The request context of the Latchkey API: Hummingbird's core storage plus the caller the
/// authentication middleware established (anonymous until then).
public struct LatchkeyRequestContext: PluginRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var caller: Caller

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        caller = .anonymous
    }
}
