import Rundown
import Synchronization

/// The platform seam under the controlled scheduler: every atomic operation, event operation
/// and CPU lookup is a scheduling point whose outcome the schedule bytes decide. The operation
/// itself runs on real memory, atomically with respect to the other logical threads (they all
/// run on one OS thread and switch only at points).
package enum ControlledPlatform: RundownPlatform {
    @inline(__always)
    static var scheduler: Scheduler { Scheduler.active! }

    /// The scheduling point before `kind` on `word`, with the wait-block lifetime check on both
    /// sides: before the word's class is read for the trace (that read must not touch a dead
    /// block either) and after the point, where the operation really happens (others ran).
    @inline(__always)
    static func point(_ kind: PointKind, on word: RundownWord) {
        let scheduler = self.scheduler
        let address = UInt(bitPattern: word)
        scheduler.checkAccess(kind, at: address)
        scheduler.point(kind, word: WordClass.of(word.pointee.load(ordering: .relaxed)))
        scheduler.checkAccess(kind, at: address)
    }

    public static func load(_ word: RundownWord, ordering: AtomicLoadOrdering) -> UInt {
        point(.load, on: word)
        return SystemPlatform.load(word, ordering: ordering)
    }

    public static func store(_ word: RundownWord, _ value: UInt, ordering: AtomicStoreOrdering) {
        point(.store, on: word)
        SystemPlatform.store(word, value, ordering: ordering)
    }

    public static func compareExchange(
        _ word: RundownWord, expected: UInt, desired: UInt,
        successOrdering: AtomicUpdateOrdering, failureOrdering: AtomicLoadOrdering
    ) -> (exchanged: Bool, original: UInt) {
        point(.compareExchange, on: word)
        let result = SystemPlatform.compareExchange(
            word, expected: expected, desired: desired, successOrdering: successOrdering, failureOrdering: failureOrdering)
        if result.exchanged && desired & RundownWordState.active != 0 && desired != RundownWordState.active {
            scheduler.lifetime.stored(marker: desired, by: scheduler.current)
        }
        return result
    }

    public static func wrappingAdd(_ word: RundownWord, _ delta: UInt, ordering: AtomicUpdateOrdering) -> UInt {
        point(.add, on: word)
        return SystemPlatform.wrappingAdd(word, delta, ordering: ordering)
    }

    public static func resetEvent(_ event: RundownEventWord) {
        scheduler.point(.resetEvent, word: .event)
        scheduler.checkAccess(.resetEvent, at: UInt(bitPattern: event))
        event.pointee.store(0, ordering: .relaxed)
    }

    public static func signalEvent(_ event: RundownEventWord) {
        scheduler.signalEvent(event)
    }

    public static func waitForEvent(_ event: RundownEventWord) {
        scheduler.waitForEvent(event)
    }

    public static func currentCPU() -> UInt32 {
        scheduler.chooseCPU()
    }

    public static var cpuCount: Int { scheduler.cpuCount }

    public static var fault: RundownFault { scheduler.fault }

    /// Always checked: the harness judges misuse reports, and leaves the process-wide switch
    /// (which other code in the process may rely on) alone.
    public static var isChecked: Bool { true }
}
