import Foundation
import Rundown
import RundownCAPI
import Testing
import _RundownShims

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

    /// The entry points try one section first, which ors the shim's refusal word into the gate
    /// it reads. In a child process: the test toggles the process-wide checked mode.
    @Test("the common-case section adds only on the fast path with checked mode off; otherwise it writes nothing")
    func commonCaseSection() async {
        await #expect(processExitsWith: .success) {
            let size = ExSizeOfRundownProtectionCacheAware()
            let block = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 128)
            RundownChecking.isEnabled = false
            ExInitializeRundownProtectionCacheAware(OpaquePointer(block), size)
            let layout = CacheAwareLayout(header: block)
            func slotSum() -> UInt {
                (0..<layout.count).reduce(0) { $0 &+ SystemPlatform.load(layout.slot($1), ordering: .relaxed) }
            }
            let before = slotSum()
            let common = CacheAwareRundownRef.fastPath && rundown_sections_annotated == 0
            let added = SystemPlatform.commonCaseSlotAdd(layout, 2)
            precondition((added == 0) == common, "common-case answer \(added) where common is \(common)")
            precondition(slotSum() == before &+ (common ? 2 : 0), "the slots changed by \(slotSum() &- before)")
            if common { precondition(SystemPlatform.commonCaseSlotAdd(layout, 0 &- 2) == 0) }
            RundownChecking.isEnabled = true
            precondition(SystemPlatform.commonCaseSlotAdd(layout, 2) != 0, "checked mode: the section added")
            precondition(slotSum() == before, "checked mode: the slots changed")
            RundownChecking.isEnabled = false
            ExWaitForRundownProtectionReleaseCacheAware(OpaquePointer(block))
            let runDown = slotSum()
            precondition(SystemPlatform.commonCaseSlotAdd(layout, 2) != 0, "a run-down ref: the section added")
            precondition(slotSum() == runDown, "a run-down ref: the slots changed")
            precondition(ExAcquireRundownProtectionCacheAware(OpaquePointer(block)) == 0)
        }
    }
}
