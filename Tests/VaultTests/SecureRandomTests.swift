import Testing
@testable import Vault

@Suite("SecureRandom")
struct SecureRandomTests {
    @Test("returns the requested number of bytes, which differ between calls")
    func bytes() throws {
        #expect(try SecureRandom.bytes(0).isEmpty)
        let a = try SecureRandom.bytes(32)
        let b = try SecureRandom.bytes(32)
        #expect(a.count == 32)
        #expect(a != b)
        #expect(try SecureRandom.bytes(100_000).count == 100_000)
    }

    @Test("tokens are 43 URL-safe characters and unique")
    func tokens() throws {
        var seen = Set<String>()
        for _ in 0..<1_000 {
            let token = try SecureRandom.token()
            #expect(token.utf8.count == 43)
            #expect(token.utf8.allSatisfy { Base62.value(of: $0) != nil })
            #expect(Base62.decode256(token) != nil)
            seen.insert(token)
        }
        #expect(seen.count == 1_000)
    }

    @Test("hex tokens")
    func hexTokens() throws {
        let token = try SecureRandom.hexToken()
        #expect(token.count == 64)
        #expect(token.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(try SecureRandom.hexToken(byteCount: 4).count == 8)
    }
}
