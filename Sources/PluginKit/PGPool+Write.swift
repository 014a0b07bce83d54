import Postgres

extension PGPool {
    /// Runs a write and its audit event in one transaction, then tells cached reads (`changes`)
    /// that tables changed, whether or not the write went through.
    ///
    /// Constraint violations are the client's, never a 500: a unique violation is answered with
    /// `duplicate` (a 400 naming the field; rethrown when `nil`), a foreign-key violation (the
    /// organisation or team went away meanwhile) with 400.
    public func write<Result>(
        announcing changes: TableChanges?,
        duplicate: ((PGError) -> APIError)? = nil,
        _ body: (PGConnection) async throws -> Result
    ) async throws -> Result {
        defer { changes?.bump() }
        do {
            return try await withTransaction(body)
        } catch let error as PGError where error.isUniqueViolation {
            guard let duplicate else { throw error }
            throw duplicate(error)
        } catch let error as PGError where error.isForeignKeyViolation {
            throw JSONBody.invalid("'organisation' or 'team' no longer exists")
        }
    }
}
