import Foundation
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import ServiceLifecycle
import Logging

/// A real HTTP receiver for webhook tests: a Hummingbird application on a loopback port below
/// 32768 that records every POST (headers and body) and answers the statuses it is told to.
public final class WebhookReceiver: Sendable {
    public struct Received: Sendable {
        public var id: String
        public var timestamp: String
        public var signature: String
        public var body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    private struct State {
        var received: [Received] = []
        /// Statuses to answer, first first; 200 once they run out.
        var statuses: [Int] = []
        var always: Int?
    }

    private let state = NIOLockedValueBox(State())
    public let port: Int

    private init(port: Int) { self.port = port }

    public var url: String { "http://127.0.0.1:\(port)/hook" }
    public var received: [Received] { state.withLockedValue { $0.received } }

    /// Answers `statuses` to the next requests, then 200.
    public func answer(_ statuses: [Int]) { state.withLockedValue { $0.statuses = statuses } }
    /// Answers `status` to every request.
    public func alwaysAnswer(_ status: Int) { state.withLockedValue { $0.always = status } }

    /// Waits until at least `count` requests arrived (at most `seconds`).
    public func waitFor(_ count: Int, seconds: Double = 20) async throws -> [Received] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let now = received
            if now.count >= count { return now }
            try await Task.sleep(for: .milliseconds(50))
        }
        return received
    }

    private func take(_ request: Request) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        func header(_ name: String) -> String { request.headers[HTTPField.Name(name)!] ?? "" }
        let received = Received(id: header("webhook-id"), timestamp: header("webhook-timestamp"), signature: header("webhook-signature"),
                                body: Array(buffer.readableBytesView))
        let status = state.withLockedValue { state -> Int in
            state.received.append(received)
            if let always = state.always { return always }
            return state.statuses.isEmpty ? 200 : state.statuses.removeFirst()
        }
        return Response(status: HTTPResponse.Status(code: status))
    }

    /// Runs `body` with a receiver listening, then stops it.
    public static func with<Result: Sendable>(_ body: @Sendable (WebhookReceiver) async throws -> Result) async throws -> Result {
        var lastError: (any Error)?
        for _ in 0..<8 {
            let port = Int.random(in: 20000..<32000)
            let receiver = WebhookReceiver(port: port)
            let router = Router()
            router.post("/hook") { request, _ in try await receiver.take(request) }
            let running = NIOLockedValueBox<Bool?>(nil)
            var logger = Logger(label: "webhook-receiver")
            logger.logLevel = .critical
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
                                  onServerRunning: { _ in running.withLockedValue { $0 = true } }, logger: logger)
            let task = Task { do { try await app.runService(gracefulShutdownSignals: []) } catch { running.withLockedValue { $0 = false } } }
            let deadline = Date().addingTimeInterval(10)
            while running.withLockedValue({ $0 }) == nil, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            guard running.withLockedValue({ $0 }) == true else {
                task.cancel()
                lastError = POSIXError(.EADDRINUSE)
                continue
            }
            do {
                let result = try await body(receiver)
                task.cancel()
                _ = await task.result
                return result
            } catch {
                task.cancel()
                _ = await task.result
                throw error
            }
        }
        throw lastError ?? POSIXError(.EADDRINUSE)
    }
}
