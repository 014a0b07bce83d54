/// The object an action is about, as facts the rules need (never the whole row).
public enum Resource: Sendable {
    /// No single object: list actions, or actions whose rules need no facts.
    case collection
    /// A survey (retrieve, metrics, update, delete; for create, the survey to be created).
    case survey(SurveyFacts)
    /// A dataset (for create, the dataset to be created).
    case dataset(DatasetFacts)
    /// A question-group template.
    case template(TemplateFacts)
    /// A user in the organisation directory.
    case user(DirectoryUserFacts)
    /// A key to be issued (`key.issue`).
    case keyIssuance(KeyIssuanceFacts)
    /// An existing key (`key.revoke`).
    case key(KeyFacts)
    /// A resource type contributed by a plugin.
    case custom(any ResourceFacts)
}

extension Resource {
    /// The facts carried, or `nil` for ``collection``.
    public var facts: (any ResourceFacts)? {
        switch self {
        case .collection: return nil
        case .survey(let facts): return facts
        case .dataset(let facts): return facts
        case .template(let facts): return facts
        case .user(let facts): return facts
        case .keyIssuance(let facts): return facts
        case .key(let facts): return facts
        case .custom(let facts): return facts
        }
    }
}
