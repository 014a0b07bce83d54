import Foundation
import NIOCore
import Vault

/// Hashes a fixture's passwords off the Swift cooperative pool.
///
/// scrypt at OWASP cost blocks for hundreds of milliseconds per password, so the work runs on
/// dedicated threads (at most one per processor), never on an event loop or the cooperative pool.
enum FixturePasswords {
    /// Returns the encoded hash of each password, in order; `nil` stays `nil`.
    static func hash(_ passwords: [String?], with hasher: PasswordHasher) async throws -> [String?] {
        let pending = passwords.indices.compactMap { index in passwords[index].map { (index, $0) } }
        var hashes = [String?](repeating: nil, count: passwords.count)
        guard !pending.isEmpty else { return hashes }
        let lanes = min(pending.count, max(1, System.coreCount))
        try await withThrowingTaskGroup(of: [(Int, String)].self) { group in
            for lane in 0..<lanes {
                let share = stride(from: lane, to: pending.count, by: lanes).map { pending[$0] }
                group.addTask {
                    try await withCheckedThrowingContinuation { continuation in
                        Thread {
                            do {
                                var done: [(Int, String)] = []
                                for (index, password) in share {
                                    done.append((index, try hasher.hash(password: password)))
                                }
                                continuation.resume(returning: done)
                            } catch {
                                continuation.resume(throwing: error)
                            }
                        }.start()
                    }
                }
            }
            for try await done in group {
                for (index, hash) in done { hashes[index] = hash }
            }
        }
        return hashes
    }
}
