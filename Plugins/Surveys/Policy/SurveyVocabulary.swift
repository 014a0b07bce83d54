import Policy

extension ResourceType {
    /// Surveys.
    public static let survey: ResourceType = "survey"
}

extension Action {
    /// `survey.list`
    public static let surveyList = Action(.survey, .list)
    /// `survey.retrieve`
    public static let surveyRetrieve = Action(.survey, .retrieve)
    /// `survey.metrics`
    public static let surveyMetrics = Action(.survey, .metrics)
    /// `survey.create`
    public static let surveyCreate = Action(.survey, .create)
    /// `survey.update`
    public static let surveyUpdate = Action(.survey, .update)
    /// `survey.delete`
    public static let surveyDelete = Action(.survey, .delete)
}

extension DecisionCode {
    /// The caller holds a membership of the survey.
    public static let allowSurveyMember: DecisionCode = "ALLOW_SURVEY_MEMBER"
}

extension Resource {
    /// A survey (retrieve, metrics, update, delete; for create, the survey to be created).
    @inlinable
    public static func survey(_ facts: SurveyFacts) -> Resource { .object(facts) }
}
