import Policy
import Postgres
import Synchronization

/// Translates a ``VisibilityPredicate`` into a SQL boolean expression for one table.
///
/// A plugin states which column (or expression) carries each fact its leaves name; a leaf
/// whose fact the plugin does not map is `FALSE`, exactly as a leaf that does not apply is
/// false in memory (see `VisibilityPredicate+Evaluation`). Values travel as `$n` binds.
///
/// ```swift
/// let sql = VisibilitySQL(owner: "s.owner_id", organisation: "s.organisation_id", team: "s.team_id")
/// let rows = try await pool.query("SELECT … FROM surveys s WHERE \(sql.condition(for: predicate))")
/// ```
public struct VisibilitySQL: Sendable {
    /// The owner column (`ownerIs`), e.g. `s.owner_id`.
    public let owner: PGQuery?
    /// The organisation column (`organisationIn`; also `organisationOwnerIs` and `personalTo`),
    /// e.g. `s.organisation_id`.
    public let organisation: PGQuery?
    /// The team column (`teamIn`; also `personalTo`), e.g. `s.team_id`.
    public let team: PGQuery?
    /// A boolean expression for `isGlobal`, e.g. `d.is_global`.
    public let isGlobal: PGQuery?
    /// A boolean expression for `isActive`, e.g. `d.is_active`.
    public let isActive: PGQuery?
    /// The creator column (`personalTo`), e.g. `d.created_by`.
    public let createdBy: PGQuery?
    /// The integer id column (`idIn`, a fine-grained key's selection), e.g. `s.id`; without one
    /// no object is selected (`FALSE`, as ``ResourceFacts/objectID`` `nil` in memory).
    public let id: PGQuery?
    /// The SQL for `memberIs(user)`: the user holds a role on the object itself, given the
    /// user's id. Write it as `<id column> = ANY(ARRAY(SELECT <object id> FROM <memberships>
    /// WHERE user_id = …))`, not as a correlated `EXISTS`: the array is computed once, and every
    /// leaf of the predicate then matches an index, so PostgreSQL combines them (`BitmapOr`)
    /// instead of testing each row of the table (see ``condition(for:)``).
    public let membership: (@Sendable (Int64) -> PGQuery)?
    /// Consulted first for every leaf: return SQL to override the standard translation, or
    /// `nil` to keep it (e.g. the user directory, whose `organisationIn` means "belongs to").
    public let custom: (@Sendable (VisibilityPredicate) -> PGQuery?)?
    /// The conditions already written, by predicate (``condition(for:)``).
    private let written = WrittenConditions()

    public init(
        owner: PGQuery? = nil,
        organisation: PGQuery? = nil,
        team: PGQuery? = nil,
        isGlobal: PGQuery? = nil,
        isActive: PGQuery? = nil,
        createdBy: PGQuery? = nil,
        id: PGQuery? = nil,
        membership: (@Sendable (Int64) -> PGQuery)? = nil,
        custom: (@Sendable (VisibilityPredicate) -> PGQuery?)? = nil
    ) {
        self.owner = owner
        self.organisation = organisation
        self.team = team
        self.isGlobal = isGlobal
        self.isActive = isActive
        self.createdBy = createdBy
        self.id = id
        self.membership = membership
        self.custom = custom
    }

    /// The SQL condition equal to `predicate`, parenthesised so it can be spliced anywhere.
    ///
    /// Every leaf is an indexable comparison with a constant or a once-computed array (no
    /// correlated subquery): an `OR` of such leaves is a `BitmapOr` of index scans, so a list
    /// reads the rows it returns, not the table. With 11,000 surveys, a key seeing 50 of them:
    /// 2.5 ms (a sequential scan testing each row) → 0.1 ms (docs/DECISIONS.md "Lists read
    /// what they return").
    ///
    /// A caller's predicate is the same on each of its requests, and its SQL a pure function of
    /// it: the last ``WrittenConditions/limit`` conditions are kept, so a list does not build its
    /// SQL text again (a fifth of the uncached list's own work before; docs/DECISIONS.md
    /// "Uncached lists (issue #32)").
    public func condition(for predicate: VisibilityPredicate) -> PGQuery {
        if let condition = written.condition(for: predicate) { return condition }
        let condition = write(predicate)
        written.keep(condition, for: predicate)
        return condition
    }

    private func write(_ predicate: VisibilityPredicate) -> PGQuery {
        switch predicate {
        case .all: return "TRUE"
        case .none: return "FALSE"
        case .and(let terms): return terms.isEmpty ? "TRUE" : combine(terms, "AND")
        case .or(let terms): return terms.isEmpty ? "FALSE" : combine(terms, "OR")
        default: return custom?(predicate) ?? leaf(predicate) ?? "FALSE"
        }
    }

    private func combine(_ terms: [VisibilityPredicate], _ connective: String) -> PGQuery {
        "(\(PGQuery.joined(terms.map(write), separator: " \(connective) ")))"
    }

    /// The standard translation of one leaf, or `nil` when its fact is not mapped.
    private func leaf(_ predicate: VisibilityPredicate) -> PGQuery? {
        switch predicate {
        case .ownerIs(let user):
            return owner.map { "(\($0) = \(user))" }
        case .organisationIn(let ids):
            return organisation.map { "(\($0) = ANY(\(ids)))" }
        case .organisationOwnerIs(let user):
            return organisation.map { "(\($0) = ANY(ARRAY(SELECT lk_o.id FROM organisations lk_o WHERE lk_o.owner_id = \(user))))" }
        case .teamIn(let ids):
            return team.map { "(\($0) = ANY(\(ids)))" }
        case .memberIs(let user):
            return membership.map { "(\($0(user)))" }
        case .isGlobal:
            return isGlobal.map { "(\($0))" }
        case .isActive:
            return isActive.map { "(\($0))" }
        case .personalTo(let user):
            guard let createdBy, let organisation, let team else { return nil }
            return "(\(createdBy) = \(user) AND \(organisation) IS NULL AND \(team) IS NULL)"
        case .idIn(let ids):
            return id.map { "(\($0) = ANY(\(Array(ids.ids))))" }
        case .all, .none, .and, .or:
            return nil
        }
    }
}

/// The SQL conditions a ``VisibilitySQL`` has written, by predicate: at most ``limit``, all
/// dropped when full (a predicate names users and organisations, so the set is unbounded).
private final class WrittenConditions: Sendable {
    static let limit = 4096
    private let conditions = Mutex<[VisibilityPredicate: PGQuery]>([:])

    func condition(for predicate: VisibilityPredicate) -> PGQuery? {
        conditions.withLock { $0[predicate] }
    }

    func keep(_ condition: PGQuery, for predicate: VisibilityPredicate) {
        conditions.withLock { conditions in
            if conditions.count >= Self.limit { conditions.removeAll(keepingCapacity: true) }
            conditions[predicate] = condition
        }
    }
}
