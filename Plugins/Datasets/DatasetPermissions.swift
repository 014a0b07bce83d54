import PluginKit
import Policy
import DatasetsPolicy

/// What the caller may do with a dataset, shown as `is_editable` and `can_publish`.
///
/// - `is_editable`: the policy engine allows `dataset.update` on it (so it needs the key's
///   `edit` capability; `nhs_dd` and global datasets are never editable).
/// - `can_publish`: it is editable and the caller administers (is `admin` or owner of) its
///   organisation — publishing makes an organisation dataset global.
/// Anonymous callers may do neither.
struct DatasetPermissions: Sendable {
    let engine: PolicyEngine
    let caller: Caller

    /// `record` with ``DatasetRecord/isEditable`` and ``DatasetRecord/canPublish`` set.
    func annotate(_ record: DatasetRecord) -> DatasetRecord {
        var record = record
        guard let key = caller.verifiedKey else {
            record.isEditable = false
            record.canPublish = false
            return record
        }
        let user = key.principal
        record.isEditable = engine.decide(.user(user), .datasetUpdate, .dataset(record.facts)).isAllowed
        record.canPublish = record.isEditable && (record.organisationID.map(user.administersOrganisation) ?? false)
        return record
    }
}
