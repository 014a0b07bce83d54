import Policy

extension ResourceType {
    /// Question-group templates.
    public static let template: ResourceType = "template"
}

extension Action {
    /// `template.list`, `template.retrieve`.
    public static let templateList = Action(.template, .list), templateRetrieve = Action(.template, .retrieve)
}

extension Resource {
    /// A question-group template.
    @inlinable
    public static func template(_ facts: TemplateFacts) -> Resource { .object(facts) }
}
