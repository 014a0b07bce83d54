import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PluginKit
import Policy
import Postgres
import Server
import ServerTestSupport
import Testing
@testable import Vault

/// The console's sign-in hardening (SPEC §10, issue #34): a wrong code is a failed sign-in and
/// only a completed sign-in clears failures; the count and the lock check are one atomic step;
/// sign-in and MFA submissions are throttled per client address; recovery codes are HMACs.
@Suite struct ConsoleSignInHardeningTests {
    static let password = "correct horse battery"

    /// A world with `ada` (enrolled in nothing yet) and a client of its console.
    static func withAda(_ body: @escaping @Sendable (ServerWorld, Int64, any TestClientProtocol) async throws -> Void) async throws {
        try await ServerWorld.with { world in
            let ada = try await world.person("ada")
            try await world.client(settings: ServerWorld.consoleSettings) { client in try await body(world, ada, client) }
        }
    }

    /// A six-digit code that is not the user's in the accepted window (nor near it).
    static func wrongCode(_ secret: [UInt8]) throws -> String {
        let totp = TOTP(secret: secret)
        let now = TOTP.step(at: Date())
        let near = try Set((-3...3).map { try totp.code(step: now + Int64($0)) })
        return try #require(["000000", "111111", "222222", "333333", "444444", "555555", "666666", "777777"].first { !near.contains($0) })
    }

    /// One request with the cookies `browser` holds (and extra headers), without updating them:
    /// safe to send from many tasks at once.
    static func send(
        _ client: any TestClientProtocol, _ path: String, cookies: [String: String], fields: [(String, String)], headers extra: HTTPFields = [:]
    ) async throws -> Page {
        var headers = extra
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = fields.map { "\(Browser.encode($0.0))=\(Browser.encode($0.1))" }.joined(separator: "&")
        return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
            Page(status: response.status, headers: response.headers, html: String(buffer: response.body))
        }
    }

    static func count(_ world: ServerWorld, _ sql: PGQuery) async throws -> Int64 {
        try await world.pool.query(sql)[0].decode(Int64.self, at: 0)
    }

    // MARK: 1. A wrong code is a failed sign-in; a right password clears nothing

    /// Knowing the password buys no more than five code guesses per lock: password, four bad
    /// codes, the password again, one more bad code → locked, and then even the right code and
    /// the right password are refused with the same message. Only a completed sign-in clears.
    @Test func knowingThePasswordBuysAtMostFiveCodeGuessesPerLock() async throws {
        try await Self.withAda { world, ada, client in
            let secret = try await Browser(client).signInWithMFA("ada", Self.password, step: -1)
            let wrong = try Self.wrongCode(secret)

            let attacker = Browser(client)
            #expect(try await attacker.signIn("ada", Self.password).location == "/account/mfa")
            var mfa = try await attacker.get("/account/mfa")
            for guess in 1...4 {
                let page = try await attacker.post("/account/mfa", [("csrf", mfa.csrf), ("code", wrong)])
                #expect(page.status == .unauthorized, "guess \(guess)")
                #expect(!page.html.contains("locked"), "guess \(guess)")
            }
            #expect(try await Self.count(world, "SELECT count(*) FROM sign_in_failures WHERE user_id = \(ada)") == 4)
            // The right password again: not locked yet, and it clears nothing.
            attacker.forget("lk_session")
            #expect(try await attacker.signIn("ada", Self.password).location == "/account/mfa")
            #expect(try await Self.count(world, "SELECT count(*) FROM sign_in_failures WHERE user_id = \(ada)") == 4,
                    "a correct password does not clear earlier failures")
            mfa = try await attacker.get("/account/mfa")
            let fifth = try await attacker.post("/account/mfa", [("csrf", mfa.csrf), ("code", wrong)])
            #expect(fifth.status == .tooManyRequests)
            #expect(fifth.html.contains(Self.lockedText))
            // Locked: the right code is not even judged, and the password is refused too,
            // with the same words (nothing tells which part was wrong).
            let right = try TOTP(secret: secret).code(step: TOTP.step(at: Date()) + 1)
            let afterLock = try await attacker.post("/account/mfa", [("csrf", mfa.csrf), ("code", right)])
            #expect(afterLock.status == .tooManyRequests && afterLock.html.contains(Self.lockedText))
            #expect(try await attacker.get("/account/keys").location == "/account/mfa")
            let password = try await Browser(client).signIn("ada", Self.password)
            #expect(password.status == .tooManyRequests && password.html.contains(Self.lockedText) && password.location == nil)
            #expect(try await Self.count(world, "SELECT count(*) FROM sign_in_failures WHERE user_id = \(ada)") == 5,
                    "attempts on a locked account are not counted")

            // After the lock, a completed sign-in (password and code) clears the failures.
            try await world.pool.execute("UPDATE sign_in_failures SET at = at - interval '16 minutes'")
            try await world.pool.execute("INSERT INTO sign_in_failures (user_id) VALUES (\(ada))")
            _ = try await Browser(client).signInWithMFA("ada", Self.password, secret: secret, step: 1)
            #expect(try await Self.count(world, "SELECT count(*) FROM sign_in_failures WHERE user_id = \(ada)") == 0)
        }
    }

    /// A wrong recovery code counts like a wrong TOTP code.
    @Test func aWrongRecoveryCodeIsAFailedSignIn() async throws {
        try await Self.withAda { world, ada, client in
            _ = try await Browser(client).signInWithMFA("ada", Self.password)
            let browser = Browser(client)
            try await browser.signIn("ada", Self.password)
            let mfa = try await browser.get("/account/mfa")
            for _ in 0..<5 { _ = try await browser.post("/account/mfa", [("csrf", mfa.csrf), ("code", "zzzzz-zzzzz")]) }
            #expect(try await Self.count(world, "SELECT count(*) FROM sign_in_failures WHERE user_id = \(ada)") == 5)
            #expect(try await Browser(client).signIn("ada", Self.password).status == .tooManyRequests)
        }
    }

    static let lockedText = "locked for 15 minutes"
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    // MARK: 2. The count and the check are one atomic step

    /// Twelve wrong codes at once for one signed-in session (the attacker knows the password):
    /// at most five are judged; every other is answered "locked" without being judged.
    @Test func concurrentCodeGuessesCannotPassTheLock() async throws {
        try await Self.withAda { world, ada, client in
            let secret = try await Browser(client).signInWithMFA("ada", Self.password)
            let wrong = try Self.wrongCode(secret)
            let attacker = Browser(client)
            #expect(try await attacker.signIn("ada", Self.password).location == "/account/mfa")
            let csrf = try await attacker.get("/account/mfa").csrf
            let cookies = attacker.cookies
            let pages = try await withThrowingTaskGroup(of: Page.self) { group in
                for _ in 0..<12 {
                    group.addTask { try await Self.send(client, "/account/mfa", cookies: cookies, fields: [("csrf", csrf), ("code", wrong)]) }
                }
                return try await group.reduce(into: [Page]()) { $0.append($1) }
            }
            #expect(pages.allSatisfy { [.unauthorized, .tooManyRequests].contains($0.status) }, "\(pages.map(\.status))")
            let judgedNotLocked = pages.filter { $0.status == .unauthorized }.count
            #expect(judgedNotLocked <= 4, "\(judgedNotLocked) guesses were judged without the lock")
            #expect(try await Self.count(world, "SELECT count(*) FROM sign_in_failures WHERE user_id = \(ada)") == 5)
            #expect(try await Self.count(world, "SELECT count(*) FROM audit_events WHERE action = 'login.failed' AND actor_id = \(ada)") <= 5)
        }
    }

    /// Twelve wrong passwords at once for one account, and twelve for a name that is nobody's:
    /// five failures each, never more.
    @Test func concurrentPasswordGuessesCannotPassTheLock() async throws {
        try await Self.withAda { world, ada, client in
            for name in ["ada", "nobody-at-all"] {
                let pages = try await withThrowingTaskGroup(of: Page.self) { group in
                    for _ in 0..<12 {
                        group.addTask {
                            try await Self.send(client, "/account/login", cookies: ["lk_signin": "token"],
                                                fields: [("csrf", "token"), ("username", name), ("password", "not the password")])
                        }
                    }
                    return try await group.reduce(into: [Page]()) { $0.append($1) }
                }
                #expect(pages.filter { $0.status == .unauthorized }.count <= 4, "\(name): \(pages.map(\.status))")
                #expect(pages.filter { $0.status == .tooManyRequests }.count >= 8, "\(name): \(pages.map(\.status))")
            }
            #expect(try await Self.count(world, "SELECT count(*) FROM sign_in_failures WHERE user_id = \(ada)") == 5)
            #expect(try await Self.count(world, "SELECT count(*) FROM unknown_sign_in_failures") == 5)
        }
    }

    // MARK: 3. Per-address throttle

    /// Sign-in and MFA submissions count against the client's address at the anonymous rate:
    /// past it, a 429 page with `Retry-After` before anything is checked; the forms themselves
    /// (GET) are not counted; another address is not affected.
    @Test func signInAndMFASubmissionsAreThrottledPerAddress() async throws {
        try await ServerWorld.with { world in
            try await world.person("ada")
            var settings = ServerWorld.consoleSettings
            settings.throttle = ThrottleSettings(anonymous: ThrottleRate(limit: 3, seconds: 60))
            settings.trustedProxies = ["127.0.0.1", "::1"]
            try await world.client(settings: settings, over: .live) { client in
                let first: HTTPFields = [Self.forwardedFor: "198.51.100.7"]
                let second: HTTPFields = [Self.forwardedFor: "198.51.100.8"]
                func signIn(_ name: String, _ password: String, from address: HTTPFields) async throws -> Page {
                    try await Self.send(client, "/account/login", cookies: ["lk_signin": "token"],
                                        fields: [("csrf", "token"), ("username", name), ("password", password)], headers: address)
                }
                for index in 0..<3 {
                    let page = try await signIn("stranger\(index)", "not the password", from: first)
                    #expect(page.status == .unauthorized, "attempt \(index)")
                }
                let throttled = try await signIn("ada", Self.password, from: first)
                #expect(throttled.status == .tooManyRequests)
                #expect(Int(throttled.headers[.retryAfter] ?? "") ?? 0 >= 1)
                #expect(throttled.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(throttled.html.contains("Too many") && !throttled.html.contains(Self.lockedText))
                #expect(throttled.headers[.setCookie] == nil, "no session")
                #expect(try await Self.count(world, "SELECT count(*) FROM web_sessions") == 0)
                #expect(try await Self.count(world, "SELECT count(*) FROM unknown_sign_in_failures") == 3)
                // The form itself is still served; another address still signs in.
                #expect(try await client.execute(uri: "/account/login", method: .get, headers: first) { $0.status } == .ok)
                let other = try await signIn("ada", Self.password, from: second)
                #expect(other.location == "/account/mfa")

                // MFA submissions count in the same bucket as sign-ins.
                let session = try #require(other.headers[values: .setCookie].first { $0.hasPrefix("lk_session=") })
                let token = String(session.dropFirst("lk_session=".count).prefix { $0 != ";" })
                let cookies = ["lk_session": token]
                var statuses: [HTTPResponse.Status] = []
                for _ in 0..<3 {
                    statuses.append(try await Self.send(client, "/account/mfa", cookies: cookies, fields: [("csrf", "x"), ("code", "123456")], headers: second).status)
                }
                #expect(statuses.prefix(2).allSatisfy { $0 != .tooManyRequests }, "\(statuses)")
                #expect(statuses.last == .tooManyRequests, "\(statuses)")
            }
        }
    }

    /// `LATCHKEY_THROTTLE=off` turns the console's throttle off too.
    @Test func theThrottleCanBeSwitchedOff() async throws {
        try await ServerWorld.with { world in
            var settings = ServerWorld.consoleSettings
            settings.throttle = ThrottleSettings(enabled: false, anonymous: ThrottleRate(limit: 2, seconds: 60))
            try await world.client(settings: settings) { client in
                for index in 0..<6 {
                    let page = try await Self.send(client, "/account/login", cookies: ["lk_signin": "token"],
                                                   fields: [("csrf", "token"), ("username", "stranger\(index)"), ("password", "x")])
                    #expect(page.status == .unauthorized)
                }
            }
        }
    }

    // MARK: 4. Bounded password hashing

    /// With every hashing slot of the instance taken past the short wait, a sign-in answers a
    /// 503 page with `Retry-After` (never a 500), for known and unknown names alike, and counts
    /// no failure; once a slot frees, sign-in works.
    @Test func signInAnswers503WhenPasswordHashingIsAtItsBound() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.person("ada")
            let limiter = PasswordHashingLimiter(slots: 1, maxWait: .milliseconds(50))
            let vault = Vault(pool: world.pool, engine: world.dependencies.engine, passwordHasher: ServerWorld.passwordHasher,
                              logger: world.dependencies.logger, passwordHashing: limiter)
            let dependencies = PluginDependencies(
                pool: world.pool, vault: vault, engine: world.dependencies.engine, logger: world.dependencies.logger, tableChanges: nil)
            let app = Application(router: buildRouter(dependencies: dependencies, plugins: world.mounted, settings: ServerWorld.consoleSettings))
            try await app.test(.router) { client in
                #expect(await limiter.acquire())
                for name in ["ada", "nobody-here"] {
                    let busy = try await Browser(client).signIn(name, Self.password)
                    #expect(busy.status == .serviceUnavailable, "\(name)")
                    #expect(busy.headers[.retryAfter] != nil && busy.headers[.contentType]?.hasPrefix("text/html") == true)
                    #expect(busy.html.contains("try again"))
                }
                #expect(try await Self.count(world, "SELECT count(*) FROM sign_in_failures WHERE user_id = \(ada)") == 0)
                #expect(try await Self.count(world, "SELECT count(*) FROM unknown_sign_in_failures") == 0)
                limiter.release()
                #expect(try await Browser(client).signIn("ada", Self.password).location == "/account/mfa")
            }
        }
    }

    // MARK: 6. Keys derived per purpose

    /// A TOTP secret sealed under the deployment's secret itself (before sealing had a derived
    /// key) still signs in, and is sealed again under the sealing key when used.
    @Test func totpSecretsSealedUnderTheSecretItselfAreResealedOnUse() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.person("ada")
            let secret = try #require(Base32.decode("JBSWY3DPEHPK3PXPJBSWY3DP"))
            let legacy = try ServerWorld.secretBox.seal(secret, purpose: SecretBox.mfaSecret, key: Array(repeating: 42, count: 32))
            #expect(ServerWorld.secretBox.opened(legacy, purpose: SecretBox.mfaSecret)?.needsReseal == true)
            try await world.pool.execute("UPDATE users SET mfa_secret = \(legacy) WHERE id = \(ada)")
            try await world.client(settings: ServerWorld.consoleSettings) { client in
                _ = try await Browser(client).signInWithMFA("ada", Self.password, secret: secret)
            }
            let stored = try await world.pool.query("SELECT mfa_secret FROM users WHERE id = \(ada)")[0].decode(String.self, at: 0)
            #expect(stored != legacy)
            let opened = try #require(ServerWorld.secretBox.opened(stored, purpose: SecretBox.mfaSecret))
            #expect(opened.plaintext == secret && !opened.needsReseal)
        }
    }

    // MARK: 5. Recovery codes are HMACs

    /// Enrolment stores each recovery code as an HMAC under a key derived from the deployment's
    /// secret: neither the code nor its plain SHA-256 is in the database.
    @Test func recoveryCodesAreStoredAsHMACs() async throws {
        try await Self.withAda { world, ada, client in
            let browser = Browser(client)
            try await browser.signIn("ada", Self.password)
            let enrol = try await browser.get("/account/mfa")
            let codes = enrol.recoveryCodes
            #expect(codes.count == 10)
            let pending = try await world.pool.query("SELECT array_to_string(pending_recovery, ',') FROM web_sessions WHERE user_id = \(ada)")[0]
                .decode(String.self, at: 0)
            let secret = try #require(Base32.decode(enrol.code(id: "mfa-secret") ?? ""))
            let code = try TOTP(secret: secret).code(step: TOTP.step(at: Date()))
            #expect(try await browser.post("/account/mfa", [("csrf", enrol.csrf), ("code", code)]).location == "/account/keys")
            let stored = try await world.pool.query("SELECT encode(code_hash, 'hex') FROM mfa_recovery_codes WHERE user_id = \(ada)")
                .map { try $0.decode(String.self, at: 0) }
            #expect(stored.count == 10)
            for code in codes {
                let plain = SHA256Digest(hashing: "recovery:" + code.replacingOccurrences(of: "-", with: "")).hex
                #expect(!stored.contains(plain) && !pending.contains(plain), "a plain SHA-256 of a recovery code is stored")
                #expect(!stored.contains { $0.contains(code.replacingOccurrences(of: "-", with: "")) })
            }
            // And a code still works, once.
            let again = Browser(client)
            try await again.signIn("ada", Self.password)
            let page = try await again.get("/account/mfa")
            #expect(try await again.post("/account/mfa", [("csrf", page.csrf), ("code", codes[5])]).location == "/account/keys")
            #expect(try await Self.count(world, "SELECT count(*) FROM mfa_recovery_codes WHERE user_id = \(ada) AND used_at IS NOT NULL") == 1)
        }
    }

    /// Codes stored before (unsalted SHA-256) are still accepted, once.
    @Test func legacySHA256RecoveryCodesWorkUntilUsed() async throws {
        try await Self.withAda { world, ada, client in
            _ = try await Browser(client).signInWithMFA("ada", Self.password)
            let legacy = Data(SHA256Digest(hashing: "recovery:abcde23456").bytes)
            try await world.pool.execute("INSERT INTO mfa_recovery_codes (user_id, code_hash) VALUES (\(ada), \(legacy))")
            let browser = Browser(client)
            try await browser.signIn("ada", Self.password)
            let page = try await browser.get("/account/mfa")
            #expect(try await browser.post("/account/mfa", [("csrf", page.csrf), ("code", "ABCDE-23456")]).location == "/account/keys")
            let reuse = Browser(client)
            try await reuse.signIn("ada", Self.password)
            let second = try await reuse.get("/account/mfa")
            #expect(try await reuse.post("/account/mfa", [("csrf", second.csrf), ("code", "abcde-23456")]).status == .unauthorized)
        }
    }
}
