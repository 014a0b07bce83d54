/// What the resource API answers for an object that exists but that the caller may not see
/// (SPEC §4): 404 unless the resource says otherwise, once, for
/// ``PolicyEngine/requireObject(_:_:_:hidden:facts:)`` to apply to every route of it.
public enum HiddenObject: Sendable {
    /// 403 with the denial: the object's existence is no secret (surveys: "exists but not
    /// visible → 403; no such id → 404").
    case forbidden
    /// 404, exactly as for an object that does not exist (datasets, question-group templates,
    /// the user directory: "visible → 200, otherwise 404").
    case notFound
}
