import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// Bounds the password hashing of one instance (SPEC §10): at most `slots` scrypt computations
/// at once (by default one per core); a caller finding none free waits at most `maxWait`, then
/// is refused with `VaultError.passwordHashingBusy` (503), so a flood of sign-ins for random names
/// queues briefly and is turned away instead of starving the service.
///
/// Waiters are served in arrival order. At most `maxWaiting` wait at once; more are refused at
/// once (they could not be served within `maxWait` anyway).
public final class PasswordHashingLimiter: Sendable {
    public let slots: Int
    public let maxWait: Duration
    public let maxWaiting: Int

    private struct State {
        var free: Int
        var lastTicket: UInt64 = 0
        /// Who waits, by ticket (tickets grow: the smallest came first). At most `maxWaiting`.
        var waiting: [UInt64: CheckedContinuation<Bool, Never>] = [:]
    }

    private let state: NIOLockedValueBox<State>

    /// - Parameters:
    ///   - slots: computations at once; by default the number of cores this process may use.
    ///   - maxWait: how long a caller waits for a slot before it is refused.
    ///   - maxWaiting: callers waiting at once; by default 32 per slot.
    public init(slots: Int = System.coreCount, maxWait: Duration = .seconds(2), maxWaiting: Int? = nil) {
        let slots = max(1, slots)
        self.slots = slots
        self.maxWait = maxWait
        self.maxWaiting = max(0, maxWaiting ?? slots * 32)
        state = NIOLockedValueBox(State(free: slots))
    }

    /// Runs `body` (scrypt: it blocks) on the blocking thread pool once a slot is free.
    ///
    /// - Throws: `VaultError.passwordHashingBusy` when no slot freed within `maxWait`; what `body` throws.
    public func run<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
        guard await acquire() else { throw VaultError.passwordHashingBusy }
        defer { release() }
        return try await NIOThreadPoolHashing.run(body)
    }

    /// Takes a slot, waiting at most `maxWait`: `true` when taken (then ``release()`` it),
    /// `false` when refused or cancelled.
    public func acquire() async -> Bool {
        enum Entry { case taken, refused, queued(UInt64) }
        let entry = state.withLockedValue { state -> Entry in
            if state.free > 0 {
                state.free -= 1
                return .taken
            }
            guard state.waiting.count < maxWaiting else { return .refused }
            state.lastTicket += 1
            return .queued(state.lastTicket)
        }
        let ticket: UInt64
        switch entry {
        case .taken: return true
        case .refused: return false
        case .queued(let queued): ticket = queued
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let taken = state.withLockedValue { state -> Bool? in
                    if state.free > 0 {
                        state.free -= 1
                        return true
                    }
                    guard state.waiting.count < maxWaiting else { return false }
                    state.waiting[ticket] = continuation
                    return nil
                }
                if let taken {
                    continuation.resume(returning: taken)
                    return
                }
                let maxWait = self.maxWait
                Task { [self] in
                    try? await Task.sleep(for: maxWait)
                    leave(ticket)
                }
            }
        } onCancel: {
            leave(ticket)
        }
    }

    /// Gives a slot back: to the longest waiter, else to the pool.
    public func release() {
        let next = state.withLockedValue { state -> CheckedContinuation<Bool, Never>? in
            if let first = state.waiting.keys.min() { return state.waiting.removeValue(forKey: first) }
            state.free = min(slots, state.free + 1)
            return nil
        }
        next?.resume(returning: true)
    }

    /// Ends a wait that was not served (timed out or cancelled).
    private func leave(_ ticket: UInt64) {
        let waiter = state.withLockedValue { $0.waiting.removeValue(forKey: ticket) }
        waiter?.resume(returning: false)
    }

    /// How many slots are free now (for tests and metrics).
    public var freeSlots: Int { state.withLockedValue { $0.free } }
}
