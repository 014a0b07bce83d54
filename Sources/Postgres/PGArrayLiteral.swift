/// Formats and parses one-dimensional PostgreSQL array literals such as `{a,"b c",NULL}`.
enum PGArrayLiteral {
    /// Quotes every element, escaping `"` and `\`, so any string round-trips.
    static func format(_ elements: [String]) -> String {
        var out = "{"
        for (index, element) in elements.enumerated() {
            if index > 0 { out += "," }
            out += "\""
            for scalar in element.unicodeScalars {
                if scalar == "\"" || scalar == "\\" { out += "\\" }
                out.unicodeScalars.append(scalar)
            }
            out += "\""
        }
        return out + "}"
    }

    /// Parses the server's output form; unquoted `NULL` becomes `nil`. Returns `nil` when malformed.
    static func parse(_ text: String) -> [String?]? {
        var scalars = Substring(text).unicodeScalars[...]
        guard scalars.popFirst() == "{", scalars.popLast() == "}" else { return nil }
        var items: [String?] = []
        if scalars.isEmpty { return items }
        while true {
            var item = String.UnicodeScalarView()
            var quoted = false
            if scalars.first == "\"" {
                quoted = true
                scalars.removeFirst()
                while true {
                    guard let scalar = scalars.popFirst() else { return nil }
                    if scalar == "\"" { break }
                    if scalar == "\\" {
                        guard let escaped = scalars.popFirst() else { return nil }
                        item.append(escaped)
                    } else {
                        item.append(scalar)
                    }
                }
            } else {
                while let scalar = scalars.first, scalar != "," {
                    item.append(scalar)
                    scalars.removeFirst()
                }
            }
            let value = String(item)
            items.append(!quoted && value == "NULL" ? nil : value)
            guard let separator = scalars.popFirst() else { return items }
            guard separator == "," else { return nil }
        }
    }
}
