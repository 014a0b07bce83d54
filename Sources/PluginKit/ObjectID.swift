import Hummingbird

/// Reading a numeric object id from a route parameter.
public enum ObjectID {
    /// The positive `Int64` in route parameter `name`.
    ///
    /// Anything else — letters, a sign, a number beyond `Int64` — cannot name an object, so it
    /// throws 404 (as a Django `<int:…>` route does), never reaching the database.
    public static func int64(_ name: String, in context: some RequestContext) throws -> Int64 {
        guard let text = context.parameters.get(name),
              let value = StrictQuery.parseInteger(text[...]), value > 0
        else { throw APIError.notFound }
        return Int64(value)
    }
}
