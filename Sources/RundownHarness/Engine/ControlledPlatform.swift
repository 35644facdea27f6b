import Rundown
import RundownTestKit
import Synchronization

/// The platform seam under the controlled scheduler: every atomic operation, event operation
/// and CPU lookup is a scheduling point whose outcome the schedule bytes decide. The operation
/// itself runs on real memory, atomically with respect to the other logical threads (they all
/// run on one OS thread and switch only at points). In a weak-memory run the model then decides
/// what a load returns (maybe an older store) and what each operation synchronises with.
///
/// The orderings are the algorithm's, weakened as an ordering control says
/// (``RundownFault/weakened(_:for:)``): they decide nothing in a sequentially consistent run and
/// everything in a weak-memory one.
package enum ControlledPlatform: ForwardingPlatform {
    @inline(__always)
    static var scheduler: Scheduler { Scheduler.active! }

    /// The scheduling point before `operation` on `word`, with the wait-block lifetime check on
    /// both sides: before the word's class is read for the trace (that read must not touch a
    /// dead block either) and after the point, where the operation really happens (others ran).
    @inline(__always)
    package static func beforeWordOperation(_ operation: SeamOperation, on word: RundownWord) {
        let scheduler = self.scheduler
        let kind = PointKind(operation)
        let address = UInt(bitPattern: word)
        scheduler.checkAccess(kind, at: address)
        scheduler.point(kind, word: WordClass.of(word.pointee.load(ordering: .relaxed)))
        scheduler.checkAccess(kind, at: address)
    }

    package static func load(_ word: RundownWord, ordering: AtomicLoadOrdering) -> UInt {
        beforeWordOperation(.load, on: word)
        let current = word.pointee.load(ordering: .relaxed)
        return scheduler.modelLoad(
            UInt(bitPattern: word), current: current, acquiring: ordering != .relaxed,
            newestOnly: ordering == .sequentiallyConsistent, kind: .load)
    }

    package static func store(_ word: RundownWord, _ value: UInt, ordering: AtomicStoreOrdering) {
        beforeWordOperation(.store, on: word)
        let previous = word.pointee.load(ordering: .relaxed)
        let newest = scheduler.modelStore(
            UInt(bitPattern: word), previous: previous, value: value, releasing: ordering != .relaxed,
            newestOnly: ordering == .sequentiallyConsistent, kind: .store)
        if newest { word.pointee.store(value, ordering: .relaxed) }
    }

    /// The forwarded compare-exchange, and the wait-block marker it stored for the lifetime oracle.
    package static func compareExchange(
        _ word: RundownWord, expected: UInt, desired: UInt,
        successOrdering: AtomicUpdateOrdering, failureOrdering: AtomicLoadOrdering
    ) -> (exchanged: Bool, original: UInt) {
        beforeWordOperation(.compareExchange, on: word)
        let scheduler = self.scheduler
        let result = word.pointee.compareExchange(
            expected: expected, desired: desired, successOrdering: .relaxed, failureOrdering: .relaxed)
        let ordering = scheduler.fault.weakened(successOrdering, for: .compareExchange)
        scheduler.modelUpdate(
            UInt(bitPattern: word), previous: result.original, value: result.exchanged ? desired : nil,
            acquiring: result.exchanged ? ordering.acquires : failureOrdering != .relaxed,
            releasing: result.exchanged && ordering.releases, kind: .compareExchange)
        if result.exchanged && desired & RundownWordState.active != 0 && desired != RundownWordState.active {
            scheduler.lifetime.stored(marker: desired, by: scheduler.current)
            if scheduler.lifetime.publishedOwner(of: desired & ~RundownWordState.active) == scheduler.current {
                scheduler.blockPublished()
            }
        }
        return result
    }

    package static func wrappingAdd(_ word: RundownWord, _ delta: UInt, ordering: AtomicUpdateOrdering) -> UInt {
        beforeWordOperation(.wrappingAdd, on: word)
        let scheduler = self.scheduler
        let new = word.pointee.wrappingAdd(delta, ordering: .relaxed).newValue
        let weakened = scheduler.fault.weakened(ordering, for: .wrappingAdd)
        scheduler.modelUpdate(
            UInt(bitPattern: word), previous: new &- delta, value: new, acquiring: weakened.acquires,
            releasing: weakened.releases, kind: .add)
        return new
    }

    /// The point before an event reset, then the reset (relaxed: see SystemPlatform).
    package static func resetEvent(_ event: RundownEventWord) {
        let scheduler = self.scheduler
        scheduler.point(.resetEvent, word: .event)
        scheduler.checkAccess(.resetEvent, at: UInt(bitPattern: event))
        let previous = UInt(event.pointee.load(ordering: .relaxed))
        if scheduler.modelStore(
            UInt(bitPattern: event), previous: previous, value: 0, releasing: false, kind: .resetEvent)
        {
            event.pointee.store(0, ordering: .relaxed)
        }
    }

    package static func signalEvent(_ event: RundownEventWord) { scheduler.signalEvent(event) }

    package static func waitForEvent(_ event: RundownEventWord) { scheduler.waitForEvent(event) }

    package static func currentCPU() -> UInt32 { scheduler.chooseCPU() }

    package static var cpuCount: Int { scheduler.cpuCount }

    package static var fault: RundownFault { scheduler.fault }

    /// Always checked: the harness judges misuse reports, and leaves the process-wide switch
    /// (which other code in the process may rely on) alone.
    package static var isChecked: Bool { true }
}
