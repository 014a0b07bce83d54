import Foundation

/// Timestamps as JSON strings: ISO 8601 in UTC, e.g. `2026-11-20T10:00:00Z`, with microseconds
/// only when there are any (as Django REST Framework renders them).
public enum ISOTimestamp {
    /// `date` as an ISO 8601 UTC string.
    public static func string(from date: Date) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = Int(interval.rounded(.down))
        var micros = Int(((interval - Double(seconds)) * 1_000_000).rounded())
        if micros >= 1_000_000 {
            seconds += 1
            micros -= 1_000_000
        }
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        var text = "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))"
            + "T\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2))"
        if micros > 0 { text += "." + pad(micros, 6) }
        return text + "Z"
    }
}
