import PluginKit
import Policy
import DatasetsPolicy

/// What the caller may do with a dataset, shown as `is_editable` and `can_publish`.
///
/// - `is_editable`: the policy engine allows `dataset.update` on it (so it needs the key's
///   `edit` capability; `nhs_dd` and global datasets are never editable).
/// - `can_publish`: it is editable and the caller administers (is `admin` or owner of) its
///   organisation — publishing makes an organisation dataset global.
/// Anonymous callers may do neither. The organisation's and team's names are shown only to
/// callers who can see them (SPEC §4): a global dataset does not name its organisation to
/// everyone.
struct DatasetPermissions: Sendable {
    let engine: PolicyEngine
    let caller: Caller

    /// `record` with ``DatasetRecord/isEditable`` and ``DatasetRecord/canPublish`` set, and
    /// the names the caller may not see removed.
    func annotate(_ record: DatasetRecord) -> DatasetRecord {
        var record = record
        guard let key = caller.verifiedKey else {
            record.isEditable = false
            record.canPublish = false
            record.organisationName = nil
            record.teamName = nil
            return record
        }
        let user = key.principal
        if let id = record.organisationID, !user.canSee(organisation: id, team: record.teamID) { record.organisationName = nil }
        if let id = record.teamID, !user.canSee(team: id, of: record.organisationID) { record.teamName = nil }
        record.isEditable = engine.decide(.user(user), .datasetUpdate, .dataset(record.facts)).isAllowed
        record.canPublish = record.isEditable && (record.organisationID.map(user.administersOrganisation) ?? false)
        return record
    }
}
