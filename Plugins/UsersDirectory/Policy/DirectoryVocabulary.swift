import Policy

extension ResourceType {
    /// The users of an organisation's directory.
    public static let user: ResourceType = "user"
}

extension Action {
    /// `user.list`
    public static let userList = Action(.user, .list)
    /// `user.retrieve`
    public static let userRetrieve = Action(.user, .retrieve)
    /// `user.create` (directory write; not in the SPEC §6 list, needs `superuser`).
    public static let userCreate = Action(.user, .create)
    /// `user.update` (directory write; not in the SPEC §6 list, needs `superuser`).
    public static let userUpdate = Action(.user, .update)
    /// `user.delete` (directory write; not in the SPEC §6 list, needs `superuser`).
    public static let userDelete = Action(.user, .delete)
}

extension Resource {
    /// A user in the organisation directory.
    @inlinable
    public static func user(_ facts: DirectoryUserFacts) -> Resource { .object(facts) }
}
