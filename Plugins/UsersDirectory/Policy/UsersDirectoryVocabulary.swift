import Policy

extension ResourceType {
    /// The users of an organisation's directory.
    public static let user: ResourceType = "user"
}

extension Action {
    /// `user.list`, `user.retrieve` (SPEC §6), and the directory writes `user.create`,
    /// `user.update`, `user.delete` (not in the SPEC §6 list; they need `superuser`).
    public static let userList = Action(.user, .list), userRetrieve = Action(.user, .retrieve),
        userCreate = Action(.user, .create), userUpdate = Action(.user, .update), userDelete = Action(.user, .delete)
}

extension Resource {
    /// A user in the organisation directory.
    @inlinable
    public static func user(_ facts: UsersDirectoryFacts) -> Resource { .object(facts) }
}
