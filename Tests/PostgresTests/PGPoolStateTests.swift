@testable import Postgres
import Testing

/// The pool's bookkeeping alone: no database, no threads, no clocks.
@Suite("Pool state machine")
struct PGPoolStateTests {
    @Test func opensUpToTheMaximumThenQueuesInOrder() {
        var pool = PGPoolState<String>(maxConnections: 2)
        guard case .lease(.open) = pool.acquire(), case .lease(.open) = pool.acquire() else {
            Issue.record("the first two borrowers open connections")
            return
        }
        #expect(pool.open == 2)
        guard case .wait(let first) = pool.acquire(), case .wait(let second) = pool.acquire() else {
            Issue.record("the third and fourth wait")
            return
        }
        #expect(first != second)
        #expect(Array(pool.waiters) == [first, second])
        // Returned connections go to the waiters first come, first served.
        guard case .hand("a", let served) = pool.release("a") else { Issue.record("a goes to a waiter"); return }
        #expect(served == first)
        guard case .hand("b", let next) = pool.release("b") else { Issue.record("b goes to a waiter"); return }
        #expect(next == second)
        // With nobody waiting, a returned connection is kept and lent again.
        guard case .kept = pool.release("a") else { Issue.record("a is kept"); return }
        guard case .lease(.connection("a")) = pool.acquire() else { Issue.record("a is lent again"); return }
        #expect(pool.open == 2)
    }

    @Test func aWaiterWhoGivesUpLeavesTheLine() {
        var pool = PGPoolState<Int>(maxConnections: 1)
        _ = pool.acquire()
        guard case .wait(let quitter) = pool.acquire(), case .wait(let stayer) = pool.acquire() else {
            Issue.record("two waiters")
            return
        }
        let removed = pool.removeWaiter(quitter)
        let again = pool.removeWaiter(quitter)  // gone already (timed out and cancelled both)
        #expect(removed && !again)
        guard case .hand(7, let served) = pool.release(7) else { Issue.record("handed on"); return }
        #expect(served == stayer)
        let late = pool.removeWaiter(stayer)  // served: too late to give up
        #expect(!late)
    }

    @Test func aDroppedConnectionsSlotGoesToTheFirstWaiterOrIsFreed() {
        var pool = PGPoolState<Int>(maxConnections: 1)
        _ = pool.acquire()
        guard case .wait(let waiter) = pool.acquire() else { Issue.record("waits"); return }
        let handed = pool.slotFreed()  // the waiter opens a new connection in the slot
        #expect(handed == waiter && pool.open == 1)
        let freed = pool.slotFreed()  // nobody waits: the slot is free
        #expect(freed == nil && pool.open == 0)
        guard case .lease(.open) = pool.acquire() else { Issue.record("the free slot opens again"); return }
    }

    @Test func closingFailsWaitersClosesIdleConnectionsAndRefusesBorrowers() {
        var pool = PGPoolState<Int>(maxConnections: 2)
        _ = pool.acquire()
        _ = pool.acquire()
        guard case .wait(let first) = pool.acquire(), case .hand(1, let served) = pool.release(1), served == first else {
            Issue.record("1 goes to the first waiter")
            return
        }
        guard case .wait(let late) = pool.acquire() else { Issue.record("waits"); return }
        let (idle, waiters) = pool.close()
        #expect(pool.isClosed)
        #expect(idle.isEmpty)
        #expect(waiters == [late])
        guard case .closed = pool.acquire() else { Issue.record("closed pools refuse"); return }
        // Connections still on loan are closed when they come back; no slot is handed on.
        guard case .close(2) = pool.release(2), case .close(1) = pool.release(1) else { Issue.record("closed on return"); return }
        #expect(pool.open == 0)
    }

    @Test func idleConnectionsAreClosedWithThePool() {
        var pool = PGPoolState<Int>(maxConnections: 3)
        _ = pool.acquire()
        _ = pool.acquire()
        _ = pool.release(10)
        _ = pool.release(11)
        #expect(pool.idle == [10, 11])
        let (idle, waiters) = pool.close()
        #expect(idle == [10, 11] && waiters.isEmpty)
        #expect(pool.open == 0 && pool.idle.isEmpty)
    }
}
