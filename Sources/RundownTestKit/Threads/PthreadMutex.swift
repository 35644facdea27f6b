#if canImport(Glibc)
    import Glibc
#endif

/// A pthread mutex. Tools and tests lock with pthreads, never with the standard library's
/// `Mutex`: ThreadSanitizer sees the ordering a pthread mutex gives, and not the other's (its
/// lock lives in the uninstrumented runtime).
package final class PthreadMutex: @unchecked Sendable {
    // @unchecked Sendable: the mutex is the synchronisation.
    let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    package init() {
        checkPthread(pthread_mutex_init(mutex, nil), "pthread_mutex_init")
    }

    deinit {
        checkPthread(pthread_mutex_destroy(mutex), "pthread_mutex_destroy")
        mutex.deallocate()
    }

    package func lock() { checkPthread(pthread_mutex_lock(mutex), "pthread_mutex_lock") }

    package func unlock() { checkPthread(pthread_mutex_unlock(mutex), "pthread_mutex_unlock") }

    /// Runs `body` with the mutex held.
    package func withLock<Value>(_ body: () throws -> Value) rethrows -> Value {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// A value that is only read and written with its pthread mutex held.
package final class PthreadLocked<Value>: @unchecked Sendable {
    // @unchecked Sendable: `value` is only touched inside `mutex.withLock`.
    private let mutex = PthreadMutex()
    private var value: Value

    package init(_ value: Value) { self.value = value }

    package func withLock<Outcome>(_ body: (inout Value) throws -> Outcome) rethrows -> Outcome {
        try mutex.withLock { try body(&value) }
    }
}
