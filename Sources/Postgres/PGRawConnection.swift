import CLibPQ
import Foundation

/// One libpq `PGconn`.
///
/// Every method that talks to the server blocks: call it only from a dedicated thread (the pool's
/// thread pool), never from an event loop or the Swift cooperative pool. The pool guarantees that
/// one thread at a time uses a connection, which is what makes the `@unchecked Sendable` sound.
final class PGRawConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    private let statementCacheSize: Int
    private var statements: [String: PreparedStatement] = [:]
    /// Whether the session's `plan_cache_mode` is `force_generic_plan` (see ``plan(_:)``).
    private var forcesGenericPlans = false
    /// Set once the connection is known to be unusable; the pool then discards it.
    private(set) var isBroken = false
    /// The server process serving this connection.
    let backendPID: Int32

    private struct PreparedStatement {
        var name: String
        var types: [PGType]
    }

    private init(handle: OpaquePointer, statementCacheSize: Int) {
        self.handle = handle
        self.statementCacheSize = statementCacheSize
        self.backendPID = PQbackendPID(handle)
    }

    deinit {
        PQfinish(handle)
    }

    /// Opens a connection with `PQconnectdbParams`. Blocks.
    static func connect(_ configuration: PGConfiguration) throws -> PGRawConnection {
        // Later keywords win: the connection string may override those before `dbname`; UTF-8 is forced.
        var keywords = ["connect_timeout", "application_name", "keepalives", "keepalives_idle", "keepalives_interval",
                        "keepalives_count", "dbname", "client_encoding"]
        var values = [String(configuration.connectTimeoutSeconds), configuration.applicationName, "1",
                      String(configuration.keepaliveIdleSeconds), "10", "3", configuration.connectionString, "UTF8"]
        if let database = configuration.database {
            // A second `dbname` is not expanded: it only overrides the database name.
            keywords.append("dbname")
            values.append(database)
        }
        let handle = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let handle else { throw PGError(.connection, message: "libpq could not allocate a connection") }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(handle)
            throw PGError(.connection, message: message.isEmpty ? "could not connect to PostgreSQL" : message)
        }
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        let connection = PGRawConnection(handle: handle, statementCacheSize: configuration.statementCacheSize)
        let timeout = configuration.statementTimeout.components.seconds * 1000 + configuration.statementTimeout.components.attoseconds / 1_000_000_000_000_000
        try connection.simpleQuery("""
            SET TIME ZONE 'UTC'; SET DateStyle TO 'ISO, MDY'; SET extra_float_digits TO 3; SET statement_timeout TO \(max(0, timeout))
            """)
        return connection
    }

    /// True when no transaction is open or failed, so the connection can go back to the pool.
    var isIdle: Bool { PQtransactionStatus(handle) == PQTRANS_IDLE }

    /// True inside a transaction that an error has aborted.
    var isInFailedTransaction: Bool { PQtransactionStatus(handle) == PQTRANS_INERROR }

    /// The socket descriptor, for waiting on notifications.
    var socket: Int32 { PQsocket(handle) }

    /// Checks, without blocking, that an idle connection is still usable.
    ///
    /// An idle pooled connection has nothing to read; anything readable is the server's goodbye
    /// (`pg_terminate_backend`, shutdown) or end-of-file, so the connection is declared broken.
    func checkIdleHealth() -> Bool {
        guard !isBroken, PQstatus(handle) == CONNECTION_OK, PQtransactionStatus(handle) == PQTRANS_IDLE else {
            isBroken = true
            return false
        }
        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        if descriptor.fd < 0 || poll(&descriptor, 1, 0) != 0 {
            isBroken = true
            return false
        }
        return true
    }

    /// Runs a trusted SQL script (possibly several statements) with the simple protocol. Blocks.
    ///
    /// Only for SQL the program itself owns (migrations, `BEGIN`/`COMMIT`): it takes no parameters.
    func simpleQuery(_ script: String) throws {
        let result = PQexec(handle, script)
        defer { PQclear(result) }
        try check(result)
    }

    /// Runs `BEGIN`, in PostgreSQL's own choice of plans (a list may have left the session
    /// planning generically). Blocks.
    func begin() throws {
        try plan(.prepared)
        try simpleQuery("BEGIN")
    }

    /// Sets the session's `plan_cache_mode` for a statement about to run: `force_generic_plan`
    /// for one planned once (``PGQuery/Planning/generic``), PostgreSQL's own choice for any
    /// other. Changed only outside a transaction, where a `SET` lasts (a rollback would undo one
    /// made inside); a transaction runs in PostgreSQL's own choice (``begin()``).
    private func plan(_ planning: PGQuery.Planning) throws {
        let generic = planning == .generic
        guard generic != forcesGenericPlans, PQtransactionStatus(handle) == PQTRANS_IDLE else { return }
        try simpleQuery(generic ? "SET plan_cache_mode TO force_generic_plan" : "RESET plan_cache_mode")
        forcesGenericPlans = generic
    }

    /// Runs a parameterised statement, preparing and caching it per connection. Blocks.
    func execute(_ query: PGQuery) throws -> PGRowSet {
        do {
            return try executeOnce(query)
        } catch let error as PGError where error.sqlState == "26000" || error.sqlState == "0A000" {
            // The cached statement vanished or its plan no longer fits the schema: prepare afresh,
            // unless the failure aborted a transaction (then the caller must roll back).
            guard let stale = statements.removeValue(forKey: query.sql) else { throw error }
            guard PQtransactionStatus(handle) == PQTRANS_IDLE else { throw error }
            _ = try? simpleQuery("DEALLOCATE \(stale.name)")
            return try executeOnce(query)
        }
    }

    private func executeOnce(_ query: PGQuery) throws -> PGRowSet {
        for bind in query.binds where bind.text?.utf8.contains(0) == true {
            throw PGError(.server, sqlState: "22021", message: "a text value contains a NUL byte, which PostgreSQL cannot store")
        }
        try plan(query.planning)
        let types = query.binds.map(\.type)
        let prepares = query.planning != .eachTime
        var statement = prepares ? statements[query.sql] : nil
        if prepares, statement == nil || statement?.types != types {
            statement = nil
            if statements.count < statementCacheSize, statements[query.sql] == nil {
                let name = "lk_\(statements.count)"
                let prepared = PQprepare(handle, name, query.sql, Int32(types.count), types.map(\.rawValue))
                defer { PQclear(prepared) }
                try check(prepared)
                statement = PreparedStatement(name: name, types: types)
                statements[query.sql] = statement
            }
        }
        let result = withParameterPointers(query.binds) { values in
            if let statement {
                return PQexecPrepared(handle, statement.name, Int32(values.count), values, nil, nil, 0)
            }
            return PQexecParams(handle, query.sql, Int32(values.count), types.map(\.rawValue), values, nil, nil, 0)
        }
        defer { PQclear(result) }
        try check(result)
        return copyRows(result!)
    }

    /// Throws a `PGError` unless the result is a success.
    private func check(_ result: OpaquePointer?) throws {
        guard let result else {
            throw connectionError()
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return
        default:
            if PQstatus(handle) != CONNECTION_OK { throw connectionError() }
            func field(_ code: UInt8) -> String? {
                PQresultErrorField(result, Int32(code)).map { String(cString: $0) }
            }
            let sqlState = field(UInt8(ascii: "C"))
            let message = field(UInt8(ascii: "M")) ?? String(cString: PQresultErrorMessage(result))
            // Class 08 (connection exception) and 57P0x (admin shutdown) leave the connection unusable.
            if let sqlState, sqlState.hasPrefix("08") || sqlState.hasPrefix("57P0") { isBroken = true }
            throw PGError(.server, sqlState: sqlState, message: message, detail: field(UInt8(ascii: "D")), constraint: field(UInt8(ascii: "n")))
        }
    }

    private func connectionError() -> PGError {
        isBroken = true
        let message = String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines)
        return PGError(.connection, message: message.isEmpty ? "the connection to PostgreSQL was lost" : message)
    }

    private func copyRows(_ result: OpaquePointer) -> PGRowSet {
        let fieldCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        var columns: [PGRowSet.Column] = []
        columns.reserveCapacity(fieldCount)
        for column in 0..<fieldCount {
            columns.append(.init(name: String(cString: PQfname(result, Int32(column))), type: PGType(rawValue: PQftype(result, Int32(column)))))
        }
        var cells: [PGRowSet.Cell] = []
        cells.reserveCapacity(fieldCount * rowCount)
        var size = 0
        for row in 0..<Int32(rowCount) {
            for column in 0..<Int32(fieldCount) {
                let isNull = PQgetisnull(result, row, column) == 1
                let count = isNull ? -1 : Int(PQgetlength(result, row, column))
                cells.append(PGRowSet.Cell(start: size, count: count))
                size += max(0, count)
            }
        }
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            for (position, cell) in cells.enumerated() where cell.count > 0 {
                let value = PQgetvalue(result, Int32(position / fieldCount), Int32(position % fieldCount))!
                UnsafeMutableRawPointer(buffer.baseAddress! + cell.start).copyMemory(from: value, byteCount: cell.count)
            }
            initialized = size
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return PGRowSet(columns: columns, bytes: bytes, cells: cells, affectedRows: affected)
    }

    // MARK: LISTEN support (used by PGListener on its own thread)

    /// Reads whatever arrived on the socket; false when the connection is gone.
    func consumeInput() -> Bool {
        if PQconsumeInput(handle) == 0 || PQstatus(handle) != CONNECTION_OK {
            isBroken = true
            return false
        }
        return true
    }

    /// Sends `SELECT 1` without waiting for the answer (the listener's heartbeat); false when
    /// it could not be sent.
    func sendHeartbeat() -> Bool {
        PQsendQuery(handle, "SELECT 1") == 1
    }

    /// Reads every complete result of a query sent with ``sendHeartbeat()``, without blocking;
    /// true when the query's answer has fully arrived.
    func drainResults() -> Bool {
        var finished = false
        while PQisBusy(handle) == 0 {
            guard let result = PQgetResult(handle) else {
                finished = true
                break
            }
            PQclear(result)
        }
        return finished
    }

    /// Pops the next received notification, if any.
    func nextNotification() -> PGNotification? {
        guard let notify = PQnotifies(handle) else { return nil }
        defer { PQfreemem(notify) }
        return PGNotification(
            channel: String(cString: notify.pointee.relname),
            payload: String(cString: notify.pointee.extra),
            backendPID: notify.pointee.be_pid
        )
    }
}

/// Calls `body` with a NULL-terminated array of C strings.
private func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let owned = strings.map { strdup($0) }
    defer { owned.forEach { free($0) } }
    let pointers = owned.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// Calls `body` with one C string per bind (`nil` for `NULL`), stored in a single buffer.
private func withParameterPointers<R>(_ binds: [PGBind], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    if binds.isEmpty { return body([]) }
    var buffer: [UInt8] = []
    var offsets: [Int?] = []
    offsets.reserveCapacity(binds.count)
    for bind in binds {
        guard let text = bind.text else {
            offsets.append(nil)
            continue
        }
        offsets.append(buffer.count)
        buffer.append(contentsOf: text.utf8)
        buffer.append(0)
    }
    // Every bind NULL leaves the buffer empty, maybe without an address: it is asked for only
    // when a bind has text.
    return buffer.withUnsafeBytes { storage in
        body(offsets.map { offset in offset.map { (storage.baseAddress! + $0).assumingMemoryBound(to: CChar.self) } })
    }
}
