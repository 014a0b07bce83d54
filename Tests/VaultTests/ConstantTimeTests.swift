import Testing
@testable import Vault

@Suite("ConstantTime")
struct ConstantTimeTests {
    @Test("equal and unequal inputs")
    func equals() {
        #expect(ConstantTime.equals([UInt8](), []))
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([0, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(!ConstantTime.equals([], [0]))
        #expect(ConstantTime.equals("csrf-token", "csrf-token"))
        #expect(!ConstantTime.equals("csrf-token", "csrf-tokeN"))
        #expect(!ConstantTime.equals("é", "e\u{301}"))  // bytes, not canonical equivalence
    }
}
