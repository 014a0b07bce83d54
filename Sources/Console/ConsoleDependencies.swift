import Policy
import Postgres
import Vault

/// What the console works with. Without a ``secretBox`` (`LATCHKEY_SECRET_KEY` unset) every
/// console page answers 503 saying what to set, and the API serves on.
public struct ConsoleDependencies: Sendable {
    public var pool: PGPool
    public var vault: Vault
    public var engine: PolicyEngine
    public var secretBox: SecretBox?
    /// Sign-in and MFA submissions per client address (SPEC §10); `nil`: throttling is off.
    public var throttle: ConsoleThrottle?

    public init(pool: PGPool, vault: Vault, engine: PolicyEngine, secretBox: SecretBox?, throttle: ConsoleThrottle? = nil) {
        self.pool = pool
        self.vault = vault
        self.engine = engine
        self.secretBox = secretBox
        self.throttle = throttle
    }
}
