import Hummingbird

/// Reading a numeric object id from a route parameter.
public enum ObjectID {
    /// The positive `Int64` in route parameter `name`.
    ///
    /// Anything else — letters, a sign, a number beyond `Int64` — cannot name an object, so it
    /// throws 404 (as a Django `<int:…>` route does), never reaching the database.
    public static func int64(_ name: String, in context: some RequestContext) throws -> Int64 {
        guard let text = context.parameters.get(name), let value = int64(text) else { throw APIError.notFound }
        return value
    }

    /// A positive integer id written as plain digits, or `nil`.
    public static func int64(_ text: String) -> Int64? {
        guard let value = StrictQuery.parseInteger(text[...]), value > 0 else { return nil }
        return Int64(value)
    }

    /// A positive integer id given as a JSON number (below 9×10¹⁵, where doubles are exact), or `nil`.
    public static func int64(_ number: Double) -> Int64? {
        guard number.rounded() == number, number >= 1, number < 9.0e15 else { return nil }
        return Int64(number)
    }
}
