import ArgumentParser
import Events
import Foundation
import Server
import Tenancy

/// `latchkey orgs webhooks <slug> list|add|remove|deliveries` (SPEC §14): an organisation's
/// webhook endpoints for operators, through the same ``Events/WebhookEndpoints`` as the API and
/// the console (audited, actor the operator). `add` needs `LATCHKEY_SECRET_KEY` (secrets are
/// sealed with it) and follows `LATCHKEY_WEBHOOK_TARGETS`; it prints the signing secret once,
/// alone on its own line of stdout.
struct WebhooksCommand: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks", abstract: "List, add and remove an organisation's webhook endpoints; show an endpoint's last deliveries.",
        discussion: """
            Actions: list (one line per endpoint: id, url, events, enabled|disabled); add --url U --event E [--event E…] \
            (prints the whsec_ signing secret once, alone on its line); remove ID; deliveries ID (its last 100 deliveries: \
            time, event, status, attempt, duration in ms, webhook-id).
            """)

    enum Action: String, ExpressibleByArgument, CaseIterable {
        case list, add, remove, deliveries
    }

    @Argument(help: "The organisation's slug.") var slug: String
    @Argument(help: "list, add, remove or deliveries.") var action: Action
    @Argument(help: "The endpoint's id (remove, deliveries).") var id: String?
    @Option(help: "The endpoint's URL (add).") var url: String?
    @Option(name: .customLong("event"), help: "An event type it receives (add; repeatable).") var events: [String] = []
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        switch action {
        case .list:
            guard id == nil, url == nil, events.isEmpty else { throw ValidationError("list takes no id, --url or --event") }
        case .add:
            guard id == nil else { throw ValidationError("add takes no id") }
            guard url != nil, !events.isEmpty else { throw ValidationError("add needs --url and at least one --event") }
        case .remove, .deliveries:
            guard id != nil else { throw ValidationError("\(action.rawValue) needs the endpoint's id") }
            guard url == nil, events.isEmpty else { throw ValidationError("\(action.rawValue) takes no --url or --event") }
        }
    }

    func run(_ configuration: Configuration) async throws {
        let output = try await configuration.withVault("latchkey.webhooks") { vault -> [String] in
            let organisation = try await Tenancy(vault: vault).organisationID(slug: slug)
            let endpoints = WebhookEndpoints(pool: vault.pool, secretBox: configuration.secretBox, targets: configuration.webhookTargets)
            do {
                return try await perform(on: endpoints, organisation: organisation)
            } catch let error as WebhookError {
                throw CommandFailure(message: error.description)
            }
        }
        for line in output { print(line) }
    }

    /// The lines the action prints.
    func perform(on endpoints: WebhookEndpoints, organisation: Int64) async throws -> [String] {
        switch action {
        case .list:
            return try await endpoints.list(organisationID: organisation).map { endpoint in
                [endpoint.id.uuidString.lowercased(), endpoint.url, endpoint.events.joined(separator: ","), endpoint.enabled ? "enabled" : "disabled"]
                    .joined(separator: "\t")
            }
        case .add:
            let (endpoint, secret) = try await endpoints.create(organisationID: organisation, url: url ?? "", events: events, actor: nil, ip: nil)
            FileHandle.standardError.write(Data("created webhook \(endpoint.id.uuidString.lowercased()) for \(endpoint.url); its signing secret follows, shown once\n".utf8))
            return [secret]
        case .remove:
            guard try await endpoints.delete(organisationID: organisation, id: try endpointID(), actor: nil, ip: nil) else { throw noSuchEndpoint }
            return ["removed webhook \(try endpointID().uuidString.lowercased())"]
        case .deliveries:
            guard let deliveries = try await endpoints.deliveries(organisationID: organisation, id: try endpointID()) else { throw noSuchEndpoint }
            return deliveries.map { delivery in
                [ISO8601DateFormatter().string(from: delivery.at), delivery.type, String(delivery.status), String(delivery.attempt),
                 String(delivery.durationMS), delivery.eventID].joined(separator: "\t")
            }
        }
    }

    func endpointID() throws -> UUID {
        guard let id, let uuid = UUID(uuidString: id) else { throw noSuchEndpoint }
        return uuid
    }

    var noSuchEndpoint: CommandFailure { CommandFailure(message: "\(slug) has no webhook with id \(String((id ?? "").prefix(64)))") }
}
