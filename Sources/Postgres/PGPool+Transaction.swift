extension PGPool {
    /// Runs `body` in a transaction on one connection: commits when it returns, rolls back when it throws.
    public func withTransaction<Result>(_ body: (PGConnection) async throws -> Result) async throws -> Result {
        try await withConnection { connection in
            try await connection.withTransaction(body)
        }
    }
}

extension PGConnection {
    /// Runs `body` between `BEGIN` and `COMMIT`; any error rolls back and is rethrown.
    ///
    /// A statement error that `body` caught still aborts the transaction: then nothing is
    /// committed and the call throws.
    public func withTransaction<Result>(_ body: (PGConnection) async throws -> Result) async throws -> Result {
        try await begin()
        let result: Result
        do {
            result = try await body(self)
        } catch {
            try? await run(script: "ROLLBACK")
            throw error
        }
        if raw.isInFailedTransaction {
            try? await run(script: "ROLLBACK")
            throw PGError(.server, sqlState: "25P02", message: "the transaction was aborted by an earlier error and has been rolled back")
        }
        try await run(script: "COMMIT")
        return result
    }
}
