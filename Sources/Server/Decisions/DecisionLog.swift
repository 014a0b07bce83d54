import Foundation
import Logging
import Policy
import ServiceLifecycle

/// Every decision of the decision API, as structured log records written off the request path.
///
/// Handlers only enqueue (a bounded buffer keeps the newest entries if the writer falls
/// behind); ``DecisionLogWriter`` writes them. Records carry a key's id and display prefix, a
/// user's id, never a raw key. Switched by `LATCHKEY_DECISION_LOG` (`on` by default).
public final class DecisionLog: Sendable {
    /// Who was asked about, as the log may show it.
    enum Subject: Sendable, CustomStringConvertible {
        case apiKey(id: UUID?, prefix: String?)
        case user(id: Int64?)
        case other(type: String)

        var description: String {
            switch self {
            case .apiKey(let id, let prefix): return "api_key:\(id?.uuidString ?? "unknown"):\(prefix ?? "-")"
            case .user(let id): return "user:\(id.map(String.init) ?? "unknown")"
            case .other(let type): return "other:\(DecisionLog.loggable(type))"
            }
        }
    }

    struct Entry: Sendable {
        var service: String
        var subject: Subject
        var action: String
        var resourceType: String
        var resourceID: String?
        var decision: Decision
    }

    public let isEnabled: Bool
    let entries: AsyncStream<Entry>
    private let continuation: AsyncStream<Entry>.Continuation

    public init(enabled: Bool, capacity: Int = 100_000) {
        isEnabled = enabled
        (entries, continuation) = AsyncStream.makeStream(of: Entry.self, bufferingPolicy: .bufferingNewest(capacity))
        if !enabled { continuation.finish() }
    }

    func record(_ entry: Entry) {
        continuation.yield(entry)
    }

    /// `text` as a log line may carry it: client-chosen strings (action names, resource types
    /// and ids) could hold a key pasted in the wrong field, or line breaks that forge records.
    /// Anything shaped like a key or service credential is replaced by `[redacted]`, control
    /// characters by `?`, and the result cut to 64 characters.
    static func loggable(_ text: String) -> String {
        var result = ""
        var rest = Substring(text.prefix(256))
        while let range = rest.range(of: "ct_live_") ?? rest.range(of: "ct_svc_") {
            result += rest[..<range.lowerBound]
            result += "[redacted]"
            rest = rest[range.upperBound...].drop { $0.isASCII && ($0.isLetter || $0.isNumber) }
        }
        result += rest
        let cleaned = String(String.UnicodeScalarView(result.unicodeScalars.map {
            $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" ? "?" : $0
        }))
        return String(cleaned.prefix(64))
    }

    /// Ends the stream; the writer drains what is buffered and returns.
    public func finish() {
        continuation.finish()
    }
}

/// Writes the ``DecisionLog`` through swift-log (label `latchkey.decisions`).
public struct DecisionLogWriter: Service {
    let log: DecisionLog
    let logger: Logger

    public init(log: DecisionLog, logger: Logger) {
        self.log = log
        self.logger = logger
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            for await entry in log.entries {
                logger.info("decision", metadata: [
                    "service": "\(DecisionLog.loggable(entry.service))",
                    "subject": "\(entry.subject)",
                    "action": "\(DecisionLog.loggable(entry.action))",
                    "resource": "\(DecisionLog.loggable(entry.resourceType)):\(entry.resourceID.map(DecisionLog.loggable) ?? "*")",
                    "decision": "\(entry.decision.isAllowed ? "allow" : "deny")",
                    "code": "\(entry.decision.code)",
                ])
            }
        } onGracefulShutdown: {
            log.finish()
        }
    }
}
