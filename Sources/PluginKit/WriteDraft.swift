import Hummingbird

/// What the JSON body of a write describes (a plugin's `…Draft`): the fields it may carry and
/// how each applies, checked field by field.
public protocol WriteDraft {
    /// Every field a body may carry; any other is a 400 naming it.
    static var fields: Set<String> { get }

    /// Applies the fields `body` carries; 400 naming the first bad one.
    mutating func apply(_ body: JSONObjectBody) throws
}

extension WriteDraft {
    /// This draft with the body of `request` applied: only ``fields``, and every one of
    /// `required` present unless the write is `partial` (a `PATCH`), else 400 naming it.
    public func applying(_ request: Request, required: String..., partial: Bool = false) async throws -> Self {
        let body = try await JSONObjectBody.read(from: request, allowed: Self.fields)
        if !partial, let missing = required.first(where: { !body.contains($0) }) {
            throw JSONBody.invalid("'\(missing)' is required")
        }
        var draft = self
        try draft.apply(body)
        return draft
    }
}
