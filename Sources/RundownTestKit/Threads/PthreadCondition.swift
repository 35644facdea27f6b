#if canImport(Glibc)
    import Glibc
#endif

/// A pthread condition variable used with one ``PthreadMutex``.
package final class PthreadCondition: @unchecked Sendable {
    // @unchecked Sendable: the condition variable is the synchronisation.
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    package init() {
        checkPthread(pthread_cond_init(condition, nil), "pthread_cond_init")
    }

    deinit {
        checkPthread(pthread_cond_destroy(condition), "pthread_cond_destroy")
        condition.deallocate()
    }

    /// Sleeps until broadcast (or spuriously); `mutex` must be held and is held again on return.
    package func wait(_ mutex: PthreadMutex) {
        checkPthread(pthread_cond_wait(condition, mutex.mutex), "pthread_cond_wait")
    }

    package func broadcast() { checkPthread(pthread_cond_broadcast(condition), "pthread_cond_broadcast") }
}
