/// Who is issuing or revoking a key.
public enum KeyIssuer: Sendable, Hashable {
    /// The platform operator (the command line without `--by`): acts as staff.
    case platformOperator
    /// A user, by username; the issuance rules of SPEC §2 apply to them.
    case user(String)
    /// A user, by id (the console's signed-in user); the rules apply as to ``user(_:)``.
    case userID(Int64)
}
