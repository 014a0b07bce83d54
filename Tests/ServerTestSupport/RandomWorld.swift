import HTTPTypes
import PluginKit
import Policy
import TestSupport

/// An object of a random world and where it lives.
public struct PlacedObject: Sendable {
    public var type: ResourceType
    /// The id its routes name it by (`{id}`, `{key}`).
    public var id: String
    /// The organisations it belongs to: one, none for a personal or global object, several for
    /// a person of the directory.
    public var organisations: Set<Int64>
    public var team: Int64?
    /// Whether every organisation sees it (a global dataset or template).
    public var global: Bool
    /// The integer id a fine-grained key's selection names it by (SPEC §15): ``id`` unless the
    /// routes name it otherwise (a dataset's key).
    public var selectionID: Int64?

    public init(_ type: ResourceType, id: String, organisations: Set<Int64>, team: Int64? = nil, global: Bool = false, selectionID: Int64? = nil) {
        (self.type, self.id, self.organisations, self.team, self.global) = (type, id, organisations, team, global)
        self.selectionID = selectionID ?? Int64(id)
    }

    /// Whether a key confined to `organisation` may see it.
    public func isVisible(from organisation: Int64) -> Bool { global || organisations.contains(organisation) }
}

/// The people, organisations and teams of a random world (``ServerWorld/randomMemberships(users:ownerChance:teamOrganisationChance:random:)``).
public struct RandomTenants: Sendable {
    public var users: [Int64]
    public var organisations: [Int64]
    public var teams: [Int64]
    /// The organisation of each team (`nil`: a team of no organisation).
    public var teamOrganisation: [Int64: Int64?]

    /// A team that fits `organisation` (the same one, or none for a personal object), half the time.
    public func team(for organisation: Int64?, _ random: inout SplitMix64) -> Int64? {
        let fitting = teams.filter { teamOrganisation[$0] == organisation }
        return random.chance(0.5) ? fitting.randomElement(using: &random) : nil
    }
}

/// A plugin's part in the random worlds of the tenant-isolation property: it seeds its objects
/// across the world's organisations and teams and says where each lives; the property then asks
/// every route the plugin registered, as the action it states, about every object of elsewhere.
///
/// Each plugin's conformance sits in its own file (`Plugins/`); a plugin of a test conforms
/// beside its definition. Mounted plugins that do not conform seed nothing.
public protocol RandomWorldPlugin: ResourcePlugin {
    /// Seeds this plugin's objects among `tenants`; returns where each lives.
    func seedRandomWorld(_ world: ServerWorld, _ tenants: RandomTenants, _ random: inout SplitMix64) async throws -> [PlacedObject]
    /// How a request about an object a key may not see is refused (SPEC: 403 or 404 per resource).
    var hiddenObjectStatuses: Set<HTTPResponse.Status> { get }
    /// The body of an update (`PUT`, `PATCH`) of an object of elsewhere.
    var updateBody: String { get }
    /// Checks of this plugin's own for a key (or session) confined to `home`, beyond what every
    /// action route is asked; returns how many requests were sent.
    func isolationChecks(_ caller: IsolatedCaller) async throws -> Int
}

/// A caller confined to one organisation of a random world, as the isolation property asks.
public struct IsolatedCaller: Sendable {
    public var world: ServerWorld
    public var tenants: RandomTenants
    public var objects: [PlacedObject]
    /// The organisation the caller's key is confined to.
    public var home: Int64
    /// The fine-grained permissions of the caller's key (SPEC §15), if any.
    public var permissions: KeyPermissions?
    /// Sends one request as the caller: `(uri, method, body)`.
    public var send: @Sendable (String, HTTPRequest.Method, String?) async throws -> Reply

    public init(world: ServerWorld, tenants: RandomTenants, objects: [PlacedObject], home: Int64, permissions: KeyPermissions? = nil,
                send: @escaping @Sendable (String, HTTPRequest.Method, String?) async throws -> Reply) {
        (self.world, self.tenants, self.objects, self.home, self.send) = (world, tenants, objects, home, send)
        self.permissions = permissions
    }

    /// Whether the caller's key may reach `object` at all: it lies in the home organisation (or
    /// is global), and the key's permissions name its type and, if they select objects of it,
    /// select it.
    public func reaches(_ object: PlacedObject) -> Bool {
        guard object.isVisible(from: home) else { return false }
        guard let permissions, let type = world.dependencies.engine.permissionType(of: object.type) else { return true }
        guard let grant = permissions.index(of: type) else { return false }
        return permissions.admits(object.selectionID, grant: grant)
    }

    /// Sends `method uri` (with `body`) as the caller.
    public func send(_ uri: String, _ method: HTTPRequest.Method = .get, body: String? = nil) async throws -> Reply {
        try await send(uri, method, body)
    }
}

extension RandomWorldPlugin {
    public var hiddenObjectStatuses: Set<HTTPResponse.Status> { [.forbidden, .notFound] }
    public var updateBody: String { "{}" }
    public func isolationChecks(_ caller: IsolatedCaller) async throws -> Int { 0 }
}

extension ServerWorld {
    /// Seeds `users` people in three organisations and three teams, then every mounted
    /// ``RandomWorldPlugin``'s objects, in mount order.
    public func randomWorld(
        users count: Int, ownerChance: Double, teamOrganisationChance: Double? = nil, random: inout SplitMix64
    ) async throws -> (tenants: RandomTenants, objects: [PlacedObject]) {
        let (users, organisations, teams) = try await randomMemberships(
            users: count, ownerChance: ownerChance, teamOrganisationChance: teamOrganisationChance, random: &random)
        let teamOrganisation = Dictionary(uniqueKeysWithValues: try await pool.query("SELECT id, organisation_id FROM teams").map {
            (try $0.decode(Int64.self, at: 0), try $0.decode(Int64?.self, at: 1))
        })
        let tenants = RandomTenants(users: users, organisations: organisations, teams: teams, teamOrganisation: teamOrganisation)
        var objects: [PlacedObject] = []
        for plugin in mounted.compactMap({ $0 as? any RandomWorldPlugin }) {
            objects += try await plugin.seedRandomWorld(self, tenants, &random)
        }
        return (tenants, objects)
    }

    /// The mounted plugin whose objects are of `type`.
    public func randomWorldPlugin(seeding type: ResourceType) -> (any RandomWorldPlugin)? {
        mounted.compactMap { $0 as? any RandomWorldPlugin }.first { plugin in
            plugin.policyRules.actions.contains { $0.resource == type }
        }
    }
}
