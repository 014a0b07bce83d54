import Foundation
import Hummingbird
import ServerTestSupport
import Testing

/// Dataset writes (SPEC §4): organisation datasets by an organisation admin or creator whose
/// key holds the capability; `nhs_dd` and global datasets read-only for everyone.
@Suite struct DatasetWriteTests {
    struct World: Sendable {
        var acme: Int64, beta: Int64
        var keys: [String: String]
    }

    static func seed(_ world: ServerWorld) async throws -> World {
        let admin = try await world.user("admin"), creator = try await world.user("creator")
        let viewer = try await world.user("viewer"), owner = try await world.user("owner"), outsider = try await world.user("outsider")
        let staffish = try await world.user("betaadmin")
        let acme = try await world.organisation("acme", owner: owner, members: [(admin, "admin"), (creator, "creator"), (viewer, "viewer")])
        let beta = try await world.organisation("beta", members: [(staffish, "admin"), (admin, "viewer")])
        try await world.dataset("nhs", global: true, category: "nhs_dd")
        try await world.dataset("global-list", global: true)
        try await world.dataset("acme-list", organisation: acme, createdBy: creator, options: ["a", "b"])
        try await world.dataset("acme-nhs", category: "nhs_dd", organisation: acme)
        try await world.dataset("beta-list", organisation: beta)
        var keys: [String: String] = [:]
        let all = ["view", "add", "edit", "delete"]
        for (name, id) in [("admin", admin), ("creator", creator), ("viewer", viewer), ("owner", owner), ("outsider", outsider)] {
            keys[name] = try await world.key(for: id, organisation: acme, capabilities: all)
        }
        keys["adminViewOnly"] = try await world.key(for: admin)
        return World(acme: acme, beta: beta, keys: keys)
    }

    @Test func createNeedsAnOrganisationRoleAndTheAddCapability() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            // (caller, body, expected status, code)
            let cases: [(String, String, HTTPResponse.Status, String?)] = [
                ("admin", #"{"key":"new-admin","name":"New","organisation":\#(w.acme),"options":["x","  y "],"tags":["t"]}"#, .created, nil),
                ("creator", #"{"key":"new-creator","name":"New","organisation":\#(w.acme)}"#, .created, nil),
                ("owner", #"{"key":"new-owner","name":"New","organisation":\#(w.acme)}"#, .created, nil),
                ("viewer", #"{"key":"new-viewer","name":"New","organisation":\#(w.acme)}"#, .forbidden, "DENY_ROLE"),
                // A key confined to acme whose user does not belong there is refused (SPEC §2).
                ("outsider", #"{"key":"new-outsider","name":"New","organisation":\#(w.acme)}"#, .unauthorized, nil),
                ("admin", #"{"key":"new-global","name":"New","organisation":\#(w.acme),"is_global":true}"#, .forbidden, "DENY_READ_ONLY_DATASET"),
                ("admin", #"{"key":"new-nhs","name":"New","organisation":\#(w.acme),"category":"nhs_dd"}"#, .forbidden, "DENY_READ_ONLY_DATASET"),
                ("admin", #"{"key":"new-personal","name":"New"}"#, .forbidden, "DENY_OUTSIDE_ORGANISATION"),
                ("adminViewOnly", #"{"key":"new-view","name":"New","organisation":\#(w.acme)}"#, .forbidden, "DENY_CAPABILITY"),
                ("admin", #"{"key":"acme-list","name":"Dup","organisation":\#(w.acme)}"#, .badRequest, "INVALID_BODY"),
                ("admin", #"{"key":"available-tags","name":"Route","organisation":\#(w.acme)}"#, .badRequest, "INVALID_BODY"),
                ("admin", #"{"key":"Bad Key","name":"New","organisation":\#(w.acme)}"#, .badRequest, "INVALID_BODY"),
                ("admin", #"{"key":"new-x","name":"New","organisation":\#(w.acme),"options":"a,b"}"#, .badRequest, "INVALID_BODY"),
                ("admin", #"{"key":"new-x","name":"New","organisation":\#(w.acme),"options":[1]}"#, .badRequest, "INVALID_BODY"),
                ("admin", #"{"key":"new-x","name":"New","organisation":\#(w.acme),"version":9}"#, .badRequest, "INVALID_BODY"),
                ("admin", #"{"name":"New","organisation":\#(w.acme)}"#, .badRequest, "INVALID_BODY"),
            ]
            try await world.client { client in
                for (caller, body, status, code) in cases {
                    let reply = try await client.send("/api/datasets/", method: .post, key: w.keys[caller]!, body: body)
                    #expect(reply.status == status, "\(caller) \(body): \(reply.text)")
                    #expect(reply.object["code"] as? String == code, "\(caller) \(body)")
                }
                let created = try await client.send("/api/datasets/new-admin/", key: w.keys["viewer"]!)
                #expect(created.status == .ok)
                #expect(created.object["options"] as? [String] == ["x", "  y "])
                #expect(created.object["version"] as? Int == 1)
                #expect(created.object["organisation_name"] as? String == "ACME")
                #expect(created.object["is_editable"] as? Bool == false, "a viewer may not edit it")
            }
            let rows = try await world.pool.query("""
                SELECT (SELECT count(*) FROM datasets WHERE key LIKE 'new-%'),
                       (SELECT count(*) FROM audit_events WHERE action = 'dataset.created'),
                       (SELECT created_by FROM datasets WHERE key = 'new-creator') = (SELECT id FROM users WHERE username = 'creator')
                """)[0]
            #expect(try rows.decode(Int.self, at: 0) == 3)
            #expect(try rows.decode(Int.self, at: 1) == 3)
            #expect(try rows.decode(Bool.self, at: 2))
        }
    }

    @Test func updateAndDeleteRespectReadOnlyAndVisibility() async throws {
        try await ServerWorld.with { world in
            let w = try await Self.seed(world)
            try await world.client { client in
                let patch = try await client.send("/api/datasets/acme-list/", method: .patch, key: w.keys["creator"]!,
                                                  body: #"{"options":["c"],"tags":["x","y"]}"#)
                #expect(patch.status == .ok, "\(patch.text)")
                #expect(patch.object["options"] as? [String] == ["c"])
                #expect(patch.object["name"] as? String == "ACME-LIST")
                #expect(patch.object["version"] as? Int == 2)
                #expect(patch.object["is_editable"] as? Bool == true)

                let put = try await client.send("/api/datasets/acme-list/", method: .put, key: w.keys["admin"]!,
                                                body: #"{"name":"Renamed","description":"d"}"#)
                #expect(put.object["name"] as? String == "Renamed")
                #expect(put.object["version"] as? Int == 3)
                let putMissing = try await client.send("/api/datasets/acme-list/", method: .put, key: w.keys["admin"]!, body: #"{"description":"d"}"#)
                #expect(putMissing.detail?.contains("'name' is required") == true)
                let rekey = try await client.send("/api/datasets/acme-list/", method: .patch, key: w.keys["admin"]!, body: #"{"key":"other"}"#)
                #expect(rekey.status == .badRequest)
                #expect(rekey.detail?.contains("'key' cannot be changed") == true)

                // Read-only: global and nhs_dd datasets, and turning a dataset global or nhs_dd.
                for (key, body) in [("nhs", #"{"name":"x"}"#), ("global-list", #"{"name":"x"}"#), ("acme-nhs", #"{"name":"x"}"#),
                                    ("acme-list", #"{"is_global":true}"#), ("acme-list", #"{"category":"nhs_dd"}"#)] {
                    // Making a dataset global or nhs_dd asks about the dataset as the body would
                    // make it, which the decision API's dataset.update cannot see.
                    let reply = try await DecisionAgreement.$exempt.withValue(key == "acme-list") {
                        try await client.send("/api/datasets/\(key)/", method: .patch, key: w.keys["admin"]!, body: body)
                    }
                    #expect(reply.status == .forbidden, "\(key) \(body)")
                    #expect(reply.object["code"] as? String == "DENY_READ_ONLY_DATASET", "\(key) \(body)")
                }
                let deleteGlobal = try await client.send("/api/datasets/nhs/", method: .delete, key: w.keys["admin"]!)
                #expect(deleteGlobal.object["code"] as? String == "DENY_READ_ONLY_DATASET")
                // Moving into another organisation (where the caller is a viewer): the key was
                // issued in acme and acts nowhere else.
                let move = try await DecisionAgreement.$exempt.withValue(true) {
                    try await client.send("/api/datasets/acme-list/", method: .patch, key: w.keys["admin"]!, body: #"{"organisation":\#(w.beta)}"#)
                }
                #expect(move.object["code"] as? String == "DENY_OUTSIDE_ORGANISATION")
                // Someone else's organisation: not visible, so 404 like a read.
                let hidden = try await client.send("/api/datasets/beta-list/", method: .patch, key: w.keys["creator"]!, body: #"{"name":"x"}"#)
                #expect(hidden.status == .notFound)
                let viewer = try await client.send("/api/datasets/acme-list/", method: .delete, key: w.keys["viewer"]!)
                #expect(viewer.object["code"] as? String == "DENY_ROLE")
                let lacking = try await client.send("/api/datasets/acme-list/", method: .delete, key: w.keys["adminViewOnly"]!)
                #expect(lacking.detail == "API key lacks the 'delete' capability.")
                let anonymous = try await client.send("/api/datasets/acme-list/", method: .delete)
                #expect(anonymous.status == .unauthorized)

                let delete = try await client.send("/api/datasets/acme-list/", method: .delete, key: w.keys["owner"]!)
                #expect(delete.status == .noContent)
                let gone = try await client.send("/api/datasets/acme-list/", key: w.keys["owner"]!)
                #expect(gone.status == .notFound)
            }
            let actions = try await world.pool.query("SELECT action FROM audit_events WHERE action NOT LIKE 'service.%' ORDER BY id").map { try $0.decode(String.self, at: 0) }
            #expect(actions == ["dataset.updated", "dataset.updated", "dataset.deleted"])
            let names = try await world.pool.query("SELECT name FROM datasets WHERE key IN ('nhs', 'global-list', 'acme-nhs', 'beta-list') ORDER BY key")
                .map { try $0.decode(String.self, at: 0) }
            #expect(names == ["ACME-NHS", "BETA-LIST", "GLOBAL-LIST", "NHS"])
        }
    }
}
