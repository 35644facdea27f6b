/// A count that threads bump and other threads wait on (pthread mutex and condition variable).
package final class Latch: @unchecked Sendable {
    // @unchecked Sendable: `count` is only touched with `mutex` held.
    private let mutex = PthreadMutex()
    private let changed = PthreadCondition()
    private var count = 0

    package init() {}

    package func add() {
        mutex.withLock {
            count += 1
            changed.broadcast()
        }
    }

    /// Returns once the count has reached `target`.
    package func wait(for target: Int) {
        mutex.withLock {
            while count < target { changed.wait(mutex) }
        }
    }
}
