import Rundown
import Synchronization

/// The production platform with the CPU number chosen by the test, so a test can acquire on
/// one slot and release on another deterministically. Single-threaded tests only.
enum FixedCPUPlatform: RundownPlatform {
    static let cpu = Atomic<UInt32>(0)

    static func load(_ word: RundownWord, ordering: AtomicLoadOrdering) -> UInt {
        SystemPlatform.load(word, ordering: ordering)
    }
    static func store(_ word: RundownWord, _ value: UInt, ordering: AtomicStoreOrdering) {
        SystemPlatform.store(word, value, ordering: ordering)
    }
    static func compareExchange(
        _ word: RundownWord, expected: UInt, desired: UInt,
        successOrdering: AtomicUpdateOrdering, failureOrdering: AtomicLoadOrdering
    ) -> (exchanged: Bool, original: UInt) {
        SystemPlatform.compareExchange(
            word, expected: expected, desired: desired, successOrdering: successOrdering, failureOrdering: failureOrdering)
    }
    static func wrappingAdd(_ word: RundownWord, _ delta: UInt, ordering: AtomicUpdateOrdering) -> UInt {
        SystemPlatform.wrappingAdd(word, delta, ordering: ordering)
    }
    static func resetEvent(_ event: RundownEventWord) { SystemPlatform.resetEvent(event) }
    static func signalEvent(_ event: RundownEventWord) { SystemPlatform.signalEvent(event) }
    static func waitForEvent(_ event: RundownEventWord) { SystemPlatform.waitForEvent(event) }
    static func currentCPU() -> UInt32 { cpu.load(ordering: .relaxed) }
    static var cpuCount: Int { 8 }
    static var fault: RundownFault { .none }
    /// The tests drive the algorithm on memory of their own, which the shadow does not know.
    static var isChecked: Bool { false }
}

/// A cache-aware layout with `slots` slots in its own memory, for engine-level tests.
final class TestLayout: @unchecked Sendable {
    let memory: UnsafeMutableRawPointer
    let layout: CacheAwareLayout

    init(slots: Int) {
        let size = CacheAwareLayout.headerSize + (slots + 1) * CacheAwareLayout.slotStride
        memory = .allocate(byteCount: size, alignment: 8)
        layout = CacheAwareLayout.inCallerMemory(header: memory, size: size)
        CacheAwareLayout.write(layout, owner: CacheAwareLayout.callerOwnedSentinel, header: memory)
    }

    deinit { memory.deallocate() }

    /// The raw value of slot `index`.
    func slot(_ index: Int) -> UInt { layout.slot(index).pointee.load(ordering: .relaxed) }
}
