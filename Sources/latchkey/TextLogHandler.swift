import Logging

/// `LATCHKEY_LOG_FORMAT=text`: swift-log's `StreamLogHandler`, with its metadata kept here and
/// handed over only when a line is written.
///
/// `StreamLogHandler` formats its metadata into text each time an item is set; Hummingbird
/// sets the request id on every request's logger, so that formatting ran on every request,
/// logged or not (1.7% of an uncached list's CPU; docs/DECISIONS.md "Uncached lists (issue #32)").
struct TextLogHandler: LogHandler {
    private var stream: StreamLogHandler
    var metadata: Logger.Metadata = [:]

    init(label: String) {
        stream = StreamLogHandler.standardError(label: label)
    }

    var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { stream.metadataProvider }
        set { stream.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        let all = explicit.map { metadata.merging($0) { _, new in new } } ?? metadata
        stream.log(level: level, message: message, metadata: all, source: source, file: file, function: function, line: line)
    }
}
