import Foundation
import JSON
import Logging

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

/// How logs are written (`LATCHKEY_LOG_FORMAT`).
enum LogFormat: String {
    case text, json

    /// Makes every logger of the process (this module's and the libraries') write in the format
    /// `LATCHKEY_LOG_FORMAT` names, at the level `LATCHKEY_LOG_LEVEL` names (default `info`); an
    /// unknown format or level is refused, naming the variable.
    static func bootstrap(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let text = environment["LATCHKEY_LOG_FORMAT"].flatMap { $0.isEmpty ? nil : $0 } ?? "text"
        guard let format = LogFormat(rawValue: text) else {
            throw CommandFailure(message: "LATCHKEY_LOG_FORMAT must be text or json, not '\(text)'.")
        }
        let level = try LogFormat.level(environment)
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = switch format {
            case .text: StreamLogHandler.standardError(label: label)
            case .json: JSONLogHandler(label: label)
            }
            handler.logLevel = level
            return handler
        }
    }

    /// `LATCHKEY_LOG_LEVEL`, in any case: trace, debug, info (the default), notice, warning,
    /// error or critical.
    static func level(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Logger.Level {
        guard let text = environment["LATCHKEY_LOG_LEVEL"].flatMap({ $0.isEmpty ? nil : $0 }) else { return .info }
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw CommandFailure(message: "LATCHKEY_LOG_LEVEL must be one of \(names), not '\(text)'.")
        }
        return level
    }
}
