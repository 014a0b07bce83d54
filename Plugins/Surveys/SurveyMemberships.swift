import Policy

/// Survey memberships live in this plugin's `survey_memberships` table, not in the principal
/// the vault builds (its `surveyRoles` is empty). This is where the plugin supplies them.
enum SurveyMemberships {
    /// A survey id that no survey has (`bigserial` ids start at 1).
    static let resolvedInSQL: Int64 = 0

    /// The caller as the policy should judge one survey: with their role in it, if any.
    static func principal(_ user: UserPrincipal, role: SurveyRole?, in surveyID: Int64) -> UserPrincipal {
        var user = user
        user.surveyRoles = role.map { MembershipTable(id: surveyID, role: $0) } ?? MembershipTable()
        return user
    }

    /// The caller as the policy should judge `survey.list`: with a stand-in membership, so the
    /// visibility predicate keeps its `surveyIn` leaf, which ``SurveyRepository`` renders as
    /// an `EXISTS` over the caller's real memberships — one query, no membership pre-load.
    static func listingPrincipal(_ user: UserPrincipal) -> UserPrincipal {
        var user = user
        user.surveyRoles = [resolvedInSQL: .viewer]
        return user
    }
}
