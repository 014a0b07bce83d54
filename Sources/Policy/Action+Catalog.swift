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

    /// `template.list`
    public static let templateList = Action(.template, .list)
    /// `template.retrieve`
    public static let templateRetrieve = Action(.template, .retrieve)

    /// `user.list`
    public static let userList = Action(.user, .list)
    /// `user.retrieve`
    public static let userRetrieve = Action(.user, .retrieve)
    /// `user.create` (directory write; not in the SPEC §6 list, needs `superuser`).
    public static let userCreate = Action(.user, .create)
    /// `user.update` (directory write; not in the SPEC §6 list, needs `superuser`).
    public static let userUpdate = Action(.user, .update)
    /// `user.delete` (directory write; not in the SPEC §6 list, needs `superuser`).
    public static let userDelete = Action(.user, .delete)

    /// `key.issue`
    public static let keyIssue = Action(.key, .issue)
    /// `key.revoke`
    public static let keyRevoke = Action(.key, .revoke)

    /// Every action listed in SPEC §6, in SPEC order.
    public static let specActions: [Action] = [
        .surveyList, .surveyRetrieve, .surveyMetrics, .surveyCreate, .surveyUpdate, .surveyDelete,
        .datasetList, .datasetRetrieve, .datasetCreate, .datasetUpdate, .datasetDelete,
        .templateList, .templateRetrieve,
        .userList, .userRetrieve,
        .keyIssue, .keyRevoke,
    ]
}
