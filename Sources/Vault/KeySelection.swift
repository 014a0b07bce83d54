import Policy

/// Finds the objects an issuer selects for a fine-grained key (SPEC §15 `resources`): the
/// vault knows no resource type, the plugins' resolvers do (PluginKit's
/// `ResolverSelectionLookup`).
public protocol KeySelectionLookup: Sendable {
    /// The objects of permission type `type` that `references` name (integer ids; survey ids or
    /// slugs; dataset keys), in order, with the roles user `userID` holds in each: `nil` where a
    /// reference names nothing. `nil` overall when no resource type goes by that name.
    func objects(_ type: String, references: [String], userID: Int64) async throws -> [Resource?]?
}

/// The objects a request selects, looked up before the issuance's transaction (so a lookup
/// never waits for a connection that transaction holds); judged inside it, once the key's
/// confinement is known.
struct SelectedObjects: Sendable {
    /// Per permission type, each reference with the object it names.
    var byType: [(type: String, objects: [(reference: String, facts: Resource?)])]

    /// Looks up `references` through `lookup` as user `userID` sees them.
    static func lookUp(_ references: [String: [String]], through lookup: (any KeySelectionLookup)?, userID: Int64) async throws -> SelectedObjects {
        guard let lookup else { throw VaultError.invalidInput("resources cannot be selected here") }
        var byType: [(String, [(String, Resource?)])] = []
        for type in references.keys.sorted() {
            let named = references[type] ?? []
            guard let objects = try await lookup.objects(type, references: named, userID: userID) else {
                throw VaultError.invalidInput(KeyPermissionsError.unknownTypes([type]).description)
            }
            byType.append((type, Array(zip(named, objects))))
        }
        return SelectedObjects(byType: byType)
    }

    /// The ids selected per type, once every object is one that `key` (the key's user, with the
    /// key's confinement) can see (`<type>.retrieve` on their roles alone); otherwise
    /// `VaultError.invalidInput` naming every reference it cannot see (or that names nothing).
    func ids(visibleTo key: UserPrincipal, engine: PolicyEngine) throws -> [String: [Int64]] {
        var viewer = key
        viewer.permissions = nil
        viewer.capabilities = .view
        var ids: [String: [Int64]] = [:]
        var invisible: [String] = []
        for (type, objects) in byType {
            var selected: [Int64] = []
            for (reference, resource) in objects {
                guard let facts = resource?.facts, let id = facts.objectID,
                      engine.decide(.user(viewer), Action(facts.resourceType, .retrieve), object: facts).isAllowed
                else {
                    invisible.append("\(type) \(reference)")
                    continue
                }
                selected.append(id)
            }
            ids[type] = selected
        }
        guard invisible.isEmpty else {
            throw VaultError.invalidInput("these resources are not visible to the key's user: \(invisible.joined(separator: ", "))")
        }
        return ids
    }
}
