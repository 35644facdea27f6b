import Rundown
import RundownTestKit
import Testing
import _RundownShims

/// The fast path adds to the current CPU's slot with plain stores inside a restartable section,
/// which is exclusive only on its own CPU: two CPUs on one slot lose updates. So every CPU
/// number the kernel may report needs a slot of its own.
@Suite("a slot per CPU on the fast path")
struct SlotPerCPUTests {
    @Test("the slots cover every CPU number the kernel may report")
    func slotsCoverPossibleCPUs() throws {
        let possible = Int(rundown_possible_cpu_count())
        #expect(SystemPlatform.cpuCount >= possible)
        if CacheAwareRundownRef.fastPath { #expect(possible >= 1, "the fast path is on with the CPU numbers unknown") }
        let ref = try #require(CacheAwareRundownRef(tag: "Slot"))
        #expect(ref.slotCount >= possible)
    }

    @Test("a real-thread run that shares slots on purpose takes the compare-exchange path")
    func sharedSlotsTakeTheCompareExchangePath() {
        let all = SystemPlatform.cpuCount
        #expect(RealThreadPlatform.takesFastPath(slots: all) == SystemPlatform.fastPath)
        if all > 1 { #expect(!RealThreadPlatform.takesFastPath(slots: all - 1)) }
        #expect(!RealThreadPlatform.takesFastPath(slots: 0))
    }
}
