import PluginKit
import Policy
import UsersDirectoryPolicy

/// The organisation user directory (SPEC §4 Users): list and retrieve the users of the key's
/// organisation; with a `superuser` key, add, edit and remove them.
///
/// Tables: the core `users`, `organisations` and `organisation_memberships` (no migrations of
/// its own). Rules: ``UserDirectoryRules``.
public struct UsersDirectoryPlugin: ResourcePlugin {
    public init() {}

    public var name: String { "users" }

    public var policyRules: any PolicyRules { UserDirectoryRules() }

    /// This plugin's part of the OpenAPI document (`openapi.json` in this folder).
    static let openAPI = OpenAPIPart(json: embeddedOpenAPI)

    public var openAPITag: OpenAPIFragment { Self.openAPI["tag"] }

    public var openAPIComponents: OpenAPIFragment { Self.openAPI["components"] }

    public func registerRoutes<Context: PluginRequestContext>(on routes: RouteTable<Context>, dependencies: PluginDependencies) {
        DirectoryUserController<Context>(
            repository: DirectoryUserRepository(pool: dependencies.pool, changes: dependencies.tableChanges), engine: dependencies.engine,
            vault: dependencies.vault)
            .register(on: routes)
    }

    public func resourceResolvers(dependencies: PluginDependencies) -> [any ResourceResolver] {
        [DirectoryUserResolver(repository: DirectoryUserRepository(pool: dependencies.pool))]
    }
}
