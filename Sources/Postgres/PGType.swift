/// A PostgreSQL type OID, as found in `pg_type`.
public struct PGType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Lets the server infer the type from context, as for an untyped literal.
    public static let unknown = PGType(rawValue: 0)
    public static let bool = PGType(rawValue: 16)
    public static let bytea = PGType(rawValue: 17)
    public static let name = PGType(rawValue: 19)
    public static let int8 = PGType(rawValue: 20)
    public static let int2 = PGType(rawValue: 21)
    public static let int4 = PGType(rawValue: 23)
    public static let text = PGType(rawValue: 25)
    public static let oid = PGType(rawValue: 26)
    public static let json = PGType(rawValue: 114)
    public static let float4 = PGType(rawValue: 700)
    public static let float8 = PGType(rawValue: 701)
    public static let byteaArray = PGType(rawValue: 1001)
    public static let int2Array = PGType(rawValue: 1005)
    public static let int4Array = PGType(rawValue: 1007)
    public static let textArray = PGType(rawValue: 1009)
    public static let varcharArray = PGType(rawValue: 1015)
    public static let int8Array = PGType(rawValue: 1016)
    public static let bpchar = PGType(rawValue: 1042)
    public static let varchar = PGType(rawValue: 1043)
    public static let date = PGType(rawValue: 1082)
    public static let timestamp = PGType(rawValue: 1114)
    public static let timestamptz = PGType(rawValue: 1184)
    public static let numeric = PGType(rawValue: 1700)
    public static let uuid = PGType(rawValue: 2950)
    public static let uuidArray = PGType(rawValue: 2951)
    public static let jsonb = PGType(rawValue: 3802)

    public var description: String { "oid \(rawValue)" }

    /// Types whose text form is plain text.
    var isTextual: Bool {
        self == .text || self == .varchar || self == .bpchar || self == .name || self == .unknown
    }

    /// Array types this layer decodes.
    var isArray: Bool {
        self == .textArray || self == .varcharArray || self == .int2Array || self == .int4Array
            || self == .int8Array || self == .uuidArray || self == .byteaArray
    }
}
