import Foundation
import Hummingbird
import HummingbirdTesting
import ServerTestSupport
import Testing

/// The decision API answers for objects that do not exist yet (SPEC §6 `*.create`, `key.issue`)
/// from the AuthZEN `resource.properties`, with the same rules the resource API and the vault apply.
@Suite struct DecisionProposalTests {
    @Test func createsAndKeyIssuanceAreJudgedFromProperties() async throws {
        try await ServerWorld.with { world in
            let admin = try await world.user("admin"), outsider = try await world.user("outsider")
            let member = try await world.user("member", tier: .organisation), self_ = try await world.user("selfserve")
            let free = try await world.user("free", tier: .free)
            let acme = try await world.organisation("acme", members: [(admin, "admin"), (member, "viewer"), (free, "viewer")])
            let adminKey = try await world.key(for: admin), outsiderKey = try await world.key(for: outsider)
            let selfKey = try await world.key(for: self_)
            let service = try #require(world.service)
            // (key, action, resource properties, expected decision, expected code or nil)
            let cases: [(String, String, String, Bool, String?)] = [
                (adminKey, "key.issue", #"{"user":\#(member),"organisation":\#(acme)}"#, true, nil),
                (adminKey, "key.issue", #"{"user":"\#(member)"}"#, true, nil),
                (adminKey, "key.issue", #"{"user":\#(member),"capabilities":["view","superuser"]}"#, false, "DENY_CAPABILITY_GRANT"),
                (adminKey, "key.issue", #"{"user":\#(free)}"#, false, "DENY_TIER"),
                (adminKey, "key.issue", #"{"user":"abc"}"#, false, "DENY_RESOURCE_MISMATCH"),
                (adminKey, "key.issue", #"{"user":999999}"#, false, "DENY_RESOURCE_MISMATCH"),
                (adminKey, "key.issue", #"{}"#, false, "DENY_RESOURCE_MISMATCH"),
                (selfKey, "key.issue", #"{"user":\#(self_)}"#, true, "ALLOW_SELF_SERVE"),
                (outsiderKey, "key.issue", #"{"user":\#(member)}"#, false, nil),
                (adminKey, "survey.create", #"{"organisation":\#(acme)}"#, false, "DENY_CAPABILITY"),
                (outsiderKey, "survey.create", #"{}"#, false, "DENY_CAPABILITY"),
            ]
            // Capabilities beyond view exist only on keys issued in an organisation (SPEC §2).
            let addKey = try await world.key(for: admin, organisation: acme, capabilities: ["view", "add"])
            let outsiderAdd = try await world.key(for: outsider, organisation: acme, capabilities: ["view", "add"])
            let personalAdd = try await world.key(for: admin, capabilities: ["view", "add"])
            let withAdd: [(String, String, String, Bool, String?)] = [
                (addKey, "survey.create", #"{"organisation":\#(acme)}"#, true, "ALLOW_ORG_ADMIN"),
                (addKey, "survey.create", #"{}"#, false, "DENY_OUTSIDE_ORGANISATION"),
                (personalAdd, "survey.create", #"{}"#, false, "DENY_CAPABILITY"),
                // A key confined to acme whose user does not belong there acts not at all (SPEC §2).
                (outsiderAdd, "survey.create", #"{"organisation":\#(acme)}"#, false, "DENY_INVALID_KEY"),
                // No organisation has that id: judged as any organisation outside the key (no existence oracle, SPEC §4).
                (addKey, "survey.create", #"{"organisation":999999}"#, false, "DENY_OUTSIDE_ORGANISATION"),
                (addKey, "survey.create", #"{"organisation":1.5}"#, false, "DENY_RESOURCE_MISMATCH"),
                (addKey, "dataset.create", #"{"organisation":\#(acme)}"#, true, "ALLOW_ORG_ADMIN"),
                (addKey, "dataset.create", #"{"organisation":\#(acme),"is_global":true}"#, false, "DENY_READ_ONLY_DATASET"),
                (addKey, "dataset.create", #"{"organisation":\#(acme),"category":"nhs_dd"}"#, false, "DENY_READ_ONLY_DATASET"),
                (addKey, "dataset.create", #"{"organisation":\#(acme),"category":"bogus"}"#, false, "DENY_RESOURCE_MISMATCH"),
                (addKey, "user.create", #"{}"#, false, "DENY_CAPABILITY"),
            ]
            try await world.client { client in
                for (key, action, properties, allowed, code) in cases + withAdd {
                    let type = String(action.split(separator: ".")[0])
                    let body = #"{"subject":{"type":"api_key","id":"\#(key)"},"action":{"name":"\#(action)"},"resource":{"type":"\#(type)","properties":\#(properties)}}"#
                    let reply = try await client.send("/access/v1/evaluation", method: .post, key: service, body: body)
                    #expect(reply.status == .ok, "\(action) \(properties)")
                    #expect(reply.object["decision"] as? Bool == allowed, "\(action) \(properties): \(reply.text)")
                    if let code {
                        #expect((reply.object["context"] as? [String: Any])?["code"] as? String == code, "\(action) \(properties): \(reply.text)")
                    }
                }
                let malformed = try await client.send("/access/v1/evaluation", method: .post, key: service,
                    body: #"{"subject":{"type":"api_key","id":"\#(adminKey)"},"action":{"name":"key.issue"},"resource":{"type":"key","properties":[]}}"#)
                #expect(malformed.status == .badRequest)
                #expect(malformed.detail?.contains("'resource.properties' must be an object") == true)
            }
        }
    }
}
