import Foundation
import JSON

/// Formats and parses PostgreSQL timestamps in the ISO `DateStyle` the connection sets.
enum PGTimestamp {
    /// `2026-11-22 15:37:28.123456+00`, always UTC, microsecond precision.
    static func format(_ date: Date) -> String {
        let parts = UTCDateParts(date)
        return parts.dateTime(separator: " ") + "." + UTCDateParts.padded(parts.microsecond, 6) + "+00"
    }

    /// Parses `YYYY-MM-DD[ HH:MM:SS[.ffffff]][±HH[:MM[:SS]]]`; a missing zone is UTC.
    static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    /// ``parse(_:)`` from the text's UTF-8 bytes.
    static func parse(utf8: UnsafeBufferPointer<UInt8>) -> Date? {
        var bytes = utf8[...]
        func number(_ width: Int) -> Int? {
            guard bytes.count >= width else { return nil }
            var value = 0
            for _ in 0..<width {
                let c = bytes.removeFirst()
                guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(c - UInt8(ascii: "0"))
            }
            return value
        }
        func expect(_ c: Character) -> Bool {
            guard bytes.first == c.asciiValue else { return false }
            bytes.removeFirst()
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2) else { return nil }
        var hour = 0, minute = 0, second = 0
        var fraction = 0.0
        if expect(" ") || expect("T") {
            guard let h = number(2), expect(":"), let m = number(2), expect(":"), let s = number(2) else { return nil }
            (hour, minute, second) = (h, m, s)
            if expect(".") {
                var scale = 0.1
                while let c = bytes.first, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") {
                    fraction += Double(c - UInt8(ascii: "0")) * scale
                    scale /= 10
                    bytes.removeFirst()
                }
            }
        }
        var offset = 0
        if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            bytes.removeFirst()
            guard let h = number(2) else { return nil }
            var zone = h * 3600
            if expect(":") {
                guard let m = number(2) else { return nil }
                zone += m * 60
                if expect(":") {
                    guard let s = number(2) else { return nil }
                    zone += s
                }
            }
            offset = sign == UInt8(ascii: "+") ? zone : -zone
        } else if expect("Z") {
            offset = 0
        }
        guard bytes.isEmpty, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else {
            return nil
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let epoch = timegm(&parts)
        return Date(timeIntervalSince1970: Double(epoch - offset) + fraction)
    }
}
