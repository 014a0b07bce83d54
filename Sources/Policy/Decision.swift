/// The answer to one authorization question: allowed or not, a machine code, and reasons.
///
/// Built from static strings, so making a decision allocates nothing; ``reasons`` is assembled
/// only when read.
public struct Decision: Sendable {
    /// Whether the action is allowed.
    public let isAllowed: Bool
    /// The machine-readable code, e.g. `ALLOW_OWNER`.
    public let code: DecisionCode
    /// The main reason, e.g. "API key lacks the 'edit' capability.".
    public let summary: StaticString
    /// Further reasons, if any (usually empty: an empty array does not allocate).
    public let details: [String]

    @inlinable
    public init(isAllowed: Bool, code: DecisionCode, summary: StaticString, details: [String] = []) {
        self.isAllowed = isAllowed
        self.code = code
        self.summary = summary
        self.details = details
    }

    /// An allowing decision.
    @inlinable
    public static func allow(_ code: DecisionCode, _ summary: StaticString) -> Decision {
        Decision(isAllowed: true, code: code, summary: summary)
    }

    /// A denying decision.
    @inlinable
    public static func deny(_ code: DecisionCode, _ summary: StaticString) -> Decision {
        Decision(isAllowed: false, code: code, summary: summary)
    }

    /// Human-readable reasons, the summary first.
    public var reasons: [String] { [summary.description] + details }

    /// The same decision with one more reason appended.
    public func adding(reason: String) -> Decision {
        Decision(isAllowed: isAllowed, code: code, summary: summary, details: details + [reason])
    }
}

extension Decision: Equatable {
    public static func == (lhs: Decision, rhs: Decision) -> Bool {
        lhs.isAllowed == rhs.isAllowed && lhs.code == rhs.code && lhs.reasons == rhs.reasons
    }
}

extension Decision: CustomStringConvertible {
    /// E.g. `deny DENY_CAPABILITY: API key lacks the 'edit' capability.`
    public var description: String {
        "\(isAllowed ? "allow" : "deny") \(code): \(reasons.joined(separator: "; "))"
    }
}
