import Rundown
import Synchronization
import _RundownShims

/// The production platform with the fast path switched off: the compare-exchange path, measured
/// in the same process as the fast path (the process-wide choice would otherwise hide one).
enum CompareExchangePlatform: RundownPlatform {
    @inline(__always) static func load(_ word: RundownWord, ordering: AtomicLoadOrdering) -> UInt {
        SystemPlatform.load(word, ordering: ordering)
    }
    @inline(__always) static func store(_ word: RundownWord, _ value: UInt, ordering: AtomicStoreOrdering) {
        SystemPlatform.store(word, value, ordering: ordering)
    }
    @inline(__always) static func compareExchange(
        _ word: RundownWord, expected: UInt, desired: UInt,
        successOrdering: AtomicUpdateOrdering, failureOrdering: AtomicLoadOrdering
    ) -> (exchanged: Bool, original: UInt) {
        SystemPlatform.compareExchange(
            word, expected: expected, desired: desired, successOrdering: successOrdering,
            failureOrdering: failureOrdering)
    }
    @inline(__always) static func wrappingAdd(_ word: RundownWord, _ delta: UInt, ordering: AtomicUpdateOrdering)
        -> UInt
    {
        SystemPlatform.wrappingAdd(word, delta, ordering: ordering)
    }
    @inline(__always) static func resetEvent(_ event: RundownEventWord) { SystemPlatform.resetEvent(event) }
    @inline(__always) static func signalEvent(_ event: RundownEventWord) { SystemPlatform.signalEvent(event) }
    @inline(__always) static func waitForEvent(_ event: RundownEventWord) { SystemPlatform.waitForEvent(event) }
    @inline(__always) static var fastPath: Bool { false }
    @inline(__always) static func restartableSlotAdd(_ layout: CacheAwareLayout, _ delta: UInt) -> UInt {
        fatalError("the compare-exchange path has no restartable sections")
    }
    @inline(__always) static func barrier(_ layout: CacheAwareLayout) {
        fatalError("the compare-exchange path has no barrier")
    }
    @inline(__always) static func currentCPU() -> UInt32 { SystemPlatform.currentCPU() }
    static var cpuCount: Int { SystemPlatform.cpuCount }
    @inline(__always) static var fault: RundownFault { .none }
    @inline(__always) static var isChecked: Bool { SystemPlatform.isChecked }
}

/// A cache-aware ref on the compare-exchange path, through the same entry points as
/// ``CacheAwareRundownRef`` (argument checks, checked-mode test, algorithm).
final class CompareExchangeCacheAware: Contender, @unchecked Sendable {
    typealias Entry = CacheAwareEntryPoints<CompareExchangePlatform>
    let header: UnsafeMutableRawPointer
    let layout: CacheAwareLayout

    init() {
        header = Entry.allocate(poolType: .nonPaged, tag: "Bnch", call: "bench")!
        layout = CacheAwareLayout(header: header)
    }
    // The layout read before the entry point, as CacheAwareRundownRef reads it.
    @inline(__always) func acquire() -> Bool {
        let layout = self.layout
        return Entry.acquire(header, layout, count: 1, call: "bench")
    }
    @inline(__always) func release() {
        let layout = self.layout
        Entry.release(header, layout, count: 1, call: "bench")
    }
}

/// The fast path's floor: the same restartable section without the gate, adding to and
/// subtracting from the current CPU's slot (plain load and store, no locked instruction).
final class RestartablePerCPUAdd: Contender, @unchecked Sendable {
    let slots: UnsafeMutableRawPointer
    let count = UInt32(SystemPlatform.cpuCount)

    init() {
        slots = .allocate(byteCount: Int(count) * 128, alignment: 128)
        slots.initializeMemory(as: UInt8.self, repeating: 0, count: Int(count) * 128)
    }
    @inline(__always) func acquire() -> Bool {
        rundown_rseq_plain_add(slots.assumingMemoryBound(to: CChar.self), 128, count, 2)
        return true
    }
    @inline(__always) func release() {
        rundown_rseq_plain_add(slots.assumingMemoryBound(to: CChar.self), 128, count, 0 &- 2)
    }
}
