/// One capability an API key may carry (SPEC §1).
public enum Capability: String, Sendable, Hashable, CaseIterable, Codable {
    /// Read resources.
    case view
    /// Create resources.
    case add
    /// Update resources.
    case edit
    /// Delete resources.
    case delete
    /// Manage the organisation's user directory.
    case superuser
}

extension Capability {
    /// The session role name for this capability (SPEC §5), e.g. `Apikey_view`.
    public var roleName: String {
        switch self {
        case .view: return "Apikey_view"
        case .add: return "Apikey_add"
        case .edit: return "Apikey_edit"
        case .delete: return "Apikey_delete"
        case .superuser: return "Apikey_superuser"
        }
    }

    /// The denial reason when a key lacks this capability, worded as SPEC §4 requires.
    @usableFromInline
    var missingReason: StaticString {
        switch self {
        case .view: return "API key lacks the 'view' capability."
        case .add: return "API key lacks the 'add' capability."
        case .edit: return "API key lacks the 'edit' capability."
        case .delete: return "API key lacks the 'delete' capability."
        case .superuser: return "API key lacks the 'superuser' capability."
        }
    }
}
