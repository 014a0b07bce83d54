import Metrics
import NIOConcurrencyHelpers
import Policy

/// `latchkey_decisions_total{action, code}` (SPEC §12): the decision API's answers. A batch is
/// counted per distinct action and code, one counter increment each; an action no rule handles
/// is counted as `unknown`, so a client's words never become label values.
final class DecisionMetrics: Sendable {
    private struct Key: Hashable {
        var action: Action
        var code: DecisionCode
    }

    private let engine: PolicyEngine
    private let counters = NIOLockedValueBox<[Key: Counter]>([:])

    init(engine: PolicyEngine) {
        self.engine = engine
    }

    func record(_ actions: some Sequence<Action>, _ decisions: [Decision]) {
        var counts: [Key: Int] = [:]
        for (action, decision) in zip(actions, decisions) { counts[Key(action: action, code: decision.code), default: 0] += 1 }
        for (key, count) in counts { counter(key).increment(by: count) }
    }

    private func counter(_ key: Key) -> Counter {
        let known = engine.rules(for: key.action) != nil ? key : Key(action: Action(ResourceType(rawValue: "unknown"), Verb(rawValue: "unknown")), code: key.code)
        return counters.withLockedValue { counters in
            if let counter = counters[known] { return counter }
            let action = known.action.resource.rawValue == "unknown" ? "unknown" : known.action.description
            let counter = Counter(label: "latchkey_decisions_total", dimensions: [("action", action), ("code", known.code.rawValue)])
            counters[known] = counter
            return counter
        }
    }
}
