import Rundown
import Foundation
import _ToolShims

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
