import Accounts
import Hummingbird
import PluginKit

/// **Change password** (SPEC §10, §2): a warning first; then every key of the user, their API
/// sessions and their other browser sessions are gone.
extension Console {
    func registerPassword(on routes: RouteTable<Context>) {
        routes.on("/account/password", method: .get, .page) { request, context in
            try await signedIn(request, context) { session, _ in try await passwordPage(session, problems: [:], status: .ok) }
        }
        routes.on("/account/password", method: .post, .page) { request, context in
            try await submitted(request, context) { session, form, _ in
                let current = form.raw("current"), new = form.raw("new"), confirm = form.raw("confirm")
                var problems: [String: String] = [:]
                if new.count < 8 || new.utf8.count > 1024 { problems["new"] = "A password has 8 to 1024 characters." }
                if confirm != new { problems["confirm"] = "The two new passwords differ." }
                let currentIsRight = current.isEmpty ? false : try await accounts.checkPassword(username: session.username, password: current)
                if !currentIsRight {
                    problems["current"] = "That is not your current password."
                }
                guard problems.isEmpty else { return try await passwordPage(session, problems: problems, status: .badRequest) }
                let revoked = try await accounts.changePassword(of: session.session, to: new, ip: context.clientIP)
                return pages.message(
                    "Password changed",
                    "Your password is changed. \(revoked) key\(revoked == 1 ? " was" : "s were") revoked, and your other sessions are signed out.",
                    status: .ok, link: ("/account/keys", "Generate a new key"), frame: frame(session, title: ""))
            }
        }
    }

    func passwordPage(_ session: SignedIn, problems: [String: String], status: HTTPResponse.Status) async throws -> Response {
        var data = frame(session, title: "Change password")
        data["fields"] = .fields(problems)
        if !problems.isEmpty { data["problem"] = "The password was not changed: see below." }
        return pages.render("password", data, status: status)
    }
}
