import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Server
import Tenancy
import Accounts
import ServerTestSupport
import Testing
import TestSupport
import Vault

/// The console serves signed-in pages from memory (sessions and key lists), so it must hear of
/// every change made elsewhere: by another instance, or by SQL. Two instances here share one
/// database, each with its own vault, console cache and change listener.
@Suite struct ConsoleCacheTests {
    static let password = "correct horse battery"

    /// Ada signed in with MFA (enrolling) through instance A, and a browser on instance B holding
    /// the same session cookie; with her TOTP secret.
    static func adaSignedInOnBoth(_ clientA: any TestClientProtocol, _ clientB: any TestClientProtocol) async throws
        -> (onA: Browser, onB: Browser, secret: [UInt8]) {
        let onA = Browser(clientA)
        let secret = try await onA.signInWithMFA("ada", password, step: -1)
        let onB = Browser(clientB)
        onB.set("lk_session", try #require(onA.cookies["lk_session"]))
        return (onA, onB, secret)
    }

    @Test func changesOnOneInstanceOrBySQLReachTheOther() async throws {
        try await ServerWorld.twoInstances { a, b in
            let pool = a.pool
            try await a.person("ada")

            try await a.client(settings: ServerWorld.consoleSettings) { clientA in
                try await b.client(settings: ServerWorld.consoleSettings) { clientB in
                    let (onA, onB, secret) = try await Self.adaSignedInOnBoth(clientA, clientB)
                    // B reads the session and the (empty) key list, and keeps them.
                    let empty = try await onB.get("/account/keys")
                    #expect(empty.status == .ok && !empty.html.contains("ct_live_"))

                    // A key generated on A shows on B, and its revocation on A too.
                    let form = try await onA.get("/account/keys")
                    let issued = try await onA.post("/account/keys", [("csrf", form.csrf), ("name", "Shared"), ("capabilities", "view")])
                    #expect(issued.status == .created)
                    #expect(try await eventually { try await onB.get("/account/keys").html.contains("Shared") })
                    let id = try #require(try await pool.query("SELECT id FROM api_keys")[0].decode(UUID.self, at: 0))
                    let revoke = try await onA.get("/account/keys/\(id.uuidString.lowercased())/revoke")
                    #expect(try await onA.post("/account/keys/\(id.uuidString.lowercased())/revoke", [("csrf", revoke.csrf)]).status == .seeOther)
                    #expect(try await eventually { try await onB.get("/account/keys").html.contains("revoked") })

                    // Sign-out on A ends the session on A at once and on B soon after.
                    let page = try await onA.get("/account/keys")
                    #expect(try await onA.post("/account/logout", [("csrf", page.csrf)]).status == .seeOther)
                    #expect(try await onA.get("/account/keys").location == "/account/login")
                    #expect(try await eventually { try await onB.get("/account/keys").location == "/account/login" })

                    // An operator's SQL: deactivating the user, or deleting the session row.
                    for sql: PGQuery in ["UPDATE users SET is_active = false", "DELETE FROM web_sessions"] {
                        let again = Browser(clientA)
                        _ = try await again.signInWithMFA("ada", Self.password, secret: secret, step: sql.sql.hasPrefix("UPDATE") ? 0 : 1)
                        onB.set("lk_session", try #require(again.cookies["lk_session"]))
                        #expect(try await onB.get("/account/keys").status == .ok)
                        try await pool.execute(sql)
                        #expect(try await eventually { try await onB.get("/account/keys").location == "/account/login" }, "\(sql.sql)")
                        #expect(try await eventually { try await again.get("/account/keys").location == "/account/login" }, "\(sql.sql)")
                        try await pool.execute("UPDATE users SET is_active = true")
                    }
                }
            }
        }
    }

    /// How long after `start` the page at `path` on `browser` stopped being served as before
    /// (`stillServed`), probed every 5 ms for at most 5 s; `nil` when it never stopped.
    static func stopped(_ browser: Browser, _ path: String, since start: ContinuousClock.Instant,
                        stillServed: @Sendable (Int, String?) -> Bool) async throws -> Duration? {
        while ContinuousClock.now - start < .seconds(5) {
            let page = try await browser.get(path)
            if !stillServed(Int(page.status.code), page.location) { return ContinuousClock.now - start }
            try await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    /// Offboarding and a password change on one instance reach a web session held by the other
    /// within a second (issue #32).
    @Test func offboardingAndPasswordChangeOnOneInstanceReachTheOtherWithinASecond() async throws {
        try await ServerWorld.twoInstances { a, b in
            let ada = try await a.person("ada", tier: .organisation)
            _ = try await a.organisation("acme", members: [(ada, "admin")])
            try await a.client(settings: ServerWorld.consoleSettings) { clientA in
                try await b.client(settings: ServerWorld.consoleSettings) { clientB in
                    let (onA, onB, _) = try await Self.adaSignedInOnBoth(clientA, clientB)
                    #expect(try await onB.get("/org/acme/keys").status == .ok)
                    #expect(try await onB.get("/org/acme/keys").status == .ok)

                    try await Tenancy(vault: a.dependencies.vault).removeMember("ada", from: .organisation("acme"))
                    let removed = ContinuousClock.now
                    #expect(try await onA.get("/org/acme/keys").status != .ok, "at once on the instance that removed her")
                    let offboarded = try await Self.stopped(onB, "/org/acme/keys", since: removed) { status, _ in status == 200 }
                    #expect(offboarded.map { $0 <= .seconds(1) } == true, "B still served the admin page for \(String(describing: offboarded))")
                    #expect(try await onB.get("/account/keys").status == .ok, "still signed in")

                    _ = try await Accounts(vault: a.dependencies.vault).setPassword(username: "ada", password: "a different horse")
                    let changed = ContinuousClock.now
                    #expect(try await onA.get("/account/keys").location == "/account/login")
                    let signedOut = try await Self.stopped(onB, "/account/keys", since: changed) { _, location in location != "/account/login" }
                    #expect(signedOut.map { $0 <= .seconds(1) } == true, "B kept the session for \(String(describing: signedOut))")
                }
            }
        }
    }

    /// An MFA change on one instance reaches a web session held by the other within a second
    /// (issue #32): her organisation comes to require a passkey, so a session verified with a
    /// TOTP code is sent back to MFA (only the page that adds a passkey stays open), and back
    /// when the requirement is lifted.
    @Test func anMFAChangeOnOneInstanceReachesTheOtherWithinASecond() async throws {
        try await ServerWorld.twoInstances { a, b in
            let ada = try await a.person("ada", tier: .organisation)
            let acme = try await a.organisation("acme", members: [(ada, "admin")])
            try await a.client(settings: ServerWorld.consoleSettings) { clientA in
                try await b.client(settings: ServerWorld.consoleSettings) { clientB in
                    let (onA, onB, _) = try await Self.adaSignedInOnBoth(clientA, clientB)
                    #expect(try await onB.get("/account/keys").status == .ok)
                    #expect(try await onB.get("/account/keys").status == .ok, "served from B's cache")

                    let tenancy = Tenancy(vault: a.dependencies.vault)
                    var policy = try await tenancy.keyPolicy(organisationID: acme)
                    policy.requirePasskey = true
                    _ = try await tenancy.setKeyPolicy(policy, organisationID: acme, actor: ada, via: "test")
                    let required = ContinuousClock.now
                    #expect(try await onA.get("/account/keys").location == "/account/mfa", "at once on the instance that changed it")
                    let sentBack = try await Self.stopped(onB, "/account/keys", since: required) { status, _ in status == 200 }
                    #expect(sentBack.map { $0 <= .seconds(1) } == true, "B served the TOTP-verified session for \(String(describing: sentBack))")
                    #expect(try await onB.get("/account/keys").location == "/account/mfa")
                    #expect(try await onB.get("/account/security").status == .ok, "the page that adds a passkey stays open")

                    policy.requirePasskey = false
                    _ = try await tenancy.setKeyPolicy(policy, organisationID: acme, actor: ada, via: "test")
                    let loosened = ContinuousClock.now
                    let back = try await Self.stopped(onB, "/account/keys", since: loosened) { status, _ in status != 200 }
                    #expect(back.map { $0 <= .seconds(1) } == true, "B still refused after the policy was loosened for \(String(describing: back))")
                }
            }
        }
    }
}
