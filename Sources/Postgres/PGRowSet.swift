/// The rows a statement returned, copied out of libpq so they outlive the `PGresult`.
public struct PGRowSet: Sendable, RandomAccessCollection {
    /// A result column: its name and type.
    public struct Column: Sendable, Hashable {
        public var name: String
        public var type: PGType
    }

    public let columns: [Column]
    /// Row-major cells; `nil` is SQL `NULL`.
    let cells: [String?]
    /// Rows affected, for `INSERT`/`UPDATE`/`DELETE` (0 when not reported).
    public let affectedRows: Int

    init(columns: [Column], cells: [String?], affectedRows: Int) {
        self.columns = columns
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
    let rowSet: PGRowSet
    let index: Int

    /// The raw text of a cell, `nil` for `NULL`.
    public func text(at column: Int) -> String? {
        rowSet.cells[index * rowSet.columns.count + column]
    }

    /// Decodes the cell at `column`.
    public func decode<T: PGDecodable>(_ type: T.Type, at column: Int) throws -> T {
        guard column >= 0, column < rowSet.columns.count else {
            throw PGError(.decoding, message: "column \(column) is out of range (\(rowSet.columns.count) columns)")
        }
        let info = rowSet.columns[column]
        do {
            guard let text = text(at: column) else { return try T.pgDecodeNull() }
            return try T.pgDecode(text, type: info.type)
        } catch var error as PGError where error.kind == .decoding {
            error.message = "column \"\(info.name)\": \(error.message)"
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
