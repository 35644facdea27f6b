/// The one lock that makes the testing engines' runs take turns in a process: the fiber
/// engine (scheduler, runner, the library's misuse interceptor) and the real-thread runner (the
/// real-thread platform's settings, its pool tag, its thread pool) are process-wide, and a
/// parallel test runner may start several runs at once. Not reentrant: a run must not start
/// another.
package enum OneRunAtATime {
    private static let mutex = PthreadMutex()

    /// Runs `body` once no other run is in progress.
    package static func run<Value>(_ body: () throws -> Value) rethrows -> Value {
        try mutex.withLock(body)
    }
}
