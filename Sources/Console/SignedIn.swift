import Accounts
import Policy
import Tenancy

/// Whom a console page is for: a live browser session (SPEC §10) and the user's memberships,
/// both read once and cached (``ConsoleCache``). The session's fields read through.
@dynamicMemberLookup
struct SignedIn: Sendable {
    let session: WebSession
    let memberships: Memberships

    subscript<Value>(dynamicMember field: KeyPath<WebSession, Value>) -> Value { session[keyPath: field] }

    /// The user as the policy judges them (key capabilities the default).
    var principal: UserPrincipal { memberships.principal }

    /// The organisations the user belongs to (or owns): the key form's choices.
    var organisations: [Place] { memberships.places.filter { $0.kind == .organisation } }

    /// The organisations and teams the user administers, as the policy says: the frame links
    /// their admin pages.
    var administered: [Place] { memberships.places.filter { principal.administers($0.area) } }
}

/// Names of the console's cookies.
enum ConsoleCookie {
    /// The session token.
    static let session = "lk_session"
    /// The sign-in form's CSRF token (double submit: there is no session yet).
    static let signIn = "lk_signin"
}
