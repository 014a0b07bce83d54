import Foundation
import HummingbirdTesting
import Policy
import ServerTestSupport
import Testing
import TestSupport

extension TenantIsolationTests {
    /// A subject of the decision API (its JSON) and the organisation it acts for (`nil`: none).
    struct ServiceSubject {
        var subject: String
        var home: Int64?
        var label: String
    }

    /// Tenant-scoped service credentials (SPEC §6), on the random world: the credential of each
    /// organisation, asked about every key (confined there, elsewhere, to a team, to nothing) and
    /// every user, sees only its organisation. Verify answers a key of elsewhere exactly as a key
    /// that does not exist. An evaluation or search result is allowed only for a subject of the
    /// organisation about an object it sees (global ones included): for a key, exactly what the
    /// deployment-wide credential allows there; for a user, at least that (a user acts in the
    /// service's organisation, which gives the directory its context). Nothing for a subject
    /// outside. Returns the number of checks made.
    static func scopedServices(_ world: ServerWorld, _ place: Placement, seed: UInt64) async throws -> Int {
        let wide = world.service ?? ""
        // Keys beyond the organisations': unconfined ones, and one confined to each team.
        func key(_ secret: String) -> String { #"{"type":"api_key","id":"\#(secret)"}"# }
        var keySubjects = place.keys.map { ServiceSubject(subject: key($0.secret), home: $0.organisation, label: "key of \($0.organisation)") }
        for user in place.users {
            keySubjects.append(ServiceSubject(subject: key(try await world.key(for: user)), home: nil, label: "unconfined key of \(user)"))
        }
        for team in place.teams {
            let members = try await world.pool.query("SELECT user_id FROM team_memberships WHERE team_id = \(team) ORDER BY user_id LIMIT 1")
            guard let member = try members.first?.decode(Int64.self, at: 0) else { continue }
            let home = place.tenants.teamOrganisation[team] ?? nil
            keySubjects.append(ServiceSubject(subject: key(try await world.key(for: member, team: team)), home: home, label: "key of team \(team)"))
        }
        let users = place.users.map { user in
            (user, place.members.filter { $0.value.contains(user) }.map(\.key))
        }
        // Every action a route on one object states, about every object of its type.
        var questions: [(question: String, object: PlacedObject)] = []
        for action in place.routes.objectActions {
            for object in place.objects where object.type == action.resource {
                questions.append((#"{"action":{"name":"\#(action)"},"resource":{"type":"\#(object.type.rawValue)","id":"\#(object.id)"}}"#, object))
            }
        }
        var searchedActions: [Action] = []
        for route in place.routes {
            if let action = route.access.action, action.verb != .create, !searchedActions.contains(action) { searchedActions.append(action) }
        }
        let (subjects, items, searched) = (keySubjects, questions, searchedActions)
        return try await world.client { client in
            var checks = 0
            func post(_ uri: String, _ body: String, _ service: String) async throws -> Reply {
                let reply = try await client.send(uri, method: .post, key: service, body: body)
                #expect(reply.status == .ok, "\(uri): \(reply.text.prefix(300))")
                checks += 1
                return reply
            }
            func search(_ kind: String, _ body: [String: Any], _ service: String) async throws -> Set<String> {
                checks += 1
                let (results, _) = try await SearchTests.all(client, kind, body, service: service)
                return Set(results.compactMap { ($0["id"] ?? $0["name"]) as? String })
            }
            for (organisation, service) in place.services.sorted(by: { $0.key < $1.key }) {
                let members = place.members[organisation, default: []]
                let inside = Set(place.objects.filter { $0.isVisible(from: organisation) }.map { "\($0.type.rawValue):\($0.id)" })
                func isInside(_ type: ResourceType, _ id: String) -> Bool { inside.contains("\(type.rawValue):\(id)") }
                var all = subjects
                for (user, organisations) in users {
                    all.append(ServiceSubject(subject: #"{"type":"user","id":"\#(user)"}"#, home: organisations.contains(organisation) ? organisation : nil,
                                              label: "user \(user)"))
                }
                for subject in all {
                    let ours = subject.home == organisation
                    let context = "seed \(seed), service of \(organisation), \(subject.label)"
                    let parsed = try JSONSerialization.jsonObject(with: Data(subject.subject.utf8)) as? [String: Any] ?? [:]
                    if parsed["type"] as? String == "api_key" {
                        let body = #"{"key":"\#(parsed["id"] as? String ?? "")"}"#
                        let (scoped, everywhere) = (try await post("/v1/keys/verify", body, service), try await post("/v1/keys/verify", body, wide))
                        if ours {
                            #expect(scoped.text == everywhere.text, "\(context)")
                        } else {
                            #expect(scoped.object["valid"] as? Bool == false && scoped.object["code"] as? String == "NOT_FOUND", "\(context): \(scoped.text)")
                            #expect(["key", "user", "organisation"].allSatisfy { scoped.object[$0] is NSNull }, "\(context): \(scoped.text)")
                        }
                    }
                    let isKey = parsed["type"] as? String == "api_key"
                    // Evaluations: allowed only inside, and there as deployment-wide.
                    for chunk in stride(from: 0, to: items.count, by: 1_000) {
                        let batch = Array(items[chunk..<min(chunk + 1_000, items.count)])
                        let body = #"{"subject":\#(subject.subject),"evaluations":["# + batch.map(\.question).joined(separator: ",") + "]}"
                        let scoped = try await post("/access/v1/evaluations", body, service).object["evaluations"] as? [[String: Any]] ?? []
                        let everywhere = try await post("/access/v1/evaluations", body, wide).object["evaluations"] as? [[String: Any]] ?? []
                        #expect(scoped.count == batch.count && everywhere.count == batch.count, "\(context)")
                        for (item, (answer, wideAnswer)) in zip(batch, zip(scoped, everywhere)) {
                            let allowed = answer["decision"] as? Bool == true
                            let expected = ours && item.object.isVisible(from: organisation) && wideAnswer["decision"] as? Bool == true
                            #expect(isKey ? allowed == expected : (!allowed || ours && item.object.isVisible(from: organisation)) && (!expected || allowed),
                                    "\(context): \(item.question) → \(answer), deployment-wide \(wideAnswer)")
                        }
                    }
                    // Resource searches: the deployment-wide results that lie inside.
                    for action in searched {
                        let body: [String: Any] = ["subject": parsed, "action": ["name": action.description],
                                                   "resource": ["type": action.resource.rawValue]]
                        let scoped = try await search("resource", body, service)
                        let expected: Set<String> = ours ? try await search("resource", body, wide).filter { isInside(action.resource, $0) } : []
                        #expect(isKey ? scoped == expected : scoped.isSuperset(of: expected) && scoped.allSatisfy { isInside(action.resource, $0) } && (ours || scoped.isEmpty),
                                "\(context): \(action) found \(scoped.sorted()), expected \(expected.sorted())")
                    }
                }
                // Subject and action searches about objects: only members, only inside.
                let member = users.first { $0.1.contains(organisation) }?.0
                let stranger = users.first { !$0.1.contains(organisation) }?.0
                var noSubjectSearch: Set<ResourceType> = []
                for object in place.objects where searched.contains(Action(object.type, .retrieve)) && !noSubjectSearch.contains(object.type) {
                    let resource: [String: Any] = ["type": object.type.rawValue, "id": object.id]
                    let visible = object.isVisible(from: organisation)
                    let body: [String: Any] = ["subject": ["type": "user"], "action": ["name": "\(object.type.rawValue).retrieve"], "resource": resource]
                    // A plugin's type need not offer subject search (a test's notes do not).
                    let probe = try await client.send("/access/v1/search/subject", method: .post, key: service,
                                                      body: String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self))
                    if probe.status == .badRequest, probe.detail?.contains("has no subject search") == true {
                        noSubjectSearch.insert(object.type)
                        continue
                    }
                    let who = try await search("subject", body, service)
                    let expected: Set<String> = visible ? try await search("subject", body, wide).filter { members.contains(Int64($0) ?? 0) } : []
                    #expect(who.isSuperset(of: expected) && who.allSatisfy { members.contains(Int64($0) ?? 0) } && (visible || who.isEmpty), "seed \(seed), service of \(organisation): who may retrieve \(object.type) \(object.id): \(who.sorted())")
                    for (user, ours) in [(member, true), (stranger, false)] {
                        guard let user else { continue }
                        let body: [String: Any] = ["subject": ["type": "user", "id": "\(user)"], "resource": resource]
                        let what = try await search("action", body, service)
                        let everywhere: Set<String> = ours && visible ? try await search("action", body, wide) : []
                        let acts = what.filter { !$0.hasSuffix(".create") }
                        #expect(acts.isSuperset(of: everywhere.filter { !$0.hasSuffix(".create") }) && (ours && visible || acts.isEmpty),
                                "seed \(seed), service of \(organisation), user \(user) on \(object.type) \(object.id): \(what.sorted())")
                        if !ours { #expect(what.isEmpty) }
                    }
                }
            }
            return checks
        }
    }
}
