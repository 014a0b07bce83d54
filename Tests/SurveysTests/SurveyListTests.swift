import Foundation
import Hummingbird
import ServerTestSupport
import Testing
import TestSupport

/// Paging, metrics, and list == per-object decisions on a random world.
@Suite struct SurveyListTests {
    @Test func pagingEnvelopeOnlyWhenAsked() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            var created: [Int64] = []
            for index in 0..<5 { created.append(try await world.survey("s\(index)", owner: alice)) }
            let ids = created
            let key = try await world.key(for: alice)
            try await world.client { client in
                let bare = try await client.send("/api/surveys/", key: key)
                #expect((bare.json as? [[String: Any]])?.compactMap { ($0["id"] as? NSNumber)?.int64Value } == ids)

                let first = try await client.send("/api/surveys/?limit=2", key: key)
                #expect(first.object["count"] as? Int == 5)
                #expect(first.ids == Set(ids[0..<2]))
                #expect(first.object["previous"] is NSNull)
                #expect((first.object["next"] as? String)?.hasSuffix("/api/surveys/?limit=2&offset=2") == true)

                let middle = try await client.send("/api/surveys/?limit=2&offset=2", key: key)
                #expect(middle.ids == Set(ids[2..<4]))
                #expect((middle.object["previous"] as? String)?.hasSuffix("/api/surveys/?limit=2") == true)
                #expect((middle.object["next"] as? String)?.hasSuffix("/api/surveys/?limit=2&offset=4") == true)

                let beyond = try await client.send("/api/surveys/?offset=50", key: key)
                #expect(beyond.object["count"] as? Int == 5)
                #expect((beyond.object["results"] as? [Any])?.isEmpty == true)
                #expect(beyond.object["next"] is NSNull)
            }
        }
    }

    @Test func responseMetricsCountByUTCDayAndWindows() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let id = try await world.survey("s1", owner: alice)
            let other = try await world.survey("s2", owner: alice)
            try await world.pool.execute("""
                INSERT INTO survey_responses (survey_id, submitted_at) VALUES
                    (\(id), now() - interval '1 second'),
                    (\(id), date_trunc('day', now(), 'UTC') - interval '1 second'),
                    (\(id), now() - interval '3 days'),
                    (\(id), now() - interval '10 days'),
                    (\(id), now() - interval '20 days'),
                    (\(other), now())
                """)
            let key = try await world.key(for: alice)
            try await world.client { client in
                let reply = try await client.send("/api/surveys/\(id)/metrics/responses/", key: key)
                #expect(reply.status == .ok)
                #expect(reply.object as NSDictionary == ["total": 5, "today": 1, "last7": 3, "last14": 4] as NSDictionary)
            }
        }
    }

    /// A seeded random world: every caller's list equals the surveys their retrieve allows, for
    /// personal keys and keys confined to an organisation alike.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func listEqualsPerObjectDecisions(seed: UInt64) async throws {
        try await ServerWorld.with { world in
            var random = SplitMix64(seed: seed)
            let (users, organisations, teams) = try await world.randomMemberships(users: 8, ownerChance: 0.6, random: &random)
            var surveys: [Int64] = []
            for index in 0..<16 {
                let members = users.filter { _ in random.chance(0.15) }.map { ($0, ["creator", "editor", "viewer"].randomElement(using: &random)!) }
                surveys.append(try await world.survey(
                    "s\(index)", owner: users.randomElement(using: &random)!,
                    organisation: random.chance(0.7) ? organisations.randomElement(using: &random) : nil,
                    team: random.chance(0.5) ? teams.randomElement(using: &random) : nil,
                    members: members))
            }
            // Personal keys, and keys confined to the users' organisations and teams (SPEC §2).
            let keys = try await world.confinedKeys(users: users, random: &random)
            let allKeys = keys, allSurveys = surveys

            try await world.client { client in
                var listedSomething = false
                for key in allKeys {
                    let listed = try await client.send("/api/surveys/", key: key).ids
                    var allowed: Set<Int64> = []
                    for survey in allSurveys {
                        let status = try await client.send("/api/surveys/\(survey)/", key: key).status
                        #expect(status == .ok || status == .forbidden)
                        if status == .ok { allowed.insert(survey) }
                    }
                    #expect(listed == allowed, "seed \(seed)")
                    let paged = try await client.send("/api/surveys/?limit=3&offset=1", key: key)
                    #expect(paged.object["count"] as? Int == allowed.count)
                    listedSomething = listedSomething || !listed.isEmpty
                }
                #expect(listedSomething)
            }
        }
    }
}
