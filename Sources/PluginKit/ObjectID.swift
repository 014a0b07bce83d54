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
        var value: Int64 = 0
        var digits = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 19 else { return nil }
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !overflow, !carry else { return nil }
            value = sum
            digits += 1
        }
        return value > 0 ? value : nil
    }

    /// A positive integer id given as a JSON number (below 9×10¹⁵, where doubles are exact), or `nil`.
    public static func int64(_ number: Double) -> Int64? {
        guard number.rounded() == number, number >= 1, number < 9.0e15 else { return nil }
        return Int64(number)
    }
}
