/// A role in a survey membership (SPEC §1).
public enum SurveyRole: String, Sendable, Hashable, CaseIterable, Codable {
    /// May read and edit the survey.
    case creator
    /// May read and edit the survey.
    case editor
    /// May read the survey.
    case viewer
}

extension SurveyRole {
    /// Whether this survey role may update the survey.
    @inlinable
    public var canEdit: Bool { self != .viewer }
}
