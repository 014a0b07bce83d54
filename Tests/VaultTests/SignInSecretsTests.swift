import Accounts
import Foundation
import TestSupport
import Testing
@testable import Vault

/// The keys and bounds behind the console's sign-in (SPEC §10, issue #34): HKDF (RFC 5869), one
/// derived key per purpose, values sealed under the undivided secret still opening (and saying
/// so), and the per-instance bound on password hashing.
@Suite struct SignInSecretsTests {
    static func isBusy(_ error: any Error) -> Bool {
        if case VaultError.passwordHashingBusy = error { return true }
        return false
    }

    static func bytes(_ hex: String) -> [UInt8] { hexBytes(hex) }

    /// RFC 5869 appendix A, test cases 1 and 3 (SHA-256; case 3 has no salt and no info).
    @Test func hkdfMatchesRFC5869() throws {
        let one = try HKDF.sha256(
            key: Self.bytes(String(repeating: "0b", count: 22)), salt: Self.bytes("000102030405060708090a0b0c"),
            info: Self.bytes("f0f1f2f3f4f5f6f7f8f9"), length: 42)
        #expect(SecureRandom.hexString(one) == "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
        let three = try HKDF.sha256(key: Self.bytes(String(repeating: "0b", count: 22)), info: [], length: 42)
        #expect(SecureRandom.hexString(three) == "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")
        #expect(throws: CryptoError.self) { try HKDF.sha256(key: [1], info: [], length: 0) }
    }

    /// Sealing, MACs and code hashing each have their own key, none of them the secret itself.
    @Test func eachPurposeHasItsOwnKey() throws {
        let secret = [UInt8](repeating: 42, count: 32)
        let keys = try SecretBox.KeyPurpose.allCases.map { try SecretBox.derivedKey($0, from: secret) }
        #expect(Set(keys.map { $0 }).count == SecretBox.KeyPurpose.allCases.count)
        #expect(keys.allSatisfy { $0.count == 32 && $0 != secret })
        #expect(try SecretBox.derivedKey(.mac, from: secret) == HKDF.sha256(key: secret, info: Array("latchkey/mac/v1".utf8), length: 32))

        let box = try #require(SecretBox(key: secret))
        let message = Array("csrf:token".utf8)
        #expect(try box.mac(message) == HMAC.authenticate(message, key: SecretBox.derivedKey(.mac, from: secret), digest: .sha256))
        #expect(try box.mac(message) != HMAC.authenticate(message, key: secret, digest: .sha256))
        #expect(try box.codeHash(message) == HMAC.authenticate(message, key: SecretBox.derivedKey(.codes, from: secret), digest: .sha256))
        #expect(try box.codeHash(message) != box.mac(message))

        // Sealed under the sealing key: the secret itself does not open it.
        let sealed = try box.seal(Array("totp".utf8), purpose: "p")
        #expect(box.open(sealed, purpose: "p") == Array("totp".utf8))
        #expect(box.opened(sealed, purpose: "p")?.needsReseal == false)
        #expect(box.open(sealed, purpose: "p", key: secret) == nil)
        let sealingKey = try SecretBox.derivedKey(.sealing, from: secret)
        #expect(box.open(sealed, purpose: "p", key: sealingKey) == Array("totp".utf8))
    }

    /// A value sealed under the undivided secret (before keys were derived) still opens, and
    /// says it should be sealed again; another deployment's values do not open at all.
    @Test func valuesSealedUnderTheSecretItselfStillOpen() throws {
        let secret = [UInt8](repeating: 7, count: 32)
        let box = try #require(SecretBox(key: secret))
        let legacy = try box.seal(Array("old secret".utf8), purpose: SecretBox.mfaSecret, key: secret)
        let opened = try #require(box.opened(legacy, purpose: SecretBox.mfaSecret))
        #expect(opened.plaintext == Array("old secret".utf8) && opened.needsReseal)
        #expect(box.opened(legacy, purpose: "another column") == nil)
        let other = try #require(SecretBox(key: [UInt8](repeating: 8, count: 32)))
        #expect(other.opened(legacy, purpose: SecretBox.mfaSecret) == nil)
    }

    /// At most `slots` at once; a caller finding none free waits up to `maxWait`, then is refused;
    /// a slot given back goes to the one waiting.
    @Test func theHashingBoundRefusesAfterItsWait() async throws {
        let limiter = PasswordHashingLimiter(slots: 2, maxWait: .milliseconds(150))
        #expect(await limiter.acquire())
        #expect(await limiter.acquire())
        let clock = ContinuousClock()
        let start = clock.now
        #expect(await limiter.acquire() == false, "a third at once")
        let waited = clock.now - start
        // Not before its wait is over (after it, as soon as the loaded test machine gets round to it).
        #expect(waited >= .milliseconds(140), "\(waited)")
        do {
            _ = try await limiter.run { 1 }
            Issue.record("ran beyond the bound")
        } catch {
            #expect(Self.isBusy(error))
        }

        // A waiter is served when a slot comes back within its wait.
        async let served = limiter.acquire()
        try await Task.sleep(for: .milliseconds(30))
        limiter.release()
        #expect(await served)
        limiter.release()
        limiter.release()
        #expect(limiter.freeSlots == 2)
        #expect(try await limiter.run { 41 + 1 } == 42)
        #expect(limiter.freeSlots == 2)
    }

    /// The bound holds under a crowd: of many concurrent hashings, never more than `slots` run
    /// at once, and those that waited too long are refused, not failed otherwise.
    @Test func aCrowdNeverExceedsTheBound() async throws {
        let limiter = PasswordHashingLimiter(slots: 2, maxWait: .milliseconds(100))
        let running = Counter()
        let results = await withTaskGroup(of: Result<Int, any Error>.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    do {
                        return .success(try await limiter.run {
                            let now = running.enter()
                            Thread.sleep(forTimeInterval: 0.05)
                            running.leave()
                            return now
                        })
                    } catch {
                        return .failure(error)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let peaks = results.compactMap { try? $0.get() }
        #expect(peaks.allSatisfy { $0 <= 2 }, "\(peaks)")
        #expect(!peaks.isEmpty)
        #expect(results.allSatisfy { result in
            if case .failure(let error) = result { return Self.isBusy(error) }
            return true
        })
        #expect(limiter.freeSlots == 2)
    }

    /// A vault whose bound is full refuses password checks with `VaultError.passwordHashingBusy`.
    @Test func aFullBoundRefusesPasswordChecks() async throws {
        try await VaultWorld.withWorld { world in
            let limiter = PasswordHashingLimiter(slots: 1, maxWait: .milliseconds(50))
            let vault = Vault(pool: world.pool, passwordHasher: VaultWorld.fastHasher, passwordHashing: limiter)
            let accounts = Accounts(vault: vault)
            #expect(await limiter.acquire())
            let checked = await #expect(throws: VaultError.self) { try await accounts.checkPassword(username: "nobody", password: "pw") }
            #expect(checked.map(Self.isBusy) == true)
            let set = await #expect(throws: VaultError.self) { try await accounts.setPassword(username: "nobody", password: "long enough pw") }
            #expect(set.map(Self.isBusy) == true)
            limiter.release()
            let valid = try await accounts.checkPassword(username: "nobody", password: "pw")
            #expect(!valid)
        }
    }
}

/// How many run at once, and the most seen.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var current = 0

    func enter() -> Int {
        lock.lock()
        defer { lock.unlock() }
        current += 1
        return current
    }

    func leave() {
        lock.lock()
        current -= 1
        lock.unlock()
    }
}
