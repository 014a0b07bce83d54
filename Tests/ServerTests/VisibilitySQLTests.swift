import PluginKit
import Policy
import Postgres
import Testing
import TestSupport

/// `VisibilitySQL` keeps the conditions it has written: what it answers from them is what it
/// would write afresh, for any predicate, also after the kept set has been dropped for size.
@Suite struct VisibilitySQLTests {
    private static func sql() -> VisibilitySQL {
        VisibilitySQL(
            owner: "t.owner_id", organisation: "t.organisation_id", team: "t.team_id",
            isActive: "t.is_active", createdBy: "t.created_by",
            membership: { user in "t.id = ANY(ARRAY(SELECT m.object_id FROM memberships m WHERE m.user_id = \(user)))" }
        )
    }

    private static func predicate(_ generator: inout SplitMix64, depth: Int = 0) -> VisibilityPredicate {
        let id = Int64.random(in: 1...9_000, using: &generator)
        switch Int.random(in: 0...(depth < 2 ? 10 : 8), using: &generator) {
        case 0: return .ownerIs(id)
        case 1: return .organisationIn((0..<Int.random(in: 0...3, using: &generator)).map { _ in Int64.random(in: 1...50, using: &generator) })
        case 2: return .organisationOwnerIs(id)
        case 3: return .teamIn([id, id + 1])
        case 4: return .memberIs(id)
        case 5: return .isActive
        case 6: return .isGlobal
        case 7: return .personalTo(id)
        case 8: return Bool.random(using: &generator) ? .all : .none
        case 9: return .and((0..<Int.random(in: 0...3, using: &generator)).map { _ in predicate(&generator, depth: depth + 1) })
        default: return .or((0..<Int.random(in: 0...3, using: &generator)).map { _ in predicate(&generator, depth: depth + 1) })
        }
    }

    @Test func aKeptConditionIsTheOneWrittenAfresh() {
        var generator = SplitMix64(seed: 32)
        let kept = Self.sql()
        // More distinct predicates than are kept, each asked twice: the set fills, is dropped
        // and fills again.
        let predicates = (0..<5_000).map { _ in Self.predicate(&generator) }
        for predicate in predicates + predicates.shuffled(using: &generator) {
            let condition = kept.condition(for: predicate)
            #expect(condition == Self.sql().condition(for: predicate), "\(predicate)")
        }
        #expect(kept.condition(for: .or([.ownerIs(7), .memberIs(8)])).binds.map(\.text) == ["7", "8"])
        #expect(kept.condition(for: .or([.ownerIs(7), .memberIs(9)])).binds.map(\.text) == ["7", "9"])
    }
}
