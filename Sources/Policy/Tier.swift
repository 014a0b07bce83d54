/// An account tier (SPEC §1): decides whether a user may use the API at all, who may issue their
/// keys and how many active keys they may hold.
public enum Tier: String, Sendable, Hashable, CaseIterable, Codable {
    /// No API access.
    case free
    /// Self-serve keys.
    case pro
    /// Keys issued by a team admin.
    case team
    /// Keys issued by an organisation admin.
    case organisation
    /// Keys issued by an organisation admin or through SSO token exchange.
    case enterprise
}
