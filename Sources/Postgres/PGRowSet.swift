/// The rows a statement returned, copied out of libpq so they outlive the `PGresult`.
///
/// Every cell's text lies in one byte array: a row is read without a `String` per cell, and a
/// value is decoded from its bytes (an integer, a timestamp) or made a `String` only when asked.
public struct PGRowSet: Sendable, RandomAccessCollection {
    /// A result column: its name and type.
    public struct Column: Sendable, Hashable {
        public var name: String
        public var type: PGType
    }

    /// Where one cell's text lies in ``bytes``; a negative `count` is SQL `NULL`.
    @usableFromInline
    struct Cell: Sendable {
        @usableFromInline var start: Int
        @usableFromInline var count: Int
    }

    public let columns: [Column]
    /// The text of every non-`NULL` cell, row-major, back to back.
    @usableFromInline let bytes: [UInt8]
    /// Row-major cells.
    @usableFromInline let cells: [Cell]
    /// Rows affected, for `INSERT`/`UPDATE`/`DELETE` (0 when not reported).
    public let affectedRows: Int

    init(columns: [Column], bytes: [UInt8], cells: [Cell], affectedRows: Int) {
        self.columns = columns
        self.bytes = bytes
        self.cells = cells
        self.affectedRows = affectedRows
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { columns.isEmpty ? 0 : cells.count / columns.count }
    public subscript(position: Int) -> PGRow { PGRow(rowSet: self, index: position) }

    /// The index of the column called `name`.
    public func columnIndex(_ name: String) -> Int? {
        columns.firstIndex { $0.name == name }
    }
}

/// One row of a `PGRowSet`.
public struct PGRow: Sendable {
    @usableFromInline let rowSet: PGRowSet
    @usableFromInline let index: Int

    init(rowSet: PGRowSet, index: Int) {
        self.rowSet = rowSet
        self.index = index
    }

    /// The raw text of a cell, `nil` for `NULL`.
    public func text(at column: Int) -> String? {
        withText(at: column) { $0.map { String(decoding: $0, as: UTF8.self) } }
    }

    /// Whether the cell at `column` is SQL `NULL`.
    public func isNull(at column: Int) -> Bool {
        rowSet.cells[index * rowSet.columns.count + column].count < 0
    }

    /// Calls `body` with the UTF-8 text of a cell, `nil` for `NULL`.
    @inlinable
    func withText<Result>(at column: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> Result) rethrows -> Result {
        let cell = rowSet.cells[index * rowSet.columns.count + column]
        guard cell.count >= 0 else { return try body(nil) }
        return try rowSet.bytes.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[cell.start..<cell.start + cell.count]))
        }
    }

    /// Decodes the cell at `column`.
    @inlinable
    public func decode<T: PGDecodable>(_ type: T.Type, at column: Int) throws -> T {
        guard column >= 0, column < rowSet.columns.count else {
            throw PGError(.decoding, message: "column \(column) is out of range (\(rowSet.columns.count) columns)")
        }
        do {
            return try withText(at: column) { text in
                guard let text else { return try T.pgDecodeNull() }
                return try T.pgDecode(utf8: text, type: rowSet.columns[column].type)
            }
        } catch var error as PGError where error.kind == .decoding {
            error.message = "column \"\(rowSet.columns[column].name)\": \(error.message)"
            throw error
        }
    }

    /// Decodes the cell of the column called `name`.
    public func decode<T: PGDecodable>(_ type: T.Type, named name: String) throws -> T {
        guard let column = rowSet.columnIndex(name) else {
            throw PGError(.decoding, message: "no column named \"\(name)\"")
        }
        return try decode(type, at: column)
    }

    /// Decodes the leading columns into a tuple: `let (id, name) = try row.decode((Int, String).self)`.
    public func decode<each T: PGDecodable>(_ types: (repeat each T).Type) throws -> (repeat each T) {
        var column = 0
        func next<U: PGDecodable>(_ type: U.Type) throws -> U {
            defer { column += 1 }
            return try decode(type, at: column)
        }
        return (repeat try next((each T).self))
    }
}

extension PGRowSet {
    /// Decodes every row into a tuple of the given types.
    public func decode<each T: PGDecodable>(_ types: (repeat each T).Type) throws -> [(repeat each T)] {
        try map { try $0.decode(types) }
    }
}
