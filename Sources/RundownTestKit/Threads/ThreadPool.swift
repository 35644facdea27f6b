/// Persistent OS threads that run one job's logical threads and have all finished before the
/// job's run returns, so each job stands alone. Synchronised with pthread primitives only,
/// which every sanitizer understands.
package final class ThreadPool: @unchecked Sendable {
    // @unchecked Sendable: every field below is read and written with `mutex` held.
    private let mutex = PthreadMutex()
    private let changed = PthreadCondition()
    private var generation = 0
    private var active = 0
    private var remaining = 0
    private var job: (Int) -> Void = { _ in }
    private var threads = 0

    package init() {}

    /// Runs `job(0) ..< job(count)` on `count` pool threads at once and waits for all of them.
    package func run(_ count: Int, _ job: @escaping (Int) -> Void) {
        while threads < count { spawn(threads) }
        mutex.withLock {
            self.job = job
            active = count
            remaining = threads
            generation += 1
            changed.broadcast()
            while remaining > 0 { changed.wait(mutex) }
            self.job = { _ in }
        }
    }

    private func spawn(_ index: Int) {
        threads += 1
        // The generation the new thread starts from is read here, before `run` bumps it, so the
        // thread cannot miss the broadcast of its first job.
        let seen = generation
        SpawnedThread(name: "pool \(index)") { [self] in work(index, seen: seen) }.detach()
    }

    private func work(_ index: Int, seen start: Int) {
        var seen = start
        while true {
            let (job, mine) = mutex.withLock {
                while generation == seen { changed.wait(mutex) }
                seen = generation
                return (self.job, index < active)
            }
            if mine { job(index) }
            mutex.withLock {
                remaining -= 1
                if remaining == 0 { changed.broadcast() }
            }
        }
    }
}
