import Foundation
import Rundown
import RundownTestKit
import Testing

/// The cache-aware algorithm with the CPU chosen by the test: acquire on one slot, release on
/// another, and the wait's sweep over slots that went "below zero".
@Suite("cache-aware slots", .serialized)
struct CrossSlotTests {
    typealias Algorithm = CacheAwareRundown<FixedCPUPlatform>
    static let call: StaticString = "CrossSlotTests"

    func on(_ cpu: UInt32) { FixedCPUPlatform.cpu.store(cpu, ordering: .relaxed) }

    @Test("a release on another slot wraps that slot below zero; the sum stays right")
    func releaseOnAnotherSlot() {
        let test = TestLayout(slots: 4)
        let ref = UnsafeRawPointer(test.memory)
        on(0)
        #expect(Algorithm.acquire(test.layout, delta: 2 * 3, call: Self.call, ref: ref))
        on(2)
        Algorithm.release(test.layout, delta: 2 * 3, call: Self.call, ref: ref)
        #expect(test.slot(0) == 6)
        #expect(test.slot(2) == 0 &- 6)
        #expect(Algorithm.outstanding(test.layout, call: Self.call, ref: ref) == 0)
        Algorithm.waitForRelease(test.layout, call: Self.call, ref: ref)  // returns at once
        #expect((0 ..< 4).allSatisfy { test.slot($0) == RundownWordState.active })
    }

    @Test("CPU numbers beyond the slot count wrap around (cpu mod slots)")
    func cpuModulo() {
        let test = TestLayout(slots: 3)
        let ref = UnsafeRawPointer(test.memory)
        on(7)  // slot 1
        #expect(Algorithm.acquire(test.layout, delta: 2, call: Self.call, ref: ref))
        #expect(test.slot(1) == 2)
        on(4)  // slot 1 again
        Algorithm.release(test.layout, delta: 2, call: Self.call, ref: ref)
        #expect(test.slot(1) == 0)
    }

    @Test("wait blocks until a release on an already swept slot drains the block")
    func waitDrainsAcrossSlots() {
        let test = TestLayout(slots: 4)
        let ref = UnsafeRawPointer(test.memory)
        on(3)
        #expect(Algorithm.acquire(test.layout, delta: 2 * 2, call: Self.call, ref: ref))
        let owner = SpawnedThread(name: "test thread") { Algorithm.waitForRelease(test.layout, call: Self.call, ref: UnsafeRawPointer(test.memory)) }
        // Once slot 3 is closed the whole sweep is done; then release on slot 0.
        #expect(eventually { test.slot(3) & RundownWordState.active != 0 })
        on(0)
        #expect(!Algorithm.acquire(test.layout, delta: 2, call: Self.call, ref: ref))
        Algorithm.release(test.layout, delta: 2, call: Self.call, ref: ref)
        usleep(10_000)
        #expect(test.slot(0) != RundownWordState.active, "one protection is still outstanding")
        Algorithm.release(test.layout, delta: 2, call: Self.call, ref: ref)
        owner.join()
        #expect((0 ..< 4).allSatisfy { test.slot($0) == RundownWordState.active })
    }

    @Test("after the wait every slot is run down; completed and reinitialize act on every slot")
    func completedAndReinitialize() {
        let test = TestLayout(slots: 5)
        let ref = UnsafeRawPointer(test.memory)
        for cpu in 0 ..< 5 as Range<UInt32> {
            on(cpu)
            #expect(Algorithm.acquire(test.layout, delta: 2, call: Self.call, ref: ref))
            on((cpu + 1) % 5)
            Algorithm.release(test.layout, delta: 2, call: Self.call, ref: ref)
        }
        Algorithm.waitForRelease(test.layout, call: Self.call, ref: ref)
        Algorithm.rundownCompleted(test.layout, call: Self.call, ref: ref)
        #expect(Algorithm.isRunDown(test.layout, call: Self.call, ref: ref))
        Algorithm.reinitialize(test.layout, call: Self.call, ref: ref)
        #expect((0 ..< 5).allSatisfy { test.slot($0) == 0 })
    }
}

extension CrossSlotTests {
    @Test("during a reinitialise, a release that meets a slot not yet reset goes to slot 0")
    func releaseDuringReinitialize() {
        let test = TestLayout(slots: 3)
        let ref = UnsafeRawPointer(test.memory)
        Algorithm.waitForRelease(test.layout, call: Self.call, ref: ref)
        // The owner's reinitialise has reset slot 0 only (it resets slot 0 first).
        test.layout.slot(0).pointee.store(0, ordering: .relaxed)
        on(0)
        #expect(Algorithm.acquire(test.layout, delta: 2, call: Self.call, ref: ref))
        on(2)
        Algorithm.release(test.layout, delta: 2, call: Self.call, ref: ref)
        #expect(test.slot(0) == 0)
        #expect(test.slot(2) == RundownWordState.active, "the slot awaiting its reset is untouched")
    }
}
