import Rundown
import Synchronization

/// The platform seam under the controlled scheduler: every atomic operation, event operation
/// and CPU lookup is a scheduling point whose outcome the schedule bytes decide. The operation
/// itself runs on real memory, atomically with respect to the other logical threads (they all
/// run on one OS thread and switch only at points).
public enum ControlledPlatform: RundownPlatform {
    @inline(__always)
    static var scheduler: Scheduler { Scheduler.active! }

    public static func load(_ word: RundownWord, ordering: AtomicLoadOrdering) -> UInt {
        scheduler.point(.load, word: WordClass.of(word.pointee.load(ordering: .relaxed)))
        return SystemPlatform.load(word, ordering: ordering)
    }

    public static func store(_ word: RundownWord, _ value: UInt, ordering: AtomicStoreOrdering) {
        scheduler.point(.store, word: WordClass.of(word.pointee.load(ordering: .relaxed)))
        SystemPlatform.store(word, value, ordering: ordering)
    }

    public static func compareExchange(
        _ word: RundownWord, expected: UInt, desired: UInt,
        successOrdering: AtomicUpdateOrdering, failureOrdering: AtomicLoadOrdering
    ) -> (exchanged: Bool, original: UInt) {
        scheduler.point(.compareExchange, word: WordClass.of(word.pointee.load(ordering: .relaxed)))
        return SystemPlatform.compareExchange(
            word, expected: expected, desired: desired, successOrdering: successOrdering, failureOrdering: failureOrdering)
    }

    public static func wrappingAdd(_ word: RundownWord, _ delta: UInt, ordering: AtomicUpdateOrdering) -> UInt {
        scheduler.point(.add, word: WordClass.of(word.pointee.load(ordering: .relaxed)))
        return SystemPlatform.wrappingAdd(word, delta, ordering: ordering)
    }

    public static func resetEvent(_ event: RundownEventWord) {
        scheduler.point(.resetEvent, word: .event)
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
