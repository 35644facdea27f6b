import _ToolShims

/// The one lock that makes the testing engines' runs take turns in a process: the fiber
/// engine (scheduler, runner, the library's misuse interceptor) and the real-thread runner (the
/// real-thread platform's settings, its pool tag, its thread pool) are process-wide, and a
/// parallel test runner may start several runs at once. Not reentrant: a run must not start
/// another.
///
/// The lock is a statically initialised C mutex (`rundown_thread_runs_lock`): a Swift global
/// would be created lazily under the runtime's once-lock, which ThreadSanitizer cannot see, and
/// it would report the first use from another thread.
package enum OneRunAtATime {
    /// Runs `body` once no other run is in progress.
    package static func run<Value>(_ body: () throws -> Value) rethrows -> Value {
        rundown_thread_runs_lock()
        defer { rundown_thread_runs_unlock() }
        return try body()
    }
}
