import Foundation
import Hummingbird
import Postgres
import ServerTestSupport
import Testing
import TestSupport
import Vault

/// Cached survey reads (``ReadCache``) follow every change: writes through the API at once,
/// changes by anyone else (another instance, SQL) through `NOTIFY latchkey_data`, and membership
/// changes also through the key notices the membership triggers send.
@Suite struct ReadCacheTests {
    @Test func cachedReadsFollowChangesFromAnywhere() async throws {
        try await TestDatabase.withMigratedPool { pool in
            let changes = TableChanges()
            var world = ServerWorld(pool: pool, tableChanges: changes)
            world.service = try await world.dependencies.vault.issueServiceCredential(name: "agreement").secret
            let invalidator = VaultInvalidator(vault: world.dependencies.vault, configuration: pool.configuration, tableChanges: changes)
            let listening = Task { try await invalidator.run() }
            defer { invalidator.stop(); listening.cancel() }
            #expect(try await eventually { changes.generation > 0 }, "the listener connects and bumps once")

            let alice = try await world.user("alice")
            let acme = try await world.organisation("acme", members: [(alice, "admin")])
            let beta = try await world.organisation("beta")
            let s1 = try await world.survey("s1", owner: alice, organisation: acme)
            let s3 = try await world.survey("s3", owner: try await world.user("bob"), organisation: beta)
            let key = try await world.key(for: alice, organisation: acme, capabilities: ["view", "edit"])
            let personal = try await world.key(for: alice)
            let frozen = world
            try await frozen.client { client in
                #expect(try await client.send("/api/surveys/", key: key).ids == [s1])
                #expect(try await client.send("/api/surveys/\(s1)/", key: key).object["name"] as? String == "S1")

                // A change that announces nothing is not seen: the answers come from the cache...
                try await pool.execute("ALTER TABLE surveys DISABLE TRIGGER surveys_data")
                try await pool.execute("UPDATE surveys SET name = 'Silent' WHERE id = \(s1)")
                try await pool.execute("ALTER TABLE surveys ENABLE TRIGGER surveys_data")
                let stale = try await client.send("/api/surveys/", key: key)
                #expect((stale.json as? [[String: Any]])?.first?["name"] as? String == "S1")
                #expect(try await client.send("/api/surveys/\(s1)/", key: key).object["name"] as? String == "S1")
                // ...until anything announces a change.
                changes.bump()
                #expect(try await client.send("/api/surveys/\(s1)/", key: key).object["name"] as? String == "Silent")

                // Another instance (here: SQL) adds a survey: the notice reaches this one.
                let s2 = try await frozen.survey("s2", owner: alice, organisation: acme)
                #expect(try await eventually { try await client.send("/api/surveys/", key: key).ids == [s1, s2] })

                // A new membership: the key's principal and the cached list both follow (a key
                // without organisation, which acts wherever its user's roles reach).
                #expect(try await client.send("/api/surveys/", key: personal).ids == [s1, s2])
                try await pool.execute("INSERT INTO organisation_memberships (organisation_id, user_id, role) VALUES (\(beta), \(alice), 'admin')")
                #expect(try await eventually { try await client.send("/api/surveys/", key: personal).ids == [s1, s2, s3] })
                #expect(try await client.send("/api/surveys/\(s3)/", key: personal).status == .ok)
                #expect(try await client.send("/api/surveys/\(s3)/", key: key).status == .forbidden)  // confined to acme
                try await pool.execute("DELETE FROM organisation_memberships WHERE organisation_id = \(beta) AND user_id = \(alice)")
                // (Not replayed to the decision API: the notice may land between the two answers.)
                #expect(try await DecisionAgreement.$exempt.withValue(true) {
                    try await eventually { try await client.send("/api/surveys/\(s3)/", key: personal).status == .forbidden }
                })

                // A write through the API is seen at once by the next read, with no notice needed.
                try await pool.execute("ALTER TABLE surveys DISABLE TRIGGER surveys_data")
                let patch = try await client.send("/api/surveys/\(s2)/", method: .patch, key: key, body: #"{"name":"Renamed"}"#)
                try await pool.execute("ALTER TABLE surveys ENABLE TRIGGER surveys_data")
                #expect(patch.status == .ok)
                let listed = try await client.send("/api/surveys/", key: key)
                #expect((listed.json as? [[String: Any]])?.last?["name"] as? String == "Renamed")
            }
        }
    }

    /// A plugin is mounted once: the decision API's resolver and the resource routes read
    /// through one repository, so an entry the decision API warms is the one a route then serves.
    @Test func theDecisionAPIAndTheRoutesShareOneCache() async throws {
        try await TestDatabase.withMigratedPool { pool in
            let changes = TableChanges()  // nobody listens: only a bump makes an entry stale
            var world = ServerWorld(pool: pool, tableChanges: changes)
            world.service = try await world.dependencies.vault.issueServiceCredential(name: "agreement").secret
            let alice = try await world.user("alice")
            let acme = try await world.organisation("acme", members: [(alice, "admin")])
            let survey = try await world.survey("s1", owner: alice, organisation: acme)
            let key = try await world.key(for: alice, organisation: acme)
            let frozen = world
            try await frozen.client { client in
                let body = #"{"subject":{"type":"api_key","id":"\#(key)"},"action":{"name":"survey.retrieve"},"resource":{"type":"survey","id":"\#(survey)"}}"#
                let decision = try await client.send("/access/v1/evaluation", method: .post,
                                                     headers: [.authorization: "Bearer \(frozen.service ?? "")"], body: body)
                #expect(decision.object["decision"] as? Bool == true)
                try await pool.execute("UPDATE surveys SET name = 'Renamed' WHERE id = \(survey)")
                // The route's first read is a hit on the entry the decision API stored.
                #expect(try await client.send("/api/surveys/\(survey)/", key: key).object["name"] as? String == "S1")
                changes.bump()
                #expect(try await client.send("/api/surveys/\(survey)/", key: key).object["name"] as? String == "Renamed")
            }
        }
    }
}
