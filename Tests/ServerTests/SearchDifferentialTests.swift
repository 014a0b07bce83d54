import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import ServerTestSupport
import Testing
import TestSupport

/// The search APIs against `evaluation` on random worlds (SPEC §6): for every search, the
/// results are exactly the candidates for which an evaluation answers `true` — no more, no
/// fewer — across several organisations, with keys confined to each and users as subjects.
@Suite struct SearchDifferentialTests {
    /// The actions asked per resource type: every action on existing objects.
    static let actions: [String: [String]] = [
        "survey": ["survey.list", "survey.retrieve", "survey.metrics", "survey.update", "survey.delete"],
        "dataset": ["dataset.list", "dataset.retrieve", "dataset.update", "dataset.delete"],
        "template": ["template.list", "template.retrieve"],
        "user": ["user.list", "user.retrieve", "user.update", "user.delete"],
    ]

    @Test(arguments: [21, 22, 23] as [UInt64])
    func everySearchEqualsItsEvaluations(seed: UInt64) async throws {
        try await ServerWorld.with { world in
            var random = SplitMix64(seed: seed)
            let place = try await TenantIsolationTests.seed(world, &random)
            let service = try #require(world.service)
            let everyUser = try await world.pool.query("SELECT id FROM users ORDER BY id").map { String(try $0.decode(Int64.self, at: 0)) }
            let objects: [String: [String]] = [
                "survey": place.objects("survey").map(\.id),
                "dataset": place.objects("dataset").map(\.id),
                "template": place.objects("template").map(\.id),
                "user": everyUser,
            ]
            // Keys confined where their user belongs, and keys of former members (which may do
            // nothing: their searches must find nothing, as their evaluations deny).
            let subjects: [[String: String]] = (place.keys.map(\.secret) + place.formerMembers).map { ["type": "api_key", "id": $0] }
                + everyUser.map { ["type": "user", "id": $0] }
            let state = random.next()
            let counts = try await world.client { client in
                var random = SplitMix64(seed: state)
                var counts = (resource: 0, subject: 0, action: 0, evaluations: 0)
                // Resource search: per subject and action, against every object of the type.
                for subject in subjects {
                    for (type, actions) in Self.actions {
                        for action in actions {
                            let limit = Int.random(in: 1...4, using: &random)
                            let body: [String: Any] = ["subject": subject, "action": ["name": action], "resource": ["type": type]]
                            let found = try await SearchTests.all(client, "resource", body, limit: limit, service: service)
                            let ids = SearchTests.ids(found.results)
                            #expect(ids.count == Set(ids).count, "no result twice")
                            let allowed = try await Self.evaluate(client, subject, objects[type]!.map { (action, type, $0) }, service: service)
                            #expect(Set(ids) == Set(zip(objects[type]!, allowed).filter(\.1).map(\.0)),
                                    "seed \(seed): resource search \(subject["type"]!) \(action)")
                            counts.resource += 1
                            counts.evaluations += allowed.count
                        }
                    }
                }
                // Subject search: per object and action, against every user.
                for (type, actions) in Self.actions {
                    for object in objects[type]! {
                        for action in actions {
                            let body: [String: Any] = ["subject": ["type": "user"], "action": ["name": action], "resource": ["type": type, "id": object]]
                            let found = SearchTests.ids(try await SearchTests.all(client, "subject", body, limit: 3, service: service).results)
                            var allowed: Set<String> = []
                            for user in everyUser {
                                if try await Self.evaluate(client, ["type": "user", "id": user], [(action, type, object)], service: service)[0] {
                                    allowed.insert(user)
                                }
                            }
                            #expect(Set(found) == allowed, "seed \(seed): subject search \(action) \(object)")
                            counts.subject += 1
                            counts.evaluations += everyUser.count
                        }
                    }
                }
                // Action search: per subject and object, against every action of the type.
                for subject in subjects {
                    for (type, ids) in objects {
                        let catalogue = Self.actions[type]! + (type == "template" ? [] : ["\(type).create"])
                        for object in ids.shuffled(using: &random).prefix(4) {
                            let body: [String: Any] = ["subject": subject, "resource": ["type": type, "id": object]]
                            let found = try await SearchTests.all(client, "action", body, limit: 2, service: service).results.compactMap { $0["name"] as? String }
                            let allowed = try await Self.evaluate(client, subject, catalogue.map { ($0, type, object) }, service: service)
                            #expect(Set(found) == Set(zip(catalogue, allowed).filter(\.1).map(\.0)), "seed \(seed): action search \(type) \(object)")
                            counts.action += 1
                            counts.evaluations += allowed.count
                        }
                    }
                }
                return counts
            }
            print("search differential, seed \(seed): \(counts.resource) resource, \(counts.subject) subject, \(counts.action) action searches against \(counts.evaluations) evaluations")
            #expect(counts.resource > 200 && counts.subject > 100 && counts.action > 50)
        }
    }

    /// The decisions of a batch of evaluations for one subject, in order.
    static func evaluate(
        _ client: some TestClientProtocol, _ subject: [String: String], _ questions: [(action: String, type: String, id: String)], service: String
    ) async throws -> [Bool] {
        guard !questions.isEmpty else { return [] }
        let items: [[String: Any]] = questions.map { ["action": ["name": $0.action], "resource": ["type": $0.type, "id": $0.id]] }
        let body = try JSONSerialization.data(withJSONObject: ["subject": subject, "evaluations": items] as [String: Any])
        let reply = try await client.send("/access/v1/evaluations", method: .post, key: service, body: String(decoding: body, as: UTF8.self))
        #expect(reply.status == .ok)
        let answers = (reply.object["evaluations"] as? [[String: Any]] ?? []).map { $0["decision"] as? Bool ?? false }
        #expect(answers.count == questions.count)
        return answers
    }
}
