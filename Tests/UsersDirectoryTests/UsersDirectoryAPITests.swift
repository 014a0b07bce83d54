import Foundation
import Hummingbird
import ServerTestSupport
import Testing
import Vault

/// SPEC §4 Users (organisation directory), end to end.
@Suite struct UsersDirectoryAPITests {
    static let path = "/api/user/"

    /// acme: owner (no membership), admin, creator, viewer, an inactive viewer, and a user also in
    /// beta; beta: its own member.
    struct Directory: Sendable {
        var acme: Int64, beta: Int64
        var owner: Int64, admin: Int64, creator: Int64, viewer: Int64, inactive: Int64, both: Int64, betaOnly: Int64, nobody: Int64
        var acmeUsers: Set<Int64> { [owner, admin, creator, viewer, inactive, both] }
    }

    static func seed(_ world: ServerWorld) async throws -> Directory {
        let owner = try await world.user("owner")
        let admin = try await world.user("admin")
        let creator = try await world.user("creator")
        let viewer = try await world.user("viewer")
        let inactive = try await world.user("inactive", active: false)
        let both = try await world.user("both")
        let betaOnly = try await world.user("betaonly")
        let nobody = try await world.user("nobody")
        let acme = try await world.organisation("acme", owner: owner, members: [
            (admin, "admin"), (creator, "creator"), (viewer, "viewer"), (inactive, "viewer"), (both, "viewer"),
        ])
        let beta = try await world.organisation("beta", members: [(betaOnly, "admin"), (both, "creator")])
        return Directory(acme: acme, beta: beta, owner: owner, admin: admin, creator: creator, viewer: viewer,
                         inactive: inactive, both: both, betaOnly: betaOnly, nobody: nobody)
    }

    @Test func listsTheKeysOrganisationWithRoles() async throws {
        try await ServerWorld.with { world in
            let d = try await Self.seed(world)
            let key = try await world.key(for: d.viewer, organisation: d.acme)
            let betaKey = try await world.key(for: d.both, organisation: d.beta)
            try await world.client { client in
                let list = try await client.send(Self.path, key: key)
                #expect(list.status == .ok)
                #expect(list.ids == d.acmeUsers)
                let items = list.json as? [[String: Any]] ?? []
                #expect(items.compactMap { ($0["id"] as? NSNumber)?.int64Value } == d.acmeUsers.sorted())
                let roles = Dictionary(uniqueKeysWithValues: items.map { (($0["id"] as? NSNumber)?.int64Value ?? 0, $0["role"] as? String) })
                #expect(roles == [d.owner: "owner", d.admin: "admin", d.creator: "creator", d.viewer: "viewer",
                                  d.inactive: "viewer", d.both: "viewer"])

                let beta = try await client.send(Self.path, key: betaKey)
                #expect(beta.ids == [d.betaOnly, d.both])
                let bothInBeta = (beta.json as? [[String: Any]])?.first { ($0["id"] as? NSNumber)?.int64Value == d.both }
                #expect(bothInBeta?["role"] as? String == "creator")

                let paged = try await client.send("\(Self.path)?limit=2", key: key)
                #expect(paged.object["count"] as? Int == 6)
                #expect(paged.ids.count == 2)
            }
        }
    }

    @Test func retrieveShowsExactlyTheFields() async throws {
        try await ServerWorld.with { world in
            let d = try await Self.seed(world)
            try await world.pool.execute("UPDATE users SET first_name = 'Ada', last_name = 'Admin' WHERE id = \(d.admin)")
            let key = try await world.key(for: d.viewer, organisation: d.acme)
            try await world.client { client in
                let reply = try await client.send("\(Self.path)\(d.admin)/", key: key)
                #expect(reply.status == .ok)
                #expect(reply.object as NSDictionary == [
                    "id": d.admin, "username": "admin", "email": "admin@example.com", "first_name": "Ada",
                    "last_name": "Admin", "is_active": true, "role": "admin",
                ] as NSDictionary)
                let inactive = try await client.send("\(Self.path)\(d.inactive)/", key: key)
                #expect(inactive.status == .ok)
                #expect(inactive.object["is_active"] as? Bool == false)
                let owner = try await client.send("\(Self.path)\(d.owner)/", key: key)
                #expect(owner.object["role"] as? String == "owner")
            }
        }
    }

    @Test func otherOrganisationsUsersAre404() async throws {
        try await ServerWorld.with { world in
            let d = try await Self.seed(world)
            let key = try await world.key(for: d.admin, organisation: d.acme)
            try await world.client { client in
                for id in [d.betaOnly, d.nobody, d.nobody + 1000] {
                    let reply = try await client.send("\(Self.path)\(id)/", key: key)
                    #expect(reply.status == .notFound, "user \(id)")
                    #expect(reply.detail == "Not found.")
                }
                let malformed = try await client.send("\(Self.path)abc/", key: key)
                #expect(malformed.status == .notFound)
                // In both organisations: visible through either key.
                let both = try await client.send("\(Self.path)\(d.both)/", key: key)
                #expect(both.status == .ok)
            }
        }
    }

    @Test func isActiveFilter() async throws {
        try await ServerWorld.with { world in
            let d = try await Self.seed(world)
            let key = try await world.key(for: d.admin, organisation: d.acme)
            let active = d.acmeUsers.subtracting([d.inactive])
            let cases: [(String, Set<Int64>)] = [
                ("is_active=True", active), ("is_active=true", active),
                ("is_active=False", [d.inactive]), ("is_active=false", [d.inactive]),
            ]
            try await world.client { client in
                for (query, expected) in cases {
                    let reply = try await client.send("\(Self.path)?\(query)", key: key)
                    #expect(reply.status == .ok, "\(query)")
                    #expect(reply.ids == expected, "\(query)")
                }
                for query in ["is_active=yes", "is_active=", "is_active=TRUE", "is_active=True&is_active=False", "is_active=%27%20OR%201%3D1"] {
                    let reply = try await client.send("\(Self.path)?\(query)", key: key)
                    #expect(reply.status == .badRequest, "\(query)")
                    #expect(reply.object["code"] as? String == "INVALID_PARAMETER", "\(query)")
                    #expect(reply.detail == "Invalid value for query parameter 'is_active': expected True or False."
                            || query.contains("&"), "\(query)")
                }
            }
        }
    }

    @Test func needsAnOrganisationContext() async throws {
        try await ServerWorld.with { world in
            let d = try await Self.seed(world)
            let noContext = try await world.key(for: d.admin)
            // A key issued in acme whose user has since left acme.
            let leaver = try await world.user("leaver")
            let leaverKey = try await world.key(for: leaver, organisation: d.acme)
            let noView = try await world.key(for: d.admin, organisation: d.acme, capabilities: ["superuser"])
            try await world.client { client in
                for uri in [Self.path, "\(Self.path)\(d.admin)/", "\(Self.path)?is_active=bogus"] {
                    let reply = try await client.send(uri, key: noContext)
                    #expect(reply.status == .forbidden, "\(uri)")
                    #expect(reply.headers[.contentType] == "application/json")
                    #expect(reply.detail == "The user directory needs a key issued in an organisation.", "\(uri)")
                    #expect(reply.object["code"] as? String == "DENY_NO_ORGANISATION_CONTEXT")

                    // SPEC §2 offboarding: such a key is refused outright.
                    let left = try await client.send(uri, key: leaverKey)
                    #expect(left.status == .unauthorized, "\(uri)")
                    #expect(left.detail == "Invalid API key.")

                    let lacking = try await client.send(uri, key: noView)
                    #expect(lacking.status == .forbidden, "\(uri)")
                    #expect(lacking.detail == "API key lacks the 'view' capability.")

                    let anonymous = try await client.send(uri)
                    #expect(anonymous.status == .unauthorized, "\(uri)")
                    #expect(anonymous.headers[.wwwAuthenticate] == #"Bearer realm="api""#)
                }
            }
        }
    }

    @Test func superuserKeysAddEditAndRemoveUsersOfTheirOrganisation() async throws {
        try await ServerWorld.with { world in
            let d = try await Self.seed(world)
            let superuser = try await world.key(for: d.admin, organisation: d.acme, capabilities: ["view", "superuser"])
            let viewerKey = try await world.key(for: d.viewer, organisation: d.acme)
            try await world.client { client in
                let created = try await client.send(Self.path, method: .post, key: superuser,
                                                    body: #"{"username":"newbie","email":"newbie@example.com","first_name":"New","role":"creator"}"#)
                #expect(created.status == .created, "\(created.text)")
                #expect(created.object["role"] as? String == "creator")
                #expect(created.object["is_active"] as? Bool == true)
                let newID = (created.object["id"] as? NSNumber)?.int64Value ?? 0
                #expect(created.headers[.location] == "\(Self.path)\(newID)/")
                let listed = try await client.send(Self.path, key: viewerKey)
                #expect(listed.ids == d.acmeUsers.union([newID]))

                // The viewer's own key works until a superuser deactivates them: then at once 401.
                #expect(try await client.send(Self.path, key: viewerKey).status == .ok)
                let deactivate = try await client.send("\(Self.path)\(d.viewer)/", method: .patch, key: superuser, body: #"{"is_active":false}"#)
                #expect(deactivate.status == .ok)
                #expect(deactivate.object["is_active"] as? Bool == false)
                #expect(try await client.send(Self.path, key: viewerKey).status == .unauthorized)

                let promote = try await client.send("\(Self.path)\(d.creator)/", method: .put, key: superuser,
                                                    body: #"{"email":"creator@acme.example","last_name":"Smith","role":"admin"}"#)
                #expect(promote.status == .ok)
                #expect(promote.object["role"] as? String == "admin")
                #expect(promote.object["last_name"] as? String == "Smith")

                let remove = try await client.send("\(Self.path)\(d.both)/", method: .delete, key: superuser)
                #expect(remove.status == .noContent)
                let gone = try await client.send("\(Self.path)\(d.both)/", key: superuser)
                #expect(gone.status == .notFound)

                // Refusals: the owner cannot be removed or given a role; users of other
                // organisations are 404; fixed and duplicate fields are 400.
                let owner = try await client.send("\(Self.path)\(d.owner)/", method: .delete, key: superuser)
                #expect(owner.object["code"] as? String == "DENY_ROLE")
                #expect(owner.status == .forbidden)
                let ownerRole = try await client.send("\(Self.path)\(d.owner)/", method: .patch, key: superuser, body: #"{"role":"viewer"}"#)
                #expect(ownerRole.status == .forbidden)
                #expect(ownerRole.object["code"] as? String == "DENY_ROLE")
                for method in [HTTPRequest.Method.patch, .delete] {
                    let outside = try await client.send("\(Self.path)\(d.betaOnly)/", method: method, key: superuser, body: #"{"first_name":"x"}"#)
                    #expect(outside.status == .notFound, "\(method)")
                }
                for body in [#"{"username":"admin","email":"x@example.com"}"#, #"{"username":"fresh","email":"ADMIN@example.com"}"#,
                             #"{"username":"fresh","email":"not-an-email"}"#, #"{"username":"has space","email":"s@example.com"}"#,
                             #"{"username":"fresh"}"#, #"{"username":"fresh","email":"f@example.com","role":"owner"}"#,
                             #"{"username":"fresh","email":"f@example.com","tier":"enterprise"}"#] {
                    let reply = try await client.send(Self.path, method: .post, key: superuser, body: body)
                    #expect(reply.status == .badRequest, "\(body): \(reply.text)")
                    #expect(reply.object["code"] as? String == "INVALID_BODY", "\(body)")
                }
                let rename = try await client.send("\(Self.path)\(d.creator)/", method: .patch, key: superuser, body: #"{"username":"other"}"#)
                #expect(rename.detail?.contains("'username' cannot be changed") == true)
            }
            let actions = try await world.pool.query("SELECT action FROM audit_events WHERE action NOT LIKE 'service.%' ORDER BY id").map { try $0.decode(String.self, at: 0) }
            // Deactivating the viewer ends their key confined to acme (that key's own `key.revoked`
            // first); removing `both` ends their membership.
            #expect(actions == ["user.created", "key.revoked", "membership_ended", "user.updated", "user.updated", "membership_ended", "user.removed"])
        }
    }

    @Test func writesNeedTheSuperuserCapability() async throws {
        try await ServerWorld.with { world in
            let d = try await Self.seed(world)
            let everythingButSuperuser = try await world.key(for: d.admin, organisation: d.acme, capabilities: ["view", "add", "edit", "delete"])
            let personal = try await world.key(for: d.admin, capabilities: ["view", "superuser"])
            let before = try await world.fingerprint()
            try await world.client { client in
                for (method, uri) in [(HTTPRequest.Method.post, Self.path), (.put, "\(Self.path)\(d.viewer)/"),
                                      (.patch, "\(Self.path)\(d.viewer)/"), (.delete, "\(Self.path)\(d.viewer)/")] {
                    let body = #"{"username":"x","email":"x@example.com"}"#
                    let lacking = try await client.send(uri, method: method, key: everythingButSuperuser, body: body)
                    #expect(lacking.status == .forbidden, "\(method)")
                    #expect(lacking.detail == "API key lacks the 'superuser' capability.", "\(method)")
                    let noContext = try await client.send(uri, method: method, key: personal, body: body)
                    #expect(noContext.status == .forbidden, "\(method)")
                    // Without an organisation a key acts with `view` at most (SPEC §2), whatever it stores.
                    #expect(noContext.detail == "API key lacks the 'superuser' capability.", "\(method)")
                    let anonymous = try await client.send(uri, method: method, body: body)
                    #expect(anonymous.status == .unauthorized, "\(method)")
                }
            }
            #expect(try await world.fingerprint() == before)
        }
    }
}
