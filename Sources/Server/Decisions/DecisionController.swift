import Foundation
import Hummingbird
import PluginKit
import Policy
import Vault

/// The decision API for backend services (SPEC §6): `POST /v1/keys/verify`, the AuthZEN
/// `POST /access/v1/evaluation` and `POST /access/v1/evaluations`, and the public
/// `GET /.well-known/authzen-configuration`.
struct DecisionController: Sendable {
    let vault: Vault
    let service: DecisionService
    /// The base URL the configuration document advertises, e.g. `https://authz.example.com`.
    let publicURL: String?

    func register(on routes: PluginRoutes<LatchkeyRequestContext>) {
        routes.get("/.well-known/authzen-configuration") { request, _ in configuration(request) }
        let services = ServiceAuthenticationMiddleware(vault: vault)
        routes.group("/v1").add(middleware: services)
            .post("keys/verify") { request, _ in try await verify(request) }
        routes.group("/access/v1").add(middleware: services)
            .post("evaluation") { request, context in try await evaluation(request, context) }
            .post("evaluations") { request, context in try await evaluations(request, context) }
    }

    // MARK: Key verification

    /// Always 200 for a well-formed request: the code says what the key is.
    func verify(_ request: Request) async throws -> Response {
        guard case .object(let body) = try await JSONBody.parse(request, limit: 4096) else {
            throw JSONBody.invalid("the body must be a JSON object")
        }
        guard case .string(let key)? = body["key"] else {
            throw JSONBody.invalid(body["key"] == nil ? "'key' is required" : "'key' must be a string")
        }
        let verification = try await vault.verify(key)
        return .json(KeyVerificationJSON(verification))
    }

    // MARK: AuthZEN

    func evaluation(_ request: Request, _ context: LatchkeyRequestContext) async throws -> Response {
        let body = try AuthZEN.Evaluation(try await JSONBody.parse(request, limit: 64 * 1024), path: { "" })
        let question = try DecisionQuestion(body, defaults: nil, label: "")
        let action = try Self.action(question, label: "")
        let decision = try await service.decide([question], actions: [action], service: context.service?.name ?? "")[0]
        return .json(EvaluationJSON(decision: decision))
    }

    func evaluations(_ request: Request, _ context: LatchkeyRequestContext) async throws -> Response {
        let body = try AuthZEN.Evaluations(try await JSONBody.parse(request, limit: 4 << 20))
        let items = body.evaluations
        // Without items, the defaults are one evaluation (AuthZEN 1.0 §7.2).
        let questions = items.isEmpty
            ? [try DecisionQuestion(AuthZEN.Evaluation(), defaults: body.defaults, label: "")]
            : try items.enumerated().map { try DecisionQuestion($1, defaults: body.defaults, label: "evaluations[\($0)].") }
        // Items mostly share their action: parse each distinct name once.
        var last: (name: String, action: Action)?
        let actions = try questions.enumerated().map { index, question in
            if let last, last.name == question.action { return last.action }
            let action = try Self.action(question, label: items.isEmpty ? "" : "evaluations[\(index)].")
            last = (question.action, action)
            return action
        }
        var decisions = try await service.decide(questions, actions: actions, service: context.service?.name ?? "")
        switch body.semantic {
        case .executeAll: break
        case .denyOnFirstDeny:
            if let first = decisions.firstIndex(where: { !$0.isAllowed }) { decisions.removeSubrange((first + 1)...) }
        case .permitOnFirstPermit:
            if let first = decisions.firstIndex(where: \.isAllowed) { decisions.removeSubrange((first + 1)...) }
        }
        return .json(EvaluationsJSON(decisions: decisions))
    }

    /// The question's action, or 400 when it is not `<resource>.<verb>`.
    private static func action(_ question: DecisionQuestion, label: @autoclosure () -> String) throws -> Action {
        guard let action = Action(question.action) else {
            throw JSONBody.invalid("'\(label())action.name' must be '<resource>.<verb>', e.g. 'survey.retrieve'")
        }
        return action
    }

    /// The AuthZEN metadata document.
    func configuration(_ request: Request) -> Response {
        let base = publicURL ?? "http://\(request.head.authority ?? "localhost")"
        return .json(ConfigurationJSON(base: base))
    }
}
