import Rundown
import RundownTestKit
import Synchronization

/// The platform seam under the controlled scheduler: every atomic operation, event operation
/// and CPU lookup is a scheduling point whose outcome the schedule bytes decide. The operation
/// itself runs on real memory, atomically with respect to the other logical threads (they all
/// run on one OS thread and switch only at points).
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

    /// The point before an event reset (signal and wait are the scheduler's own, below).
    package static func beforeEventOperation(_ operation: SeamOperation, on event: RundownEventWord) {
        scheduler.point(.resetEvent, word: .event)
        scheduler.checkAccess(.resetEvent, at: UInt(bitPattern: event))
    }

    /// The forwarded compare-exchange, and the wait-block marker it stored for the lifetime oracle.
    package static func compareExchange(
        _ word: RundownWord, expected: UInt, desired: UInt,
        successOrdering: AtomicUpdateOrdering, failureOrdering: AtomicLoadOrdering
    ) -> (exchanged: Bool, original: UInt) {
        beforeWordOperation(.compareExchange, on: word)
        let result = SystemPlatform.compareExchange(
            word, expected: expected, desired: desired, successOrdering: successOrdering,
            failureOrdering: failureOrdering)
        if result.exchanged && desired & RundownWordState.active != 0 && desired != RundownWordState.active {
            scheduler.lifetime.stored(marker: desired, by: scheduler.current)
        }
        return result
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
