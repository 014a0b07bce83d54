import Policy

/// The engine with every built-in rule set registered, as the server will assemble it.
let standardEngine = PolicyEngine(rules: [
    SurveyRules(), DatasetRules(), TemplateRules(), UserDirectoryRules(), KeyRules(),
])

/// Every built-in action, the SPEC §6 ones and the user-directory writes.
let builtinActions: [Action] = Action.specActions + [.userCreate, .userUpdate, .userDelete]
