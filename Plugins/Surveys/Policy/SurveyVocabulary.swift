import Policy

extension ResourceType {
    /// Surveys.
    public static let survey: ResourceType = "survey"
}

extension Action {
    /// `survey.list`, `survey.retrieve`, `survey.metrics`, `survey.create`, `survey.update`, `survey.delete`.
    public static let surveyList = Action(.survey, .list), surveyRetrieve = Action(.survey, .retrieve),
        surveyMetrics = Action(.survey, .metrics), surveyCreate = Action(.survey, .create),
        surveyUpdate = Action(.survey, .update), surveyDelete = Action(.survey, .delete)
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
