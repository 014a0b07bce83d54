import Foundation

/// Timestamps as JSON strings: ISO 8601 in UTC, e.g. `2026-11-20T10:00:00Z`, with microseconds
/// only when there are any (as Django REST Framework renders them).
public enum ISOTimestamp {
    /// `date` as an ISO 8601 UTC string.
    public static func string(from date: Date) -> String {
        let parts = UTCDateParts(date)
        var text = parts.dateTime(separator: "T")
        if parts.microsecond > 0 { text += "." + UTCDateParts.padded(parts.microsecond, 6) }
        return text + "Z"
    }
}
