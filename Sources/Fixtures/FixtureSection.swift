import JSON

/// A plugin's section of the fixture file (SPEC §8), e.g. `surveys`: how its items are read and
/// validated, and how their rows are written. The section lives in the plugin's folder, beside
/// the tables it writes; `latchkey import` reads the sections of every registered plugin, after
/// users, organisations and teams and before keys and services.
public protocol FixtureSection: Sendable {
    /// The top-level key of the section, e.g. `surveys`.
    var name: String { get }

    /// Reads and validates the section's items, in order, defining their refs and claiming their
    /// unique values in `catalog`; throws a ``FixtureError`` naming the first item at fault.
    func read(_ items: [JSONValue], catalog: inout FixtureCatalog) throws(FixtureError) -> any FixtureRows
}

/// A section's validated items, ready to be inserted.
public protocol FixtureRows: Sendable {
    /// The type of one item of the section.
    associatedtype Item: FixtureItem

    /// The top-level key of the section, e.g. `surveys`.
    static var section: String { get }

    /// The rows of the validated items, in order.
    init(items: [Item])

    /// How many rows each table receives (recorded in the audit event).
    var counts: [String: Int] { get }

    /// Inserts the rows through `writer`, inside the import's transaction.
    func insert(with writer: inout FixtureWriter) async throws
}

/// The section whose rows are `Rows`: a plugin's whole part in `latchkey import` is its rows type.
public struct FixtureSectionOf<Rows: FixtureRows>: FixtureSection {
    public init() {}

    public var name: String { Rows.section }

    public func read(_ items: [JSONValue], catalog: inout FixtureCatalog) throws(FixtureError) -> any FixtureRows {
        Rows(items: try catalog.read(items, Rows.Item.init))
    }
}

/// One item of a fixture section.
public protocol FixtureItem: Sendable {
    /// Reads and validates item `index` of its section, recording its ref and unique values in
    /// `catalog`; throws a ``FixtureError`` naming the item.
    init(_ value: JSONValue, index: Int, catalog: inout FixtureCatalog) throws(FixtureError)
}
