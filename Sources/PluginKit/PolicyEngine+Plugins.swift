import Policy

extension PolicyEngine {
    /// The engine of a running Latchkey: the core key rules, then each plugin's rules in order.
    ///
    /// Two plugins claiming the same action is a programming error and traps at start-up.
    public init(plugins: [any ResourcePlugin]) {
        self.init(rules: [KeyRules()] + plugins.map(\.policyRules))
    }
}
