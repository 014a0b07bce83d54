import Events
import Foundation
import Hummingbird
import JSON
import PluginKit
import Policy
import Vault

/// An organisation's webhooks (SPEC §14): `POST|GET /api/organisations/<slug>/webhooks/`,
/// `DELETE …/webhooks/<id>/` and `GET …/webhooks/<id>/deliveries/`, for a key confined to that
/// organisation whose user is an admin or owner of it and which holds `superuser`. Another
/// organisation's slug is not found, as an endpoint of another organisation is.
struct WebhookController: Sendable {
    let endpoints: WebhookEndpoints

    func register(on routes: RouteTable<LatchkeyRequestContext>) {
        routes.on("/api/organisations/{slug}/webhooks/", method: .post, .caller, documented: CoreOpenAPI.operation("createWebhook")) { request, context -> Response in
            let (key, organisation) = try Self.administered(context)
            let body = try await JSONObjectBody.read(from: request, allowed: ["url", "events"], limit: 16 << 10)
            try body.require("url", "events")
            var url = "", events: [String] = []
            try body.string("url", into: &url, maxLength: 2048)
            try body.strings("events", into: &events, maxCount: 32, maxLength: 64)
            let (endpoint, secret) = try await Self.mapped {
                try await endpoints.create(organisationID: organisation, url: url, events: events, actor: key.owner.id, ip: context.clientIP)
            }
            var response = Response.json(WebhookEndpointJSON(endpoint: endpoint, secret: secret), status: .created)
            // The secret is in the body: no cache may keep it.
            response.headers[.cacheControl] = "no-store"
            return response
        }
        routes.on("/api/organisations/{slug}/webhooks/", method: .get, .caller, documented: CoreOpenAPI.operation("listWebhooks")) { _, context -> Response in
            let (_, organisation) = try Self.administered(context)
            let list = try await endpoints.list(organisationID: organisation)
            var json = JSONWriter(capacity: 160 * list.count + 16)
            json.object { json in json.field("results", list.map { WebhookEndpointJSON(endpoint: $0) }) }
            return .json(body: json.buffer)
        }
        routes.on("/api/organisations/{slug}/webhooks/{webhook}/", method: .delete, .caller, documented: CoreOpenAPI.operation("deleteWebhook")) { _, context -> Response in
            let (key, organisation) = try Self.administered(context)
            guard try await endpoints.delete(organisationID: organisation, id: try Self.endpointID(context), actor: key.owner.id, ip: context.clientIP) else {
                throw Self.noSuchEndpoint
            }
            return Response(status: .noContent)
        }
        routes.on("/api/organisations/{slug}/webhooks/{webhook}/deliveries/", method: .get, .caller, documented: CoreOpenAPI.operation("webhookDeliveries")) { _, context -> Response in
            let (_, organisation) = try Self.administered(context)
            guard let deliveries = try await endpoints.deliveries(organisationID: organisation, id: try Self.endpointID(context)) else { throw Self.noSuchEndpoint }
            var json = JSONWriter(capacity: 120 * deliveries.count + 16)
            json.object { json in json.field("results", deliveries.map(WebhookDeliveryJSON.init)) }
            return .json(body: json.buffer)
        }
    }

    static let noSuchEndpoint = APIError(.notFound, detail: "No webhook with that id in this organisation.")

    /// The caller's key and the organisation of the path, when the key may manage its webhooks.
    static func administered(_ context: LatchkeyRequestContext) throws -> (VerifiedKey, Int64) {
        try AdministeringKey(subject: "webhooks", action: "manage its webhooks", doing: "Managing webhooks").check(context)
    }

    static func endpointID(_ context: LatchkeyRequestContext) throws -> UUID {
        guard let text = context.parameters.get("webhook"), let id = UUID(uuidString: text) else { throw noSuchEndpoint }
        return id
    }

    /// Runs `body`, its ``WebhookError`` as the API answers it.
    static func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as WebhookError {
            switch error {
            case .invalid(let words): throw APIError(.badRequest, detail: words)
            case .secretKeyMissing: throw APIError(.serviceUnavailable, detail: error.description)
            }
        }
    }
}

/// An endpoint as the API shows it; `secret` only in the answer that made it.
struct WebhookEndpointJSON: JSONWritable {
    var endpoint: WebhookEndpoint
    var secret: String? = nil

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("id", endpoint.id.uuidString.lowercased())
            json.field("url", endpoint.url)
            json.field("events", endpoint.events)
            if let secret { json.field("secret", secret) }
            json.field("enabled", endpoint.enabled)
            json.field("created_at", endpoint.createdAt)
        }
    }
}

/// One delivery attempt: `id` is the event's `webhook-id`, `event` its type.
struct WebhookDeliveryJSON: JSONWritable {
    var delivery: WebhookDelivery

    init(_ delivery: WebhookDelivery) { self.delivery = delivery }

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("id", delivery.eventID)
            json.field("event", delivery.type)
            json.field("status", delivery.status)
            json.field("attempt", delivery.attempt)
            json.field("at", delivery.at)
            json.field("duration_ms", delivery.durationMS)
        }
    }
}
