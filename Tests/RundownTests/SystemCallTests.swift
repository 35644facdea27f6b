import Foundation
import Testing
import _RundownShims
import _ToolShims

/// The shims check every system call: the answers a caller handles come back, and a failure
/// nobody can handle stops the process with a message naming the call and the errno.
@Suite("system calls are checked")
struct SystemCallTests {
    @Test func futexWaitOnAWordThatDiffersAnswersEAGAIN() {
        var word: UInt32 = 1
        #expect(rundown_futex_wait(&word, 0) == EAGAIN)
    }

    @Test func futexWakeWithNobodyWaitingReturns() {
        var word: UInt32 = 0
        rundown_futex_wake_all(&word)
    }

    @Test func futexWaitOnAnUnmappedWordStopsWithItsName() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            // The kernel reads the word (EFAULT); looping on that answer would spin forever.
            _ = rundown_futex_wait(UnsafeMutablePointer(bitPattern: 16)!, 0)
        }
        let text = result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
        #expect(text.contains("rundown: futex(FUTEX_WAIT_PRIVATE) failed: EFAULT (Bad address)"), "stderr: \(text)")
    }

    @Test func aFailedPthreadCallStopsWithItsName() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            rundown_check_error(EDEADLK, "pthread_mutex_lock")
        }
        let text = result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
        #expect(
            text.contains("rundown: pthread_mutex_lock failed: EDEADLK (Resource deadlock avoided)"), "stderr: \(text)")
    }

    @Test func pinningAnswersZeroAndUnpinningRestores() {
        let allowed = rundown_allowed_cpu_count()
        #expect(allowed >= 1)
        #expect(rundown_pin_current_thread(0) == 0)
        #expect(rundown_allowed_cpu_count() == 1)
        #expect(rundown_unpin_current_thread() == 0)
        #expect(rundown_allowed_cpu_count() == allowed)
    }
}
