import Foundation
import Rundown
import Testing

/// The once-per-process choice between the fast path and the compare-exchange path.
@Suite("fast-path choice")
struct FastPathChoiceTests {
    @Test("RUNDOWN_FAST_PATH=0 forces the compare-exchange path; the fast path exists only on x86-64")
    func choice() {
        if ProcessInfo.processInfo.environment["RUNDOWN_FAST_PATH"] == "0" {
            #expect(!CacheAwareRundownRef.fastPath)
        }
        #if !arch(x86_64)
            #expect(!CacheAwareRundownRef.fastPath)
        #endif
    }

    /// The misuse exit tests run in child processes: they must take the parent's path (the
    /// environment is inherited, and the choice is made again, the same way, before main).
    @Test("an exit test's child process takes the same path as the test process")
    func childTakesTheSamePath() async {
        if CacheAwareRundownRef.fastPath {
            await #expect(processExitsWith: .failure) {
                if CacheAwareRundownRef.fastPath { fatalError("fast path in the child, as in the parent") }
            }
        } else {
            await #expect(processExitsWith: .success) {
                if CacheAwareRundownRef.fastPath { fatalError("fast path in the child, not in the parent") }
            }
        }
    }

    @Test("a wait racing an accessor's acquires and releases returns, and the ref is reusable after reinitialise")
    func waitRacingAccessors() throws {
        for _ in 0..<200 {
            let ref = try #require(CacheAwareRundownRef(tag: "FpCh"))
            let done = DispatchSemaphore(value: 0)
            Thread {
                while ref.acquire() { ref.release() }
                done.signal()
            }.start()
            ref.waitForRelease()
            done.wait()
            #expect(!ref.acquire())
            ref.reinitialize()
            #expect(ref.acquire(count: 2))
            ref.release(count: 2)
            ref.waitForRelease()
        }
    }
}
