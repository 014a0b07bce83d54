import PluginKit
import Policy
import UsersDirectoryPolicy

/// A user's organisation role in the directory's writes.
enum UsersDirectoryRole: String, CaseIterable, Sendable {
    case admin, creator, viewer
}

/// The writable fields of a directory user (SPEC §4 Users), read from a request body onto
/// defaults (create) or onto the stored user (`PUT`, `PATCH`). `role` is the user's role in the
/// key's organisation; `username` is fixed once created.
struct UsersDirectoryDraft: Sendable, WriteDraft {
    var username = ""
    var email = ""
    var firstName = ""
    var lastName = ""
    var isActive = true
    /// `nil` for the organisation's owner without a membership.
    var role: UsersDirectoryRole? = .viewer

    /// Every field a body may carry (`username` only on create).
    static let fields: Set<String> = ["username", "email", "first_name", "last_name", "is_active", "role"]

    init() {}

    init(_ user: UsersDirectoryRecord) {
        username = user.username
        email = user.email
        firstName = user.firstName
        lastName = user.lastName
        isActive = user.isActive
        role = user.role.flatMap(UsersDirectoryRole.init(rawValue:))
    }

    /// Applies the fields `body` carries; 400 naming the first bad one.
    mutating func apply(_ body: JSONObjectBody) throws {
        try body.string("username", into: &username, maxLength: 150, matching: Self.isUsername,
                        problem: "must be 1 to 150 letters, digits and @ . + - _")
        try body.string("email", into: &email, maxLength: 254, matching: Self.isEmail, problem: "must be an email address")
        try body.string("first_name", into: &firstName, maxLength: 150)
        try body.string("last_name", into: &lastName, maxLength: 150)
        try body.bool("is_active", into: &isActive)
        if body.contains("role") {
            var chosen = role ?? .viewer
            try body.choice("role", into: &chosen)
            role = chosen
        }
    }

    /// What this draft changes compared with `stored` (for `UsersDirectoryRules`).
    func changes(from stored: UsersDirectoryDraft) -> UsersDirectoryChanges {
        var changes: UsersDirectoryChanges = []
        if role != stored.role { changes.insert(.role) }
        if isActive != stored.isActive { changes.insert(.activity) }
        if email != stored.email || firstName != stored.firstName || lastName != stored.lastName { changes.insert(.profile) }
        return changes
    }

    /// Django's username characters.
    static func isUsername(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "@.+-_".unicodeScalars.contains($0) }
    }

    /// One `@` with text on both sides, no spaces.
    static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !text.contains(where: \.isWhitespace)
    }
}
