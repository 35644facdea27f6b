#if canImport(Glibc)
import Glibc
#endif

/// Persistent OS threads that run one input's logical threads and are all joined before the
/// input's run returns, so each input stands alone. Synchronised with pthread primitives only,
/// which every sanitizer understands.
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
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(changed, nil)
    }

    /// Runs `job(0) ..< job(count)` on `count` pool threads at once and waits for all of them.
    func run(_ count: Int, _ job: @escaping (Int) -> Void) {
        while threads < count { spawn(threads) }
        pthread_mutex_lock(mutex)
        self.job = job
        active = count
        remaining = threads
        generation += 1
        pthread_cond_broadcast(changed)
        while remaining > 0 { pthread_cond_wait(changed, mutex) }
        self.job = { _ in }
        pthread_mutex_unlock(mutex)
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
        precondition(rc == 0, "pthread_create failed with error \(rc)")
        pthread_detach(thread)
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
            pthread_mutex_lock(mutex)
            while generation == seen { pthread_cond_wait(changed, mutex) }
            seen = generation
            let job = self.job
            let mine = index < active
            pthread_mutex_unlock(mutex)
            if mine { job(index) }
            pthread_mutex_lock(mutex)
            remaining -= 1
            if remaining == 0 { pthread_cond_broadcast(changed) }
            pthread_mutex_unlock(mutex)
        }
    }
}
