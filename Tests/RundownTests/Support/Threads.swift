import Rundown
import Foundation
import _ToolShims

/// A thread that runs `body` at once and can be joined.
final class TestThread: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () -> Void) {
        let thread = Thread { [done] in
            body()
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    func join() { done.wait() }
}

/// Runs `body(i)` on `count` threads at once and waits for all of them.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let threads = (0 ..< count).map { index in TestThread { body(index) } }
    threads.forEach { $0.join() }
}

/// Moves the calling thread to another CPU (round robin over the allowed ones). The tests
/// count on the move, so a CPU the process can no longer use (EINVAL) stops them.
func migrate(to cpu: Int) {
    let answer = rundown_pin_current_thread(UInt32(cpu))
    precondition(answer == 0, "cannot pin the test thread to CPU \(cpu): it is no longer available to this process")
}

/// Number of CPUs this process may use.
var allowedCPUs: Int { Int(rundown_allowed_cpu_count()) }

/// Polls `condition` until it holds; fails the wait after `seconds`.
func eventually(seconds: Double = 10, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(200)
    }
    return condition()
}

/// Whether rundown has begun on `ref`: an acquire fails. A probe that succeeds is released
/// again at once, so polling leaves no protection behind.
func isClosed(_ ref: any RundownProtection) -> Bool {
    if ref.acquire() {
        ref.release()
        return false
    }
    return true
}

/// A value behind an NSLock (a pthread mutex, which ThreadSanitizer understands; the standard
/// library's `Mutex` is invisible to it).
final class TestLocked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
