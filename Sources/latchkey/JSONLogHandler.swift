import Foundation
import JSON
import Logging
import Server

/// `LATCHKEY_LOG_FORMAT=json` (SPEC §12): one JSON object per line on stderr — `timestamp`
/// (RFC 3339, UTC, milliseconds), `level`, `label`, `message`, then each metadata item as a
/// member of its own (nested values as JSON). What is logged is the same as in text: no
/// secret is ever given to a logger.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let explicit { all.merge(explicit) { _, new in new } }
        FileHandle.standardError.write(Data(Self.line(at: Date(), level: level, label: label, message: message.description, metadata: all).utf8))
    }

    /// One log line, newline included. Metadata never replaces the four fixed members.
    static func line(at date: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        var json = JSONWriter(capacity: 256)
        json.object { json in
            json.field("timestamp", timestamp(date))
            json.field("level", level.rawValue)
            json.field("label", label)
            json.field("message", message)
            for (key, value) in metadata.sorted(by: { $0.key < $1.key }) where !["timestamp", "level", "label", "message"].contains(key) {
                json.key(key)
                write(value, to: &json)
            }
        }
        return String(decoding: json.bytes, as: UTF8.self) + "\n"
    }

    private static func write(_ value: Logger.MetadataValue, to json: inout JSONWriter) {
        switch value {
        case .string(let text): json.string(text)
        case .stringConvertible(let convertible): json.string(convertible.description)
        case .array(let items): json.array { json in for item in items { write(item, to: &json) } }
        case .dictionary(let members):
            json.object { json in
                for (key, item) in members.sorted(by: { $0.key < $1.key }) {
                    json.key(key)
                    write(item, to: &json)
                }
            }
        }
    }

    private static func timestamp(_ date: Date) -> String {
        let format = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!)
        return date.formatted(format)
    }
}

extension LogFormat {
    /// Makes every logger of the process (this module's and the libraries') write in this
    /// format at `level`. Call once, before anything logs.
    func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = switch self {
            case .text: TextLogHandler(label: label)
            case .json: JSONLogHandler(label: label)
            }
            handler.logLevel = level
            return handler
        }
    }
}
