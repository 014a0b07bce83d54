import Accounts
import Events
import Tenancy
import Usage
import Vault

/// What the console works with: people's accounts, where they belong, their keys and how
/// those were used. Without
/// a ``secretBox`` (`LATCHKEY_SECRET_KEY` unset) every console page answers 503 saying what to
/// set, and the API serves on.
public struct ConsoleDependencies: Sendable {
    public var vault: Vault
    public var accounts: Accounts
    public var tenancy: Tenancy
    /// The keys' stored usage (SPEC §13), for the sparklines and the usage pages.
    public var usage: UsageReport
    public var secretBox: SecretBox?
    /// Sign-in and MFA submissions per client address (SPEC §10); `nil`: throttling is off.
    public var throttle: ConsoleThrottle?
    /// Where a fine-grained key's selected resources are found (the mounted plugins' resolvers,
    /// SPEC §15); `nil`: keys issued here cannot be limited to resources.
    public var selections: (any KeySelectionLookup)?
    /// The organisations' webhook endpoints (SPEC §14), as the API manages them.
    public var webhooks: WebhookEndpoints
    /// Latchkey as a WebAuthn relying party (`LATCHKEY_PUBLIC_URL`, else the loopback origin).
    public var relyingParty: RelyingParty

    public init(
        vault: Vault, accounts: Accounts, tenancy: Tenancy, usage: UsageReport, secretBox: SecretBox?, webhooks: WebhookEndpoints,
        throttle: ConsoleThrottle? = nil, selections: (any KeySelectionLookup)? = nil, relyingParty: RelyingParty? = nil
    ) {
        self.webhooks = webhooks
        self.relyingParty = relyingParty ?? RelyingParty(publicURL: nil)!
        self.vault = vault
        self.accounts = accounts
        self.tenancy = tenancy
        self.usage = usage
        self.secretBox = secretBox
        self.throttle = throttle
        self.selections = selections
    }
}
