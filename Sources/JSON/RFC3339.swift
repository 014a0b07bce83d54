import Foundation

/// RFC 3339 timestamps such as `2026-11-20T10:00:00Z`, as fixtures and request bodies carry them.
public enum RFC3339 {
    /// Parses a timestamp with or without fractional seconds; `nil` for anything else.
    public static func parse(_ text: String) -> Date? {
        let plain = Date.ISO8601FormatStyle()
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        return (try? plain.parse(text)) ?? (try? fractional.parse(text))
    }
}
