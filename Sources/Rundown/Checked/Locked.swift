#if canImport(Glibc)
    import Glibc
#endif
import _RundownShims

/// A value behind a pthread mutex, for the library's cold bookkeeping (checked mode, pool).
///
/// Not `Synchronization.Mutex`: its lock is implemented inside the uninstrumented standard
/// library, so ThreadSanitizer cannot see the ordering it provides and reports the data it
/// protects as racing. pthread mutexes are intercepted by every sanitizer.
///
/// Package access: the project's own tools need the same lock.
package final class Locked<Value>: @unchecked Sendable {
    // @unchecked Sendable: `value` is only touched with `mutex` held.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var value: Value

    package init(_ value: Value) {
        self.value = value
        rundown_check_error(pthread_mutex_init(mutex, nil), "pthread_mutex_init")
    }

    deinit {
        rundown_check_error(pthread_mutex_destroy(mutex), "pthread_mutex_destroy")
        mutex.deallocate()
    }

    /// Runs `body` with the lock held.
    package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        rundown_check_error(pthread_mutex_lock(mutex), "pthread_mutex_lock")
        defer { rundown_check_error(pthread_mutex_unlock(mutex), "pthread_mutex_unlock") }
        return try body(&value)
    }
}
