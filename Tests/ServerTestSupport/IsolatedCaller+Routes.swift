import Foundation
import HTTPTypes
import PluginKit
import Policy
import Testing

extension IsolatedCaller {
    /// Asks every route of `routes` that states an action (SPEC §2): a list shows only objects
    /// the home organisation sees (or is refused whole); every route on one object, read or
    /// write, refuses each object of elsewhere as its plugin says (403 or 404). Creates are the
    /// plugins' own checks (``RandomWorldPlugin/isolationChecks(_:)``), which run here too.
    ///
    /// Returns the routes asked (`GET /api/surveys/{id}/`) and the number of requests sent.
    public func askEveryActionRoute(_ routes: [RouteRecord]) async throws -> (asked: Set<String>, checks: Int) {
        var asked: Set<String> = [], checks = 0
        for route in routes {
            guard let action = route.access.action else { continue }
            let objects = objects.filter { $0.type == action.resource }
            let plugin = world.randomWorldPlugin(seeding: action.resource)
            if let parameter = route.access.objectParameter {
                // A fine-grained key is also refused a type its permissions do not name (403).
                let hidden = (plugin?.hiddenObjectStatuses ?? [.forbidden, .notFound]).union(permissions == nil ? [] : [.forbidden])
                let body = route.method == .put || route.method == .patch ? plugin?.updateBody ?? "{}" : nil
                for object in objects where !reaches(object) {
                    let uri = route.path.replacingOccurrences(of: "{\(parameter)}", with: object.id)
                    let reply = try await send(uri, route.method, body: body)
                    #expect(hidden.contains(reply.status), "\(route.method) \(uri): \(reply.status) \(reply.text.prefix(160))")
                    checks += 1
                    asked.insert("\(route.method) \(route.path)")
                }
            } else if route.method == .get {
                // A list: what it shows is named as the type's object routes name it.
                let identity = routes.first { $0.access.action?.resource == action.resource && $0.access.objectParameter != nil }?
                    .access.objectParameter ?? "id"
                let reply = try await send(route.path, .get)
                #expect(reply.status == .ok || reply.status == .forbidden, "\(route.path): \(reply.status)")
                let visible = Set(objects.filter(reaches).map(\.id))
                let shown = reply.items.compactMap { $0[identity].map { "\($0)" } }
                #expect(shown.allSatisfy(visible.contains), "\(route.path) shows \(Set(shown).subtracting(visible).sorted()) of elsewhere")
                checks += 1
                asked.insert("\(route.method) \(route.path)")
            }
        }
        for plugin in world.mounted.compactMap({ $0 as? any RandomWorldPlugin }) {
            checks += try await plugin.isolationChecks(self)
        }
        return (asked, checks)
    }
}

extension Array where Element == RouteRecord {
    /// The actions the routes on one object state, each once, in registration order.
    public var objectActions: [Action] {
        var actions: [Action] = []
        for route in self where route.access.objectParameter != nil {
            if let action = route.access.action, !actions.contains(action) { actions.append(action) }
        }
        return actions
    }
}
