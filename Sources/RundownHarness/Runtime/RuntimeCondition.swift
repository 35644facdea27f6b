/// A condition variable of a runtime program. `wait` enqueues the caller, releases the mutex,
/// sleeps until a signal picks it and retakes the mutex; `signal` wakes the longest waiter,
/// `broadcast` every waiter. There are no spurious wake-ups, so a program that waits without
/// re-checking its condition is still judged by the schedules alone. Waiting and signalling are
/// scheduling points.
package final class RuntimeCondition {
    let cell: SharedCell
    private var waiters: [Int] = []
    private var notified: Set<Int> = []

    package init(_ name: String) { cell = SharedCell(name, synchronises: true) }

    package var name: String { cell.name }

    /// Releases `mutex` (which the caller holds), sleeps until signalled, retakes `mutex`.
    package func wait(_ mutex: RuntimeMutex) {
        let scheduler = Runtime.scheduler
        let me = scheduler.current
        scheduler.point(
            .waitEvent, word: .event, access: PendingAccess(object: UInt(cell.id), writes: true, synchronises: true))
        waiters.append(me)
        mutex.unlock()
        Runtime.state!.note("T\(me) waits on \(name)")
        while !notified.contains(me) { scheduler.block(on: cell.address) }
        notified.remove(me)
        mutex.lock()
    }

    /// Wakes the longest waiter, if any.
    package func signal() { notify(all: false) }

    /// Wakes every waiter.
    package func broadcast() { notify(all: true) }

    private func notify(all: Bool) {
        let scheduler = Runtime.scheduler
        scheduler.point(
            .signalEvent, word: .event, access: PendingAccess(object: UInt(cell.id), writes: true, synchronises: true))
        Runtime.state!.note("T\(scheduler.current) \(all ? "broadcasts" : "signals") \(name)")
        let woken = all ? waiters : Array(waiters.prefix(1))
        waiters.removeFirst(woken.count)
        for thread in woken {
            notified.insert(thread)
            if scheduler.states[thread] == .blocked(cell.address) {
                scheduler.states[thread] = .runnable
                scheduler.trace.append(.woken(thread: thread, by: scheduler.current))
            }
        }
    }
}
