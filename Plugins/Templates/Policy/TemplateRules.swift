import Policy

/// The question-group template rules of SPEC §4, registered by the templates plugin.
///
/// Authenticated callers only (`view`): active templates that are global, or organisation-level
/// in an organisation the caller belongs to (any role, or its owner). Publishing is a web-UI
/// operation, so there are no write actions.
public struct TemplateRules: PolicyRules {
    public init() {}

    public var actions: [Action] { [.templateList, .templateRetrieve] }

    public func decide<Object: ResourceFacts>(_ principal: Principal, _ action: Action, _ object: Object) -> Decision {
        let verb = action.verb
        guard verb == .list || verb == .retrieve else { return .unknownAction }
        return principal.gate(requiring: .view) { user in
            if verb == .list { return .filteredList }
            guard let template = object.exactly(TemplateFacts.self) else { return .resourceMismatch }
            return Self.read(user, template)
        }
    }

    public func visibility(_ principal: Principal, for action: Action) -> VisibilityPredicate? {
        guard action.verb == .list else { return nil }
        guard let user = principal.passing(.view) else { return VisibilityPredicate.none }
        return .and([.isActive, .or([.isGlobal, .organisationIn(user.organisationIDs)])])
    }

    /// A template may be retrieved exactly when the list shows it.
    public func searchScope(_ principal: Principal, for action: Action) -> VisibilityPredicate? {
        action.verb == .retrieve ? visibility(principal, for: .templateList) : nil
    }
}

extension TemplateRules {
    @inlinable
    static func read(_ user: UserPrincipal, _ template: TemplateFacts) -> Decision {
        guard template.status == .active else { return .deny(.denyInactive, "The template is deleted.") }
        if template.level == .global { return .allow(.allowGlobal, "The template is published globally.") }
        if let organisation = template.organisationID, user.belongsToOrganisation(organisation) {
            return .allow(.allowMember, "The caller belongs to the template's organisation.")
        }
        return .deny(.denyNotMember, "The caller does not belong to the template's organisation.")
    }
}
