import Foundation
import Hummingbird
import PluginKit
import Postgres
import Policy
import Vault

/// The decision API for backend services (SPEC §6): `POST /v1/keys/verify`, the AuthZEN
/// `POST /access/v1/evaluation` and `POST /access/v1/evaluations`, and the public
/// `GET /.well-known/authzen-configuration`.
struct DecisionController: Sendable {
    let vault: Vault
    let pool: PGPool
    let service: DecisionService
    let search: SearchService
    let tokens: PageTokens
    /// The base URL the configuration document advertises, e.g. `https://authz.example.com`.
    let publicURL: String?
    let failures: FailedAuthentications
    /// Throttles the public tenant metadata per client address (`nil`: throttling off).
    let throttle: Throttle?
    /// Which organisation slugs exist, kept a short while.
    let slugs: OrganisationSlugCache
    let uses: KeyUses

    func register(on routes: RouteTable<LatchkeyRequestContext>) {
        routes.on("/.well-known/authzen-configuration", method: .get, .public, documented: CoreOpenAPI.operation("authzenConfiguration")) { _, _ in
            configuration()
        }
        // Public, and a slug oracle unless bounded: the anonymous rate per address, answers cached.
        routes.on("/.well-known/authzen-configuration/{slug}", method: .get, .public, documented: CoreOpenAPI.operation("authzenTenantConfiguration"),
                  through: ThrottleMiddleware.perCaller(throttle)) { _, context in
            try await configuration(tenant: context.parameters.get("slug") ?? "")
        }
        routes.area([ServerTimingMiddleware(), ServiceAuthenticationMiddleware(vault: vault, failures: failures)]) { services in
            services.on("/v1/keys/verify", method: .post, .service, documented: CoreOpenAPI.operation("verifyKey")) { request, context in
                try await verify(request, context)
            }
            services.on("/access/v1/evaluation", method: .post, .service, documented: CoreOpenAPI.operation("evaluation")) { request, context in
                try await evaluation(request, context)
            }
            services.on("/access/v1/evaluations", method: .post, .service, documented: CoreOpenAPI.operation("evaluations")) { request, context in
                try await evaluations(request, context)
            }
            services.on("/access/v1/search/subject", method: .post, .service, documented: CoreOpenAPI.operation("searchSubject")) { request, context in
                try await search(request, .subject, context)
            }
            services.on("/access/v1/search/resource", method: .post, .service, documented: CoreOpenAPI.operation("searchResource")) { request, context in
                try await search(request, .resource, context)
            }
            services.on("/access/v1/search/action", method: .post, .service, documented: CoreOpenAPI.operation("searchAction")) { request, context in
                try await search(request, .action, context)
            }
        }
    }

    // MARK: Key verification

    /// Always 200 for a well-formed request: the code says what the key is. With `ip` (the end
    /// client's address), a key whose allowlist excludes it is `IP_NOT_ALLOWED`. A service scoped
    /// to an organisation is told `NOT_FOUND` of a key that acts for another, or for none.
    func verify(_ request: Request, _ context: LatchkeyRequestContext) async throws -> Response {
        guard case .object(let body) = try await JSONBody.parse(request, limit: 4096) else {
            throw JSONBody.invalid("the body must be a JSON object")
        }
        guard case .string(let key)? = body["key"] else {
            throw JSONBody.invalid(body["key"] == nil ? "'key' is required" : "'key' must be a string")
        }
        var ip: String?
        switch body["ip"] {
        case nil, .null?: break
        case .string(let text)? where AddressRange.isAddress(text): ip = text
        default: throw JSONBody.invalid("'ip' must be an IPv4 or IPv6 address")
        }
        let verification = ServiceScope(context.service).sees(try await vault.verify(key))
        // The key's limit as it stands, without counting this look (SPEC §15).
        let rate = verification.found.flatMap { found in
            throttle.map { $0.limiter(for: found.key).peek(.key(found.key.id)) }
        }
        let judged = ip.map { verification.from($0) } ?? verification
        // The use of the key (SPEC §13), from the end client's address when the service gives it.
        if let found = judged.found, judged.status == .valid, rate?.allowed == false {
            uses.count(.rateLimited, found, from: ip)
        } else {
            uses.count(judged, from: ip)
        }
        return .json(KeyVerificationJSON(judged, rateLimit: rate))
    }

    // MARK: AuthZEN

    func evaluation(_ request: Request, _ context: LatchkeyRequestContext) async throws -> Response {
        let body = try await JSONBody.read(request, limit: 64 * 1024) { reader in try AuthZEN.Evaluation(&reader, at: .root) }
        let decision = try await service.decide(DecisionBatch(body), service: context.service?.name ?? "", scope: ServiceScope(context.service))[0]
        return .json(EvaluationJSON(decision: decision))
    }

    func evaluations(_ request: Request, _ context: LatchkeyRequestContext) async throws -> Response {
        let body = try await JSONBody.read(request, limit: 4 << 20) { reader in try AuthZEN.Evaluations(&reader) }
        let batch = try DecisionBatch(body)
        var decisions = batch.merging(try await service.decide(batch, service: context.service?.name ?? "", scope: ServiceScope(context.service)))
        switch body.semantic {
        case .executeAll: break
        case .denyOnFirstDeny:
            if let first = decisions.firstIndex(where: { !$0.isAllowed }) { decisions.removeSubrange((first + 1)...) }
        case .permitOnFirstPermit:
            if let first = decisions.firstIndex(where: \.isAllowed) { decisions.removeSubrange((first + 1)...) }
        }
        return .json(EvaluationsJSON(decisions: decisions))
    }

    /// A search (SPEC §6): one page of results, and the token of the next (`""` when done).
    func search(_ request: Request, _ kind: AuthZEN.Search.Kind, _ context: LatchkeyRequestContext) async throws -> Response {
        let body = try await JSONBody.read(request, limit: 64 * 1024) { reader in try AuthZEN.Search(&reader, kind: kind) }
        // The token is bound to everything but the page's size.
        let parameters = [kind.rawValue, body.subject.type, kind == .subject ? "" : body.subject.id, body.query.ip ?? "",
                          kind == .action ? "" : body.query.action ?? "", body.resource.type, body.resource.id ?? ""]
        var after: String?
        if let token = body.token {
            guard let position = tokens.position(of: token, parameters: parameters) else {
                throw JSONBody.invalid("'page.token' is not a token this search issued")
            }
            after = position
        }
        let scope = ServiceScope(context.service)
        let results: [SearchJSON.Result]
        let next: String?
        switch kind {
        case .resource:
            let page = try await search.resources(body, action: try Self.action(body), after: after, scope: scope)
            let type = body.resource.type
            (results, next) = (page.results.map { .entity(type: type, id: $0) }, page.next)
        case .subject:
            let page = try await search.subjects(body, action: try Self.action(body), after: after, scope: scope)
            (results, next) = (page.results.map { .entity(type: "user", id: String($0)) }, page.next)
        case .action:
            let page = try await search.actions(body, after: after, scope: scope)
            (results, next) = (page.results.map { .action($0.description) }, page.next)
        }
        return .json(SearchJSON(results: results, nextToken: next.map { tokens.token(after: $0, parameters: parameters) } ?? ""))
    }

    /// The action a resource or subject search names; 400 when it is no `<resource>.<verb>`.
    private static func action(_ search: AuthZEN.Search) throws -> Action {
        guard let action = search.query.action.flatMap(Action.init) else {
            throw JSONBody.invalid("'action.name' must be '<resource>.<verb>', e.g. 'survey.retrieve'")
        }
        return action
    }

    /// The AuthZEN metadata document.
    func configuration() -> Response {
        // Never built from the request's Host, which any client chooses.
        .json(ConfigurationJSON(base: publicURL ?? "http://localhost"))
    }

    /// The same document for one organisation (SPEC §6); 404 for a slug no organisation has.
    func configuration(tenant slug: String) async throws -> Response {
        guard slug.utf8.count <= 200, !slug.contains("\u{0}"), try await slugs.exists(slug) else { throw APIError.notFound }
        return .json(ConfigurationJSON(base: publicURL ?? "http://localhost", tenant: slug))
    }
}

