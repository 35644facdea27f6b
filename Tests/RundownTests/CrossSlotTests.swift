import Foundation
import Rundown
import RundownTestKit
import Testing

/// The cache-aware entry points with the CPU chosen by the test: acquire on one slot, release on
/// another, and the wait's sweep over slots that went "below zero".
@Suite("cache-aware slots", .serialized)
struct CrossSlotTests {
    typealias Entry = CacheAwareEntryPoints<FixedCPUPlatform>
    typealias Algorithm = Entry.Algorithm
    static let call: StaticString = "CrossSlotTests"

    func on(_ cpu: UInt32) { FixedCPUPlatform.cpu.store(cpu, ordering: .relaxed) }

    @Test("a release on another slot wraps that slot below zero; the sum stays right")
    func releaseOnAnotherSlot() throws {
        let test = TestLayout(slots: 4)
        let ref = UnsafeRawPointer(test.memory)
        on(0)
        #expect(Entry.acquire(ref, test.layout, count: 3, call: Self.call))
        on(2)
        Entry.release(ref, test.layout, count: 3, call: Self.call)
        #expect(test.slot(0) == 6)
        #expect(test.slot(2) == 0 &- 6)
        #expect(try Algorithm.outstanding(test.layout) == 0)
        Entry.waitForRelease(ref, test.layout, call: Self.call)  // returns at once
        #expect((0..<4).allSatisfy { test.slot($0) == RundownWordState.active })
    }

    @Test("CPU numbers beyond the slot count wrap around (cpu mod slots)")
    func cpuModulo() {
        let test = TestLayout(slots: 3)
        let ref = UnsafeRawPointer(test.memory)
        on(7)  // slot 1
        #expect(Entry.acquire(ref, test.layout, count: 1, call: Self.call))
        #expect(test.slot(1) == 2)
        on(4)  // slot 1 again
        Entry.release(ref, test.layout, count: 1, call: Self.call)
        #expect(test.slot(1) == 0)
    }

    @Test("wait blocks until a release on an already swept slot drains the block")
    func waitDrainsAcrossSlots() {
        let test = TestLayout(slots: 4)
        let ref = UnsafeRawPointer(test.memory)
        on(3)
        #expect(Entry.acquire(ref, test.layout, count: 2, call: Self.call))
        let owner = SpawnedThread(name: "test thread") {
            Entry.waitForRelease(UnsafeRawPointer(test.memory), test.layout, call: Self.call)
        }
        // Once slot 3 is closed the whole sweep is done; then release on slot 0.
        #expect(eventually { test.slot(3) & RundownWordState.active != 0 })
        on(0)
        #expect(!Entry.acquire(ref, test.layout, count: 1, call: Self.call))
        Entry.release(ref, test.layout, count: 1, call: Self.call)
        usleep(10_000)
        #expect(test.slot(0) != RundownWordState.active, "one protection is still outstanding")
        Entry.release(ref, test.layout, count: 1, call: Self.call)
        owner.join()
        #expect((0..<4).allSatisfy { test.slot($0) == RundownWordState.active })
    }

    @Test("after the wait every slot is run down; completed and reinitialize act on every slot")
    func completedAndReinitialize() throws {
        let test = TestLayout(slots: 5)
        let ref = UnsafeRawPointer(test.memory)
        for cpu in 0..<5 as Range<UInt32> {
            on(cpu)
            #expect(Entry.acquire(ref, test.layout, count: 1, call: Self.call))
            on((cpu + 1) % 5)
            Entry.release(ref, test.layout, count: 1, call: Self.call)
        }
        Entry.waitForRelease(ref, test.layout, call: Self.call)
        Entry.rundownCompleted(ref, test.layout, call: Self.call)
        #expect(try Algorithm.isRunDown(test.layout))
        Entry.reinitialize(ref, test.layout, call: Self.call)
        #expect((0..<5).allSatisfy { test.slot($0) == 0 })
    }
}

extension CrossSlotTests {
    @Test("during a reinitialise, a release that meets a slot not yet reset goes to slot 0")
    func releaseDuringReinitialize() {
        let test = TestLayout(slots: 3)
        let ref = UnsafeRawPointer(test.memory)
        Entry.waitForRelease(ref, test.layout, call: Self.call)
        // The owner's reinitialise has reset slot 0 only (it resets slot 0 first).
        test.layout.slot(0).pointee.store(0, ordering: .relaxed)
        on(0)
        #expect(Entry.acquire(ref, test.layout, count: 1, call: Self.call))
        on(2)
        Entry.release(ref, test.layout, count: 1, call: Self.call)
        #expect(test.slot(0) == 0)
        #expect(test.slot(2) == RundownWordState.active, "the slot awaiting its reset is untouched")
    }
}
