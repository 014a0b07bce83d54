import Foundation
import Postgres
import ServerTestSupport
import TestSupport
import Vault

extension TestDatabase {
    /// A closed pool on a migrated database: every query fails as during an outage.
    static func withMigratedPoolForOutage<Result>(_ body: (PGPool) async throws -> Result) async throws -> Result {
        try await withMigratedPool { pool in
            let dead = PGPool(configuration: pool.configuration)
            await dead.close()
            return try await body(dead)
        }
    }
}

/// Keys for tests that need no database row.
enum KeyFormatSample {
    /// A well-formed key that no row holds.
    static func wellFormedUnknown() throws -> String {
        try KeyFormat.generate(.live).secret
    }
}
