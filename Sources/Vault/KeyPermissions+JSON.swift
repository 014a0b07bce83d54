import JSON
import Policy

/// A fine-grained key's `permissions` and `resources` (SPEC §15) as JSON: how they are stored
/// (`jsonb` columns), shown (verify, the presenting key) and read from fixtures.
extension KeyPermissions {
    /// Reads `permissions` (`{"surveys":["view","edit"]}`) and, if any, `resources`
    /// (`{"surveys":[12,40]}`); `VaultError.invalidInput` naming what is wrong. Type names are
    /// not checked here (``PolicyEngine/validate(_:)`` knows them).
    public init(permissions: JSONValue, resources: JSONValue?) throws(VaultError) {
        guard case .object(let verbObject) = permissions else {
            throw .invalidInput("permissions must be an object of verb lists, e.g. {\"surveys\":[\"view\"]}")
        }
        var verbs: [String: [String]] = [:]
        for (type, value) in verbObject {
            guard case .array(let items) = value else { throw .invalidInput("permissions.\(type) must be a list of verbs") }
            verbs[type] = try items.map { item throws(VaultError) in
                guard case .string(let verb) = item else { throw .invalidInput("permissions.\(type) must be a list of verbs") }
                return verb
            }
        }
        var ids: [String: [Int64]] = [:]
        if let resources, resources != .null {
            guard case .object(let idObject) = resources else {
                throw .invalidInput("resources must be an object of id lists, e.g. {\"surveys\":[12]}")
            }
            for (type, value) in idObject {
                guard case .array(let items) = value else { throw .invalidInput("resources.\(type) must be a list of ids") }
                ids[type] = try items.map { item throws(VaultError) in
                    guard case .number(let number) = item, let id = Int64(exactly: number), id > 0 else {
                        throw .invalidInput("resources.\(type) must be a list of positive integer ids")
                    }
                    return id
                }
            }
        }
        self = try .checked(verbs: verbs, ids: ids)
    }

    /// ``init(verbs:ids:)``, refusing as the vault does.
    public static func checked(verbs: [String: [String]], ids: [String: [Int64]]) throws(VaultError) -> KeyPermissions {
        do {
            return try KeyPermissions(verbs: verbs, ids: ids)
        } catch {
            throw .invalidInput(error.description)
        }
    }

    /// The stored columns' text, read back: checked when they were written.
    init(storedPermissions: String, resources: String?) throws {
        let permissions = try JSONValue.parse(storedPermissions.utf8)
        let resources = try resources.map { try JSONValue.parse($0.utf8) }
        try self.init(permissions: permissions, resources: resources)
    }

    /// `permissions` as JSON text: type → verbs, types and verbs in canonical order.
    public var permissionsJSON: String {
        var json = JSONWriter(capacity: 64)
        json.object { writePermissionMembers(to: &$0) }
        return String(decoding: json.bytes, as: UTF8.self)
    }

    /// `resources` as JSON text, or `nil` when no type selects objects.
    public var resourcesJSON: String? {
        guard selects else { return nil }
        var json = JSONWriter(capacity: 64)
        json.object { writeResourceMembers(to: &$0) }
        return String(decoding: json.bytes, as: UTF8.self)
    }

    /// Whether some type selects objects.
    public var selects: Bool { grants.contains { $0.selection != nil } }

    /// The members of the `permissions` object: type → verbs.
    func writePermissionMembers(to json: inout JSONWriter) {
        for grant in grants {
            json.key(grant.type)
            json.array(grant.capabilities.names)
        }
    }

    /// The members of the `resources` object: type → selected ids (types selecting none left out).
    func writeResourceMembers(to json: inout JSONWriter) {
        for grant in grants {
            guard let selection = grant.selection else { continue }
            json.key(grant.type)
            json.array(Array(selection.ids))
        }
    }
}

extension KeyRecord {
    /// Writes the members `permissions` and `resources` (SPEC §15) of the open object: each an
    /// object, or `null` — a key whose capabilities apply to every type, a key that selects no
    /// objects.
    public func writePermissionFields(to json: inout JSONWriter) {
        json.key("permissions")
        json.object(permissions) { json, permissions in permissions.writePermissionMembers(to: &json) }
        json.key("resources")
        json.object(permissions?.selects == true ? permissions : nil) { json, permissions in permissions.writeResourceMembers(to: &json) }
    }
}
