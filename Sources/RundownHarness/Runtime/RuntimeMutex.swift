/// A mutex of a runtime program, built on a ``SharedCell`` (0 when free, the holder's index plus
/// one when held): locking is a compare-exchange (acquiring), unlocking a store (releasing),
/// both scheduling points. A thread that finds it held sleeps until an unlock wakes it, then
/// tries again; an unlock wakes the longest sleeper only (a futex's wake-one, as a pthread
/// mutex does), so a contended mutex costs one retry per unlock, not one per sleeper. A
/// deadlock over mutexes is the scheduler's deadlock finding, naming the mutex each thread
/// waits on.
package final class RuntimeMutex {
    let cell: SharedCell
    /// The sleeping threads, longest first.
    private var sleepers: [Int] = []

    package init(_ name: String) { cell = SharedCell(name, synchronises: true) }

    package var name: String { cell.name }

    /// Takes the mutex, sleeping while another thread holds it. Relocking a mutex the caller
    /// holds fails the run (it would never return).
    package func lock() {
        let me = Runtime.currentThread
        while true {
            let attempt = cell.compareExchange(expected: 0, desired: me + 1, ordering: .acquiring)
            if attempt.exchanged { return }
            Runtime.check(attempt.original != me + 1, "T\(me) locks \(name), which it already holds")
            sleepers.append(me)
            Runtime.scheduler.block(on: cell.address)
        }
    }

    /// Takes the mutex if it is free; returns whether it did.
    package func tryLock() -> Bool {
        cell.compareExchange(expected: 0, desired: Runtime.currentThread + 1, ordering: .acquiring).exchanged
    }

    /// Releases the mutex, which the caller must hold (else the run fails), and wakes its
    /// longest sleeper.
    package func unlock() {
        let me = Runtime.currentThread
        Runtime.check(
            cell.word.pointee.load(ordering: .relaxed) == UInt(me + 1), "T\(me) unlocks \(name), which it does not hold"
        )
        cell.store(0, ordering: .releasing)
        if !sleepers.isEmpty { Runtime.wake(thread: sleepers.removeFirst(), from: cell.address) }
    }
}
