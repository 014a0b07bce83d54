import Policy

extension ResourceType {
    /// Datasets.
    public static let dataset: ResourceType = "dataset"
}

extension Action {
    /// `dataset.list`
    public static let datasetList = Action(.dataset, .list)
    /// `dataset.retrieve`
    public static let datasetRetrieve = Action(.dataset, .retrieve)
    /// `dataset.create`
    public static let datasetCreate = Action(.dataset, .create)
    /// `dataset.update`
    public static let datasetUpdate = Action(.dataset, .update)
    /// `dataset.delete`
    public static let datasetDelete = Action(.dataset, .delete)
}

extension DecisionCode {
    /// `nhs_dd` and global datasets are read-only.
    public static let denyReadOnlyDataset: DecisionCode = "DENY_READ_ONLY_DATASET"
}

extension Resource {
    /// A dataset (for create, the dataset to be created).
    @inlinable
    public static func dataset(_ facts: DatasetFacts) -> Resource { .object(facts) }
}
