import Policy

extension PolicyEngine {
    /// Decides, and throws the matching ``APIError`` (401 or 403) unless the decision allows.
    @discardableResult
    public func require(_ principal: Principal, _ action: Action, _ resource: Resource) throws -> Decision {
        let decision = decide(principal, action, resource)
        guard decision.isAllowed else { throw APIError.denied(decision) }
        return decision
    }
}
