import Fixtures
import Policy

/// A resource plugin: one kind of resource served under `/api/`, with its own tables, rules,
/// routes, OpenAPI fragment and fixture section.
///
/// A plugin is one folder under `Plugins/` (its rules in `Policy/`, a target depending on `Policy`
/// alone), its SQL migrations under `db/<migrationsFolder>`, and one line where the executable
/// lists its plugins. The server builds the ``PolicyEngine`` from every plugin's ``policyRules``
/// and mounts every plugin once (``mount(dependencies:)``): its routes and its decision-API
/// resolvers share what that builds. Nothing in `Server/` or `Policy/` names a plugin.
public protocol ResourcePlugin: Sendable {
    /// A short lower-case name, e.g. `surveys`.
    var name: String { get }

    /// The folder of `db/` holding this plugin's migrations (default: ``name``); `latchkey
    /// migrate` applies `core/` and the folders of the registered plugins, nothing else.
    var migrationsFolder: String { get }

    /// The authorization rules for this plugin's actions; registered with the shared engine.
    var policyRules: any PolicyRules { get }

    /// Builds this plugin's live parts once: its repository (and with it its one read cache),
    /// which serves both its routes and its decision-API resolvers.
    ///
    /// Called once per router the server builds, before any route is registered. Must not start
    /// tasks or do I/O; caches it makes evict through ``PluginDependencies/tableChanges``.
    func mount(dependencies: PluginDependencies) -> any MountedPlugin

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

    public var fixtureSection: (any FixtureSection)? { nil }
}
