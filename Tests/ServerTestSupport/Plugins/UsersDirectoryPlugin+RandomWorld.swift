import Foundation
import HTTPTypes
import TestSupport
import UsersDirectory

/// The directory's objects are the world's people, each in the organisations they hold a role
/// in or own: nothing to insert. A person of elsewhere is not in the directory (404), or the
/// key's user left its organisation (403).
extension UsersDirectoryPlugin: RandomWorldPlugin {
    public func seedRandomWorld(_ world: ServerWorld, _ tenants: RandomTenants, _ random: inout SplitMix64) async throws -> [PlacedObject] {
        let (roles, owned) = try await world.organisationsByUser()
        return tenants.users.map { user in
            PlacedObject(.user, id: String(user), organisations: Set(roles[user, default: []] + owned[user, default: []]))
        }
    }

    public var updateBody: String { #"{"first_name":"taken"}"# }
}
