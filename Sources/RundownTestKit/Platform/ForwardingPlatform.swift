import Rundown
import Synchronization

/// A testing platform written as "another platform, plus a hook": every requirement of the seam
/// forwards to ``Base`` after ``beforeWordOperation(_:on:)`` or ``beforeEventOperation(_:on:)``,
/// with the orderings ``updateOrdering(_:for:)`` chooses. A conforming platform writes only what
/// it changes: the controlled platform's hook is a scheduling point, the jitter platform's a
/// short delay, the real-thread platform weakens orderings, a test platform overrides the CPU.
/// Any requirement a platform implements itself replaces the forwarding one.
///
/// Production code never goes through here: ``Rundown/SystemPlatform`` implements the seam
/// directly. The forwarding bodies are inlinable, so a specialised algorithm on a forwarding
/// platform costs the base's operation plus the hook and nothing else.
package protocol ForwardingPlatform: RundownPlatform {
    /// The platform that does the work.
    associatedtype Base: RundownPlatform = SystemPlatform

    /// Runs before `operation` on `word` (a load, store, compare-exchange or add).
    static func beforeWordOperation(_ operation: SeamOperation, on word: RundownWord)

    /// Runs before `operation` on `event` (a reset, signal or wait).
    static func beforeEventOperation(_ operation: SeamOperation, on event: RundownEventWord)

    /// The ordering a compare-exchange's success or an add really runs with, given the one the
    /// algorithm asked for.
    static func updateOrdering(_ ordering: AtomicUpdateOrdering, for operation: SeamOperation) -> AtomicUpdateOrdering
}

extension ForwardingPlatform {
    @inlinable @inline(__always)
    package static func beforeWordOperation(_ operation: SeamOperation, on word: RundownWord) {}

    @inlinable @inline(__always)
    package static func beforeEventOperation(_ operation: SeamOperation, on event: RundownEventWord) {}

    @inlinable @inline(__always)
    package static func updateOrdering(_ ordering: AtomicUpdateOrdering, for operation: SeamOperation)
        -> AtomicUpdateOrdering
    {
        ordering
    }

    @inlinable @inline(__always)
    package static func load(_ word: RundownWord, ordering: AtomicLoadOrdering) -> UInt {
        beforeWordOperation(.load, on: word)
        return Base.load(word, ordering: ordering)
    }

    @inlinable @inline(__always)
    package static func store(_ word: RundownWord, _ value: UInt, ordering: AtomicStoreOrdering) {
        beforeWordOperation(.store, on: word)
        Base.store(word, value, ordering: ordering)
    }

    @inlinable @inline(__always)
    package static func compareExchange(
        _ word: RundownWord, expected: UInt, desired: UInt,
        successOrdering: AtomicUpdateOrdering, failureOrdering: AtomicLoadOrdering
    ) -> (exchanged: Bool, original: UInt) {
        beforeWordOperation(.compareExchange, on: word)
        return Base.compareExchange(
            word, expected: expected, desired: desired,
            successOrdering: updateOrdering(successOrdering, for: .compareExchange), failureOrdering: failureOrdering)
    }

    @inlinable @inline(__always)
    package static func wrappingAdd(_ word: RundownWord, _ delta: UInt, ordering: AtomicUpdateOrdering) -> UInt {
        beforeWordOperation(.wrappingAdd, on: word)
        return Base.wrappingAdd(word, delta, ordering: updateOrdering(ordering, for: .wrappingAdd))
    }

    @inlinable @inline(__always)
    package static func resetEvent(_ event: RundownEventWord) {
        beforeEventOperation(.resetEvent, on: event)
        Base.resetEvent(event)
    }

    @inlinable @inline(__always)
    package static func signalEvent(_ event: RundownEventWord) {
        beforeEventOperation(.signalEvent, on: event)
        Base.signalEvent(event)
    }

    @inlinable @inline(__always)
    package static func waitForEvent(_ event: RundownEventWord) {
        beforeEventOperation(.waitForEvent, on: event)
        Base.waitForEvent(event)
    }

    @inlinable @inline(__always)
    package static func currentCPU() -> UInt32 { Base.currentCPU() }

    @inlinable @inline(__always)
    package static var fastPath: Bool { Base.fastPath }

    /// The base's critical section, after the hook on the gate (a forwarding platform cannot put
    /// anything inside the section: it is one piece of machine code).
    @inlinable @inline(__always)
    package static func restartableSlotAdd(_ layout: CacheAwareLayout, _ delta: UInt) -> UInt {
        beforeWordOperation(.restartableAdd, on: layout.gate)
        return Base.restartableSlotAdd(layout, delta)
    }

    /// The base's barrier (a system call: nothing to hook that its cost does not dwarf).
    @inlinable @inline(__always)
    package static func barrier(_ layout: CacheAwareLayout) { Base.barrier(layout) }

    @inlinable @inline(__always)
    package static var cpuCount: Int { Base.cpuCount }

    @inlinable @inline(__always)
    package static var fault: RundownFault { Base.fault }

    @inlinable @inline(__always)
    package static var isChecked: Bool { Base.isChecked }
}
