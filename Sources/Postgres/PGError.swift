/// An error from PostgreSQL or from the client layer, with the server's SQLSTATE when there is one.
///
/// Messages never contain bound parameter values, so they are safe to log. The server's DETAIL
/// (which can quote row values, e.g. the email of a unique violation) is kept for callers that
/// inspect it, but never printed by ``description``.
public struct PGError: Error, Sendable, CustomStringConvertible {
    /// Where the error came from.
    public enum Kind: String, Sendable {
        /// The connection could not be opened, or it broke while in use.
        case connection
        /// The server rejected the statement (it carries a SQLSTATE).
        case server
        /// A value in a row could not be decoded into the requested Swift type.
        case decoding
        /// No connection became free within the pool's wait timeout.
        case poolTimeout
        /// The pool has been shut down.
        case poolClosed
    }

    public var kind: Kind
    /// The five-character SQLSTATE code, e.g. `23505` for a unique violation.
    public var sqlState: String?
    /// The primary, human-readable message.
    public var message: String
    /// The server's DETAIL field, when it sent one.
    public var detail: String?
    /// The constraint named by the server, when it sent one.
    public var constraint: String?

    public init(_ kind: Kind, sqlState: String? = nil, message: String, detail: String? = nil, constraint: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.constraint = constraint
    }

    /// True for `23505 unique_violation`.
    public var isUniqueViolation: Bool { sqlState == "23505" }
    /// True for `23503 foreign_key_violation`.
    public var isForeignKeyViolation: Bool { sqlState == "23503" }
    /// True for `23514 check_violation`.
    public var isCheckViolation: Bool { sqlState == "23514" }
    /// True for `40001 serialization_failure` and `40P01 deadlock_detected`.
    public var isRetryable: Bool { sqlState == "40001" || sqlState == "40P01" }
    /// True when the database could not be reached or the connection broke.
    public var isConnectionFailure: Bool { kind == .connection || kind == .poolTimeout }

    /// True when the database, not the request, is at fault for now, so the answer is 503: it
    /// cannot be reached, the pool is closed, or the server gave up on the statement — a
    /// connection exception (class 08), its deadline (`57014`, `statement_timeout`), a shutdown
    /// or restart (`57P0x`), too many connections (`53300`) or a lock wait (`55P03`).
    public var isUnavailable: Bool {
        if isConnectionFailure || kind == .poolClosed { return true }
        guard kind == .server, let sqlState else { return false }
        return sqlState.hasPrefix("08") || sqlState.hasPrefix("57P0") || ["57014", "53300", "55P03"].contains(sqlState)
    }

    public var description: String {
        var text = "PostgreSQL \(kind.rawValue) error"
        if let sqlState { text += " \(sqlState)" }
        text += ": \(message)"
        return text
    }
}
