/// One `{"user","role"}` entry of an organisation's, team's or survey's `members`.
public struct FixtureMember: Sendable {
    static let fields = ["user", "role"]

    public let item: String
    public let user: String
    public let role: String

    /// Reads the `members` list of `parent`; a user listed twice is an error.
    ///
    /// `role` defaults to `viewer`, the least privileged role of every membership kind.
    public static func list(in parent: FixtureFieldReader, roles: [String], catalog: FixtureCatalog) throws(FixtureError) -> [FixtureMember] {
        var members: [FixtureMember] = []
        for (index, value) in try parent.items("members").enumerated() {
            let fields = try FixtureFieldReader(value, item: "\(parent.item).members[\(index)]", fields: fields)
            let member = FixtureMember(
                item: fields.item,
                user: try fields.requiredRef("user", to: "user", among: catalog.refs(.user)),
                role: try fields.choice("role", from: roles, default: "viewer")
            )
            if members.contains(where: { $0.user == member.user }) {
                throw fields.failure("user \"\(member.user)\" is listed twice")
            }
            members.append(member)
        }
        return members
    }
}
