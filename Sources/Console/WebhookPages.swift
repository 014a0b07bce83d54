import Events
import Foundation
import Hummingbird
import PluginKit
import Vault

/// An organisation's webhooks in the console (SPEC §14), for whoever administers its keys (404
/// for anyone else, as its other admin pages): `/org/<slug>/webhooks` lists the endpoints (URL,
/// events, enabled) and adds one (**URL** and event checkboxes; the `whsec_` secret is shown once
/// on the answer, in `<code id="webhook-secret">`); `/org/<slug>/webhooks/<id>` shows an
/// endpoint's last 100 deliveries with **Send test event** (``Events/WebhookEndpoints/sendTest(organisationID:id:actor:ip:)``)
/// and **Delete**, confirmed on its own page. Every change goes through ``Events/WebhookEndpoints``,
/// as the API's do, confined to the organisation of the path.
extension Console {
    func registerWebhookPages(on routes: RouteTable<Context>) {
        let base = "/org/{slug}/webhooks"
        routes.on(base, method: .get, .page) { request, context in
            try await administered(.organisation, request, context) { session, area in
                let notice = request.uri.queryParameters["deleted"].map { _ in "The endpoint is deleted." }
                return try await webhooksPage(session, area, WebhookForm(), outcome: WebhookOutcome(notice: notice))
            }
        }
        routes.on(base, method: .post, .page) { request, context in
            try await administeredForm(.organisation, request, context) { session, area, submitted in
                let form = WebhookForm(submitted)
                do {
                    let (endpoint, secret) = try await webhooks.create(organisationID: area.id, url: form.url, events: form.events,
                                                                       actor: session.userID, ip: context.clientIP)
                    return try await webhooksPage(session, area, WebhookForm(), outcome: WebhookOutcome(
                        secret: secret, notice: "Endpoint \(endpoint.url) added. Copy its signing secret now: it is shown only once.", status: .created))
                } catch let error as WebhookError {
                    return try await webhooksPage(session, area, form, outcome: WebhookOutcome(problem: Self.refusal(error), status: Self.status(error)))
                }
            }
        }
        routes.on(base + "/{webhook}", method: .get, .page) { request, context in
            try await administered(.organisation, request, context) { session, area in
                guard let endpoint = try await areaEndpoint(context, area) else { return noSuchEndpoint(session) }
                let notice = request.uri.queryParameters["sent"].map { _ in "A test event is queued: it is sent within a few seconds." }
                return try await webhookPage(session, area, endpoint, notice: notice)
            }
        }
        routes.on(base + "/{webhook}/test", method: .post, .page) { request, context in
            try await administeredForm(.organisation, request, context) { session, area, _ in
                guard let endpoint = try await areaEndpoint(context, area) else { return noSuchEndpoint(session) }
                do {
                    guard try await webhooks.sendTest(organisationID: area.id, id: endpoint.id, actor: session.userID, ip: context.clientIP) != nil else {
                        return noSuchEndpoint(session)
                    }
                } catch let error as WebhookError {
                    return try await webhookPage(session, area, endpoint, problem: Self.refusal(error), status: Self.status(error))
                }
                return Pages.redirect("\(Self.endpointPath(area, endpoint))?sent=1")
            }
        }
        routes.on(base + "/{webhook}/delete", method: .get, .page) { request, context in
            try await administered(.organisation, request, context) { session, area in
                guard let endpoint = try await areaEndpoint(context, area) else { return noSuchEndpoint(session) }
                var data = frame(session, title: "Delete a webhook endpoint")
                data["action"] = .text("\(Self.endpointPath(area, endpoint))/delete")
                data["url"] = .text(endpoint.url)
                data["back"] = .text(Self.endpointPath(area, endpoint))
                return pages.render("webhook-delete", data)
            }
        }
        routes.on(base + "/{webhook}/delete", method: .post, .page) { request, context in
            try await administeredForm(.organisation, request, context) { session, area, _ in
                guard let endpoint = try await areaEndpoint(context, area),
                      try await webhooks.delete(organisationID: area.id, id: endpoint.id, actor: session.userID, ip: context.clientIP) else {
                    return noSuchEndpoint(session)
                }
                return Pages.redirect("\(area.path)/webhooks?deleted=1")
            }
        }
    }

    var webhooks: WebhookEndpoints { dependencies.webhooks }

    /// What a webhooks page shows after a form: the new secret, a notice or a problem.
    struct WebhookOutcome {
        var secret: String?
        var notice: String?
        var problem: String?
        var status: HTTPResponse.Status = .ok
    }

    func webhooksPage(_ session: SignedIn, _ area: AdminArea, _ form: WebhookForm, outcome: WebhookOutcome) async throws -> Response {
        let endpoints = try await webhooks.list(organisationID: area.id)
        var data = frame(session, title: "\(area.name): webhooks")
        data["orgNav"] = Self.organisationNavigation(area, current: "webhooks")
        data["action"] = .text("\(area.path)/webhooks")
        data["secret"] = PageValue(outcome.secret)
        data["notice"] = PageValue(outcome.notice)
        data["problem"] = PageValue(outcome.problem)
        data["endpoints"] = .list(endpoints.map { endpoint in
            ["url": .text(endpoint.url), "events": .text(endpoint.events.joined(separator: ", ")), "path": .text(Self.endpointPath(area, endpoint)),
             "state": .text(endpoint.enabled ? "enabled" : "disabled")] as PageFields
        })
        data["hasEndpoints"] = .flag(!endpoints.isEmpty)
        data["url"] = .text(form.url)
        data["eventChoices"] = .list(WebhookEventType.all.map { type in
            ["value": .text(type), "id": .text("event-" + type.replacingOccurrences(of: ".", with: "-")), "checked": .flag(form.events.contains(type))] as PageFields
        })
        return pages.render("webhooks", data, status: outcome.status)
    }

    func webhookPage(_ session: SignedIn, _ area: AdminArea, _ endpoint: WebhookEndpoint, notice: String? = nil, problem: String? = nil,
                     status: HTTPResponse.Status = .ok) async throws -> Response {
        let deliveries = try await webhooks.deliveries(organisationID: area.id, id: endpoint.id) ?? []
        var data = frame(session, title: "Webhook endpoint")
        data["orgNav"] = Self.organisationNavigation(area, current: "webhooks")
        data["notice"] = PageValue(notice)
        data["problem"] = PageValue(problem)
        data["url"] = .text(endpoint.url)
        data["events"] = .text(endpoint.events.joined(separator: ", "))
        data["state"] = .text(endpoint.enabled ? "enabled" : "disabled")
        data["path"] = .text(Self.endpointPath(area, endpoint))
        data["back"] = .text("\(area.path)/webhooks")
        data["deliveries"] = .list(deliveries.map { delivery in
            ["at": .text(KeyTable.minute(delivery.at)), "event": .text(delivery.type), "status": .text(delivery.status == 0 ? "no answer" : String(delivery.status)),
             "outcome": .text((200..<300).contains(delivery.status) ? "active" : "revoked"), "attempt": .text(String(delivery.attempt)),
             "duration": .text("\(delivery.durationMS) ms")] as PageFields
        })
        data["hasDeliveries"] = .flag(!deliveries.isEmpty)
        data["kept"] = .text(String(WebhookEndpoints.keptDeliveries))
        return pages.render("webhook", data, status: status)
    }

    static func endpointPath(_ area: AdminArea, _ endpoint: WebhookEndpoint) -> String {
        "\(area.path)/webhooks/\(endpoint.id.uuidString.lowercased())"
    }

    /// The endpoint of the path, when it is one of the area's.
    func areaEndpoint(_ context: Context, _ area: AdminArea) async throws -> WebhookEndpoint? {
        guard let text = context.parameters.get("webhook"), let id = UUID(uuidString: text) else { return nil }
        return try await webhooks.list(organisationID: area.id).first { $0.id == id }
    }

    func noSuchEndpoint(_ session: SignedIn) -> Response {
        pages.message("Not found", "There is no such webhook endpoint here.", status: .notFound, frame: frame(session, title: ""))
    }

    /// A webhook refusal in words.
    static func refusal(_ error: WebhookError) -> String {
        let words = error.description
        return words.prefix(1).uppercased() + words.dropFirst() + "."
    }

    static func status(_ error: WebhookError) -> HTTPResponse.Status {
        switch error {
        case .invalid: .badRequest
        case .secretKeyMissing: .serviceUnavailable
        }
    }
}

/// The add-an-endpoint form: its URL and the event types ticked.
struct WebhookForm: Sendable {
    var url = ""
    var events: [String] = []

    init() {}

    init(_ form: ConsoleForm) {
        url = form["url"]
        events = form.values("events")
    }
}
