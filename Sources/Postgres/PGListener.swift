import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Receives `NOTIFY` messages on a dedicated connection and thread, as an `AsyncSequence`.
///
/// The thread sleeps in `poll(2)` on the connection's socket and a wake-up pipe: notifications are
/// delivered as they arrive. After `heartbeat` of silence it sends `SELECT 1`; an answer not
/// back within `heartbeat` means a half-open connection (the server or the network vanished
/// without a goodbye), which is dropped like a broken one. When the connection breaks, the
/// listener reconnects (with back-off) and emits `.connected` again, so consumers know they may
/// have missed notifications in between.
public final class PGListener: Sendable {
    /// What the listener reports.
    public enum Event: Sendable, Hashable {
        /// Listening started, or resumed after a reconnect (notifications may have been missed).
        case connected
        /// A notification on one of the channels.
        case notification(PGNotification)
    }

    public let channels: [String]
    /// The events, in arrival order. Single consumer.
    public let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    private let configuration: PGConfiguration
    /// A database away fails every reconnect: logged once per outage.
    private let reconnectFailures: OutageLog
    private let wakePipe: (read: Int32, write: Int32)
    private let stopped = NIOLockedValueBox(false)
    private let connected = NIOLockedValueBox(false)

    /// Whether the listening connection is up (LISTEN issued, heartbeats answered).
    public var isConnected: Bool { connected.withLockedValue { $0 } }
    private let heartbeatMilliseconds: Int32

    /// - Parameters:
    ///   - channels: channel names; each must be a plain lower-case SQL identifier.
    ///   - heartbeat: how long a silent connection waits before it is asked to answer, and how
    ///     long the answer may take.
    public init(
        configuration: PGConfiguration, channels: [String], heartbeat: Duration = .seconds(10),
        logger: Logger = Logger(label: "latchkey.listener")
    ) {
        for channel in channels {
            precondition(PGListener.isPlainIdentifier(channel), "channel names must be plain identifiers")
        }
        self.configuration = configuration
        self.channels = channels
        self.reconnectFailures = OutageLog("LISTEN connection lost; reconnecting", logger: logger)
        heartbeatMilliseconds = Int32(clamping: heartbeat.components.seconds * 1000 + heartbeat.components.attoseconds / 1_000_000_000_000_000)
        (events, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .unbounded)
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0, "pipe() failed")
        wakePipe = (fds[0], fds[1])
    }

    deinit {
        close(wakePipe.read)
        close(wakePipe.write)
    }

    static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else {
            return false
        }
        return name.utf8.count <= 63 && name.utf8.allSatisfy {
            $0 == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
        }
    }

    /// Asks the listening thread to stop; `run()` then returns.
    public func stop() {
        stopped.withLockedValue { $0 = true }
        var byte: UInt8 = 1
        _ = write(wakePipe.write, &byte, 1)
    }

    private var isStopped: Bool { stopped.withLockedValue { $0 } }

    /// Listens until `stop()`, task cancellation or graceful shutdown.
    public func run() async throws {
        await withTaskCancellationOrGracefulShutdownHandler {
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                let thread = Thread { [self] in
                    loop()
                    continuation.finish()
                    done.resume()
                }
                thread.name = "latchkey-listen"
                thread.start()
            }
        } onCancelOrGracefulShutdown: {
            self.stop()
        }
    }

    /// The listening thread's body: connect, LISTEN, wait, deliver; reconnect on failure.
    private func loop() {
        var backoff = 0.05
        while !isStopped {
            do {
                let connection = try PGRawConnection.connect(configuration)
                try connection.simpleQuery(channels.map { "LISTEN \($0)" }.joined(separator: "; "))
                backoff = 0.05
                reconnectFailures.succeeded()
                connected.withLockedValue { $0 = true }
                continuation.yield(.connected)
                try receive(on: connection)
                connected.withLockedValue { $0 = false }
            } catch {
                connected.withLockedValue { $0 = false }
                if isStopped { return }
                reconnectFailures.failed(error)
                waitForWake(seconds: backoff)
                backoff = min(backoff * 2, 2)
            }
        }
    }

    /// Blocks in `poll` until the socket has input, a heartbeat is due or overdue, or a stop is
    /// requested.
    private func receive(on connection: PGRawConnection) throws {
        var awaitingHeartbeat = false
        while !isStopped {
            var descriptors = [
                pollfd(fd: connection.socket, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakePipe.read, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&descriptors, 2, heartbeatMilliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                throw PGError(.connection, message: "poll failed: errno \(errno)")
            }
            if ready == 0 {
                if awaitingHeartbeat { throw PGError(.connection, message: "the LISTEN connection stopped answering") }
                guard connection.sendHeartbeat() else { throw PGError(.connection, message: "the LISTEN connection was closed") }
                awaitingHeartbeat = true
                continue
            }
            if descriptors[1].revents != 0 { return }
            guard connection.consumeInput() else {
                throw PGError(.connection, message: "the LISTEN connection was closed")
            }
            if awaitingHeartbeat, connection.drainResults() { awaitingHeartbeat = false }
            while let notification = connection.nextNotification() {
                continuation.yield(.notification(notification))
            }
        }
    }

    /// Waits up to `seconds`, returning early on a stop request.
    private func waitForWake(seconds: Double) {
        var descriptor = pollfd(fd: wakePipe.read, events: Int16(POLLIN), revents: 0)
        _ = poll(&descriptor, 1, Int32(seconds * 1000))
    }
}
