/// A SQL statement whose interpolated values travel as `$n` bind parameters, never as SQL text.
///
/// ```swift
/// let rows = try await pool.query("SELECT id FROM users WHERE username = \(name)")
/// ```
/// Every `\(value)` becomes the next placeholder (`$1`, `$2`, …). A `PGQuery` interpolated into
/// another is spliced in with its placeholders renumbered, so queries compose safely.
public struct PGQuery: Sendable, Hashable, ExpressibleByStringInterpolation {
    /// The SQL text, with `$n` placeholders.
    public private(set) var sql: String
    /// The values bound to the placeholders, in order.
    public private(set) var binds: [PGBind]
    /// How PostgreSQL plans the statement (``Planning``); prepared once per connection unless
    /// the query says otherwise.
    public private(set) var planning = Planning.prepared

    /// How a statement is planned.
    public enum Planning: Sendable, Hashable {
        /// Prepared once per connection; PostgreSQL plans it for the values of its first five
        /// runs, then keeps a generic plan, made without the values, only if that plan is not
        /// estimated costlier.
        case prepared
        /// Prepared once per connection and always run from the generic plan: planned once.
        case generic
        /// Sent unnamed and planned for its values every time.
        case eachTime
    }

    /// This query, planned for its values each time it runs rather than prepared once per
    /// connection. After five runs of a prepared statement PostgreSQL may keep a generic plan,
    /// made without the values; for a heavy query whose best plan depends on them (how many
    /// rows a time range holds: a hash or a sort that spills) and whose planning is a small
    /// part of its run, plan each time (the usage report's, docs/DECISIONS.md "Usage:
    /// measured cost").
    public var plannedEachTime: PGQuery {
        var query = self
        query.planning = .eachTime
        return query
    }

    /// This query, planned once per connection without its values and run from that plan ever
    /// after. For a short statement whose planning costs more than its run and whose best plan
    /// does not depend on the values: the visibility lists, whose OR of indexed conditions
    /// PostgreSQL plans in about 0.45 ms and runs in 0.1 ms, and keeps planning when left to
    /// choose (docs/DECISIONS.md "Uncached lists (issue #32)").
    public var plannedOnce: PGQuery {
        var query = self
        query.planning = .generic
        return query
    }

    public init(stringLiteral value: String) {
        sql = value
        binds = []
    }

    public init(stringInterpolation: StringInterpolation) {
        sql = stringInterpolation.sql
        binds = stringInterpolation.binds
    }

    /// Appends another query, renumbering its placeholders.
    public mutating func append(_ other: PGQuery) {
        var interpolation = StringInterpolation(literalCapacity: 0, interpolationCount: 0)
        interpolation.sql = sql
        interpolation.binds = binds
        interpolation.appendInterpolation(other)
        sql = interpolation.sql
        binds = interpolation.binds
    }

    /// Joins fragments with a literal separator, e.g. `" AND "`.
    public static func joined(_ parts: [PGQuery], separator: String) -> PGQuery {
        var result: PGQuery = ""
        for (index, part) in parts.enumerated() {
            if index > 0 { result.sql += separator }
            result.append(part)
        }
        return result
    }

    public static func + (lhs: PGQuery, rhs: PGQuery) -> PGQuery {
        var result = lhs
        result.append(rhs)
        return result
    }

    /// Builds the SQL text and bind list.
    public struct StringInterpolation: StringInterpolationProtocol, Sendable {
        var sql: String
        var binds: [PGBind]

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql = ""
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            binds = []
            binds.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        /// Binds a value as the next `$n` parameter.
        public mutating func appendInterpolation<Value: PGEncodable>(_ value: Value) {
            binds.append(PGBind(value))
            sql += "$\(binds.count)"
        }

        /// Binds an optional value; `nil` is sent as SQL `NULL`.
        public mutating func appendInterpolation<Value: PGEncodable>(_ value: Value?) {
            binds.append(value.map(PGBind.init) ?? PGBind(text: nil, type: Value.pgType))
            sql += "$\(binds.count)"
        }

        /// Splices in a query fragment, renumbering its placeholders after ours.
        public mutating func appendInterpolation(_ fragment: PGQuery) {
            let offset = binds.count
            binds.append(contentsOf: fragment.binds)
            guard offset > 0, !fragment.binds.isEmpty else {
                sql += fragment.sql
                return
            }
            sql += PGQuery.renumber(fragment.sql, by: offset)
        }
    }

    /// Shifts every `$n` placeholder outside quotes by `offset`, copying the text between
    /// placeholders in runs.
    static func renumber(_ sql: String, by offset: Int) -> String {
        var sql = sql
        return sql.withUTF8 { utf8 in
            func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
            var out: [UInt8] = []
            out.reserveCapacity(utf8.count + 8)
            var copied = 0
            var index = 0
            var quote: UInt8? = nil
            while index < utf8.count {
                let byte = utf8[index]
                index += 1
                if let open = quote {
                    if byte == open { quote = nil }
                } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                    quote = byte
                } else if byte == UInt8(ascii: "$"), index < utf8.count, isDigit(utf8[index]) {
                    var number = 0
                    let dollar = index - 1
                    while index < utf8.count, isDigit(utf8[index]) {
                        number = number * 10 + Int(utf8[index] - UInt8(ascii: "0"))
                        index += 1
                    }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[copied..<dollar]))
                    out.append(UInt8(ascii: "$"))
                    out.append(contentsOf: String(number + offset).utf8)
                    copied = index
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[copied...]))
            return String(decoding: out, as: UTF8.self)
        }
    }
}

/// One bound parameter: its text form (or `nil` for `NULL`) and its type.
public struct PGBind: Sendable, Hashable {
    public var text: String?
    public var type: PGType

    public init(text: String?, type: PGType) {
        self.text = text
        self.type = type
    }

    public init<Value: PGEncodable>(_ value: Value) {
        text = value.pgText
        type = Value.pgType
    }
}
