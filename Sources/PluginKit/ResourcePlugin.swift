import Fixtures
import Policy

/// A resource plugin: one kind of resource served under `/api/`, with its own tables, rules,
/// routes, OpenAPI fragment and fixture section.
///
/// A plugin is one folder under `Plugins/` (its rules in `Policy/`, a target depending on `Policy`
/// alone), its SQL migrations under `db/<migrationsFolder>`, and one line where the executable
/// lists its plugins. The server builds the ``PolicyEngine`` from every plugin's ``policyRules``
/// and mounts every plugin's routes; nothing in `Server/` or `Policy/` names a plugin.
public protocol ResourcePlugin: Sendable {
    /// A short lower-case name, e.g. `surveys`.
    var name: String { get }

    /// The folder of `db/` holding this plugin's migrations (default: ``name``); `latchkey
    /// migrate` applies `core/` and the folders of the registered plugins, nothing else.
    var migrationsFolder: String { get }

    /// The authorization rules for this plugin's actions; registered with the shared engine.
    var policyRules: any PolicyRules { get }

    /// Registers this plugin's routes, each stating the action it performs and its OpenAPI
    /// operation (``RouteTable/on(_:method:_:documented:through:use:)``).
    ///
    /// Called once while the router is built, behind the authentication middleware: every
    /// handler sees the caller in `context.caller`. Must not start tasks or do I/O. A route
    /// parameter named `{id}` is an integer object id: a path whose `id` is anything else answers
    /// 404 before credentials are checked (name other parameters otherwise, e.g. `{key}`).
    func registerRoutes<Context: PluginRequestContext>(on routes: RouteTable<Context>, dependencies: PluginDependencies)

    /// The resolvers through which the decision API learns this plugin's objects (default: none).
    func resourceResolvers(dependencies: PluginDependencies) -> [any ResourceResolver]

    /// The OpenAPI tag of this plugin's operations (`{"name","description"}`); each operation
    /// travels with its route (``RouteTable/on(_:method:_:documented:through:use:)``).
    var openAPITag: OpenAPIFragment { get }

    /// The OpenAPI components (`schemas`, `parameters`, …) this plugin's operations refer to.
    var openAPIComponents: OpenAPIFragment { get }

    /// This plugin's section of the fixture file `latchkey import` loads (default: none).
    var fixtureSection: (any FixtureSection)? { get }
}

extension ResourcePlugin {
    public var migrationsFolder: String { name }

    public func resourceResolvers(dependencies: PluginDependencies) -> [any ResourceResolver] { [] }

    public var fixtureSection: (any FixtureSection)? { nil }
}
