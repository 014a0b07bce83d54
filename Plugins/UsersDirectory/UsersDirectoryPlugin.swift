import PluginKit
import Policy
import UsersDirectoryPolicy
import Vault

/// The organisation user directory (SPEC §4 Users): list and retrieve the users of the key's
/// organisation; with a `superuser` key, add, edit and remove them.
///
/// Tables: the core `users`, `organisations` and `organisation_memberships` (no migrations of
/// its own). Rules: ``UsersDirectoryRules``.
public struct UsersDirectoryPlugin: ResourcePlugin {
    public init() {}

    public var name: String { "users" }

    public var policyRules: any PolicyRules { UsersDirectoryRules() }

    /// This plugin's part of the OpenAPI document (`openapi.json` in this folder).
    static let openAPI = OpenAPIPart(json: embeddedOpenAPI)

    public var openAPITag: OpenAPIFragment { Self.openAPI["tag"] }

    public var openAPIComponents: OpenAPIFragment { Self.openAPI["components"] }

    public func mount(dependencies: PluginDependencies) -> any MountedPlugin {
        MountedUsersDirectory(
            repository: UsersDirectoryRepository(pool: dependencies.pool, changes: dependencies.tableChanges),
            engine: dependencies.engine, vault: dependencies.vault)
    }
}

/// The users-directory plugin as mounted: one repository behind its routes and its resolver.
struct MountedUsersDirectory: MountedPlugin {
    let repository: UsersDirectoryRepository
    let engine: PolicyEngine
    let vault: Vault

    func registerRoutes<Context: PluginRequestContext>(on routes: RouteTable<Context>) {
        UsersDirectoryController<Context>(repository: repository, engine: engine, vault: vault).register(on: routes)
    }

    var resourceResolvers: [any ResourceResolver] { [UsersDirectoryResolver(repository: repository)] }
}
