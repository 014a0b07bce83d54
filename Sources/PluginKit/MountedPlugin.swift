/// A plugin as mounted: one set of live parts (repository, read cache) behind both its routes
/// and its decision-API resolvers, so the two share warm entries and judge the same facts.
///
/// Made by ``ResourcePlugin/mount(dependencies:)``.
public protocol MountedPlugin: Sendable {
    /// Registers this plugin's routes, each stating the action it performs and its OpenAPI
    /// operation (``RouteTable/on(_:method:_:documented:through:use:)``).
    ///
    /// Called once while the router is built, behind the authentication middleware: every
    /// handler sees the caller in `context.caller`. Must not start tasks or do I/O. A route
    /// parameter named `{id}` is an integer object id: a path whose `id` is anything else answers
    /// 404 before credentials are checked (name other parameters otherwise, e.g. `{key}`).
    func registerRoutes<Context: PluginRequestContext>(on routes: RouteTable<Context>)

    /// The resolvers through which the decision API learns this plugin's objects (default: none).
    var resourceResolvers: [any ResourceResolver] { get }
}

extension MountedPlugin {
    public var resourceResolvers: [any ResourceResolver] { [] }
}
