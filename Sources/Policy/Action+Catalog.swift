extension Action {
    /// `key.issue`
    public static let keyIssue = Action(.key, .issue)
    /// `key.revoke`
    public static let keyRevoke = Action(.key, .revoke)
}
