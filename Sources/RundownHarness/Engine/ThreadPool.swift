#if canImport(Glibc)
import Glibc
#endif
import _RundownShims

/// Persistent OS threads that run one input's logical threads and are all joined before the
/// input's run returns, so each input stands alone. Synchronised with pthread primitives only,
/// which every sanitizer understands; every one's result is checked (a failure stops the
/// process with a message naming the call).
final class ThreadPool: @unchecked Sendable {
    // @unchecked Sendable: every field below is read and written with `mutex` held.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var generation = 0
    private var active = 0
    private var remaining = 0
    private var job: (Int) -> Void = { _ in }
    private var threads = 0

    init() {
        rundown_check_error(pthread_mutex_init(mutex, nil), "pthread_mutex_init")
        rundown_check_error(pthread_cond_init(changed, nil), "pthread_cond_init")
    }

    /// Runs `job(0) ..< job(count)` on `count` pool threads at once and waits for all of them.
    func run(_ count: Int, _ job: @escaping (Int) -> Void) {
        while threads < count { spawn(threads) }
        lock()
        self.job = job
        active = count
        remaining = threads
        generation += 1
        broadcast()
        while remaining > 0 { wait() }
        self.job = { _ in }
        unlock()
    }

    private func spawn(_ index: Int) {
        threads += 1
        // The generation the new thread starts from is read here, before `run` bumps it, so the
        // thread cannot miss the broadcast of its first job.
        let box = Unmanaged.passRetained(WorkerStart(pool: self, index: index, seen: generation)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { argument in
            let start = Unmanaged<WorkerStart>.fromOpaque(argument!).takeRetainedValue()
            start.pool.work(start.index, seen: start.seen)
            return nil
        }, box)
        rundown_check_error(rc, "pthread_create (a harness pool thread)")
        rundown_check_error(pthread_detach(thread), "pthread_detach")
    }

    private final class WorkerStart {
        let pool: ThreadPool
        let index: Int
        let seen: Int
        init(pool: ThreadPool, index: Int, seen: Int) {
            self.pool = pool
            self.index = index
            self.seen = seen
        }
    }

    private func work(_ index: Int, seen start: Int) {
        var seen = start
        while true {
            lock()
            while generation == seen { wait() }
            seen = generation
            let job = self.job
            let mine = index < active
            unlock()
            if mine { job(index) }
            lock()
            remaining -= 1
            if remaining == 0 { broadcast() }
            unlock()
        }
    }

    private func lock() { rundown_check_error(pthread_mutex_lock(mutex), "pthread_mutex_lock") }
    private func unlock() { rundown_check_error(pthread_mutex_unlock(mutex), "pthread_mutex_unlock") }
    private func wait() { rundown_check_error(pthread_cond_wait(changed, mutex), "pthread_cond_wait") }
    private func broadcast() { rundown_check_error(pthread_cond_broadcast(changed), "pthread_cond_broadcast") }
}
