import Policy

extension ResourceType {
    /// Datasets.
    public static let dataset: ResourceType = "dataset"
}

extension Action {
    /// `dataset.list`, `dataset.retrieve`, `dataset.create`, `dataset.update`, `dataset.delete`.
    public static let datasetList = Action(.dataset, .list), datasetRetrieve = Action(.dataset, .retrieve),
        datasetCreate = Action(.dataset, .create), datasetUpdate = Action(.dataset, .update),
        datasetDelete = Action(.dataset, .delete)
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
