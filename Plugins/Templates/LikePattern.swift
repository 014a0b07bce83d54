/// Turns user text into an `ILIKE … ESCAPE '\'` pattern that matches it literally.
enum LikePattern {
    /// A pattern matching any text containing `text`: `%`, `_` and `\` are escaped with `\`.
    static func containing(_ text: some StringProtocol) -> String {
        var pattern = "%"
        for character in text {
            if character == "%" || character == "_" || character == "\\" { pattern.append("\\") }
            pattern.append(character)
        }
        return pattern + "%"
    }
}
