/// What a fine-grained key may do, type by type (SPEC §15): for each permission type it names
/// (the name a rule set has in a key's `permissions`, e.g. `surveys`), a capability mask and,
/// optionally, the objects of that type it is limited to.
///
/// A key without permissions (``UserPrincipal/permissions`` `nil`) applies its capabilities to
/// every type. A key with permissions is refused any type it does not name (`DENY_CAPABILITY`),
/// and on a type it names acts with its capabilities narrowed to that type's mask; a selection
/// admits only the selected objects, and no create (``PolicyEngine``).
///
/// Grants are a small array scanned linearly, so a lookup on the decision path never allocates.
public struct KeyPermissions: Sendable, Hashable {
    /// One permission type's grant.
    public struct Grant: Sendable, Hashable {
        /// The permission type, e.g. `surveys`.
        public let type: String
        /// ``type`` packed for comparison on the decision path.
        @usableFromInline let key: PermissionTypeKey
        /// The verbs the key holds on that type.
        public var capabilities: Capabilities
        /// The objects of that type the key is limited to; `nil` for every object.
        public var selection: IDSet?

        public init(type: String, capabilities: Capabilities, selection: IDSet? = nil) {
            self.type = type
            self.key = PermissionTypeKey(type)
            self.capabilities = capabilities
            self.selection = selection
        }
    }

    /// The grants, one per type, sorted by type.
    public private(set) var grants: ContiguousArray<Grant>

    /// Permissions made of `grants`; a later grant of the same type replaces an earlier one.
    public init<S: Sequence>(_ grants: S) where S.Element == Grant {
        var byType: [String: Grant] = [:]
        for grant in grants { byType[grant.type] = grant }
        self.grants = ContiguousArray(byType.values.sorted { $0.type < $1.type })
    }

    /// No type at all: a key that reaches nothing.
    public init() { grants = [] }

    /// The grant for permission type `type`, or `nil` when the key does not name it.
    public func grant(for type: String) -> Grant? {
        index(of: type).map { grants[$0] }
    }

    /// The index in ``grants`` of `type`'s grant, or `nil` when the key does not name it.
    public func index(of type: String) -> Int? {
        index(of: PermissionTypeKey(type), type)
    }

    /// The index in ``grants`` of the grant of `type`, packed as `key`: two integer comparisons
    /// per grant (comparing unequal strings costs more than the rest of a decision).
    @inlinable
    func index(of key: PermissionTypeKey, _ type: String) -> Int? {
        grants.withUnsafeBufferPointer { buffer -> Int? in
            for index in buffer.indices where buffer[index].key == key {
                if key.isExact || buffer[index].type == type { return index }
            }
            return nil
        }
    }

    /// The index in ``grants`` of the grant whose packed type is `key`, a whole name
    /// (``PermissionTypeKey/isExact``): integer comparisons only.
    @inlinable
    func index(exactly key: PermissionTypeKey) -> Int? {
        grants.withUnsafeBufferPointer { buffer -> Int? in
            for index in buffer.indices where buffer[index].key == key { return index }
            return nil
        }
    }

    /// Whether grant `index` selects objects; never copies the selection.
    @inlinable
    func selects(grant index: Int) -> Bool {
        grants.withUnsafeBufferPointer { $0[index].selection != nil }
    }

    /// The verbs grant `index` holds.
    @inlinable
    func capabilities(grant index: Int) -> Capabilities {
        grants.withUnsafeBufferPointer { $0[index].capabilities }
    }

    /// Whether grant `index` selects objects, and if so whether `id` is among them; never
    /// copies the selection.
    @inlinable
    public func admits(_ id: Int64?, grant index: Int) -> Bool {
        grants.withUnsafeBufferPointer { buffer -> Bool in
            guard let selection = buffer[index].selection else { return true }
            guard let id else { return false }
            return selection.contains(id)
        }
    }

    /// The permission types named, sorted.
    public var types: [String] { grants.map(\.type) }

    /// Every verb granted on some type: what a key with these permissions holds as its
    /// ``UserPrincipal/capabilities`` (the engine narrows them to each type's mask).
    public var union: Capabilities {
        grants.reduce(into: Capabilities.none) { $0.formUnion($1.capabilities) }
    }
}

/// Why ``KeyPermissions/init(verbs:ids:)`` refused its input.
public enum KeyPermissionsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A verb that is not a capability, with its type.
    case unknownVerb(type: String, verb: String)
    /// A type with no verbs.
    case noVerbs(type: String)
    /// A selection for a type the permissions do not name.
    case selectionWithoutPermission(type: String)
    /// An empty selection (it would admit nothing; name no selection instead, or drop the type).
    case emptySelection(type: String)
    /// Types no registered rule set answers (``PolicyEngine/permissionTypes``).
    case unknownTypes([String])
    /// More than ``KeyPermissions/selectionLimit`` objects of one type.
    case tooManySelected(type: String)

    public var description: String {
        switch self {
        case .unknownVerb(let type, let verb):
            return "Unknown permission '\(verb)' for \(type); expected view, add, edit, delete or superuser."
        case .noVerbs(let type): return "The permission for \(type) names no verb."
        case .selectionWithoutPermission(let type): return "Resources of \(type) are selected, but the key has no permission for \(type)."
        case .emptySelection(let type): return "The selection of \(type) is empty."
        case .unknownTypes(let types): return "Unknown permission type(s): \(types.joined(separator: ", "))."
        case .tooManySelected(let type): return "At most \(KeyPermissions.selectionLimit) resources of \(type) may be selected."
        }
    }
}

extension KeyPermissions {
    /// The most objects of one type a key may select (a key that needs more should reach the
    /// objects through a role instead).
    public static let selectionLimit = 1000

    /// Parses SPEC §15's `permissions` (`{"surveys":["view","edit"]}`) and `resources`
    /// (`{"surveys":[12,40]}`). Type names are not checked here: see
    /// ``PolicyEngine/validate(_:)``.
    public init(verbs: [String: [String]], ids: [String: [Int64]] = [:]) throws(KeyPermissionsError) {
        var grants: [Grant] = []
        for type in verbs.keys.sorted() {
            let names = verbs[type] ?? []
            guard !names.isEmpty else { throw .noVerbs(type: type) }
            var mask = Capabilities.none
            for name in names {
                guard let capability = Capability(rawValue: name) else { throw .unknownVerb(type: type, verb: name) }
                mask.insert(Capabilities(capability))
            }
            grants.append(Grant(type: type, capabilities: mask))
        }
        for type in ids.keys.sorted() {
            guard let index = grants.firstIndex(where: { $0.type == type }) else {
                throw .selectionWithoutPermission(type: type)
            }
            let selected = ids[type] ?? []
            guard !selected.isEmpty else { throw .emptySelection(type: type) }
            guard selected.count <= Self.selectionLimit else { throw .tooManySelected(type: type) }
            grants[index].selection = IDSet(selected)
        }
        self.init(grants)
    }

    /// The `permissions` object: type → verbs in canonical order.
    public var verbs: [String: [String]] {
        Dictionary(uniqueKeysWithValues: grants.map { ($0.type, $0.capabilities.names) })
    }

    /// The `resources` object: type → selected ids, ascending (types without a selection left out).
    public var ids: [String: [Int64]] {
        Dictionary(uniqueKeysWithValues: grants.compactMap { grant in
            grant.selection.map { (grant.type, Array($0.ids)) }
        })
    }
}

extension Decision {
    /// The refusal of a type a fine-grained key does not name (SPEC §15). The reason names no
    /// type, so it stays a static string (a decision allocates nothing).
    public static let noPermission = Decision.deny(
        .denyCapability, "The key has no permission for this resource type.")

    /// The refusal of an object outside a fine-grained key's selection (SPEC §15): not visible.
    public static let notSelected = Decision.deny(
        .denyNotSelected, "The object is not among the resources selected for the key.")

    /// The refusal of a create on a type whose objects the key selects (a new object is not
    /// among them).
    public static let createOutsideSelection = Decision.deny(
        .denyCapability, "The key is limited to selected resources of this type and cannot create one.")
}

/// A permission type's name packed into two words: its first 15 UTF-8 bytes and its length.
/// Equal names have equal keys; a name of at most 15 bytes is equal exactly when its key is.
@usableFromInline
struct PermissionTypeKey: Sendable, Hashable {
    @usableFromInline let low: UInt64
    @usableFromInline let high: UInt64

    @usableFromInline
    init(_ name: String) {
        var bytes = [UInt8](repeating: 0, count: 16)
        var count = 0
        for byte in name.utf8 {
            if count < 15 { bytes[count] = byte }
            count += 1
        }
        bytes[15] = UInt8(min(count, 255))
        var low: UInt64 = 0, high: UInt64 = 0
        for index in 0..<8 {
            low |= UInt64(bytes[index]) << (8 * index)
            high |= UInt64(bytes[8 + index]) << (8 * index)
        }
        self.low = low
        self.high = high
    }

    /// Whether the key holds the whole name (at most 15 bytes).
    @inlinable
    var isExact: Bool { high >> 56 <= 15 }
}
