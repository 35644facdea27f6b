import Rundown
import Synchronization
import _RundownShims

/// The platform seam on real OS threads: the production platform, except that an ordering
/// control (``RundownFault/weakensOrdering``) weakens the orderings the algorithm asks for.
/// The algorithm asks for each ordering at distinct places (acquiring success only on the
/// acquire CAS, releasing success only on a live release CAS), which is what lets this
/// platform weaken one without touching the others.
///
/// Unchecked: the checked mode's lock would order the threads and hide exactly the missing
/// orderings this platform exists to expose.
package enum RealThreadPlatform: RundownPlatform {
    /// The control of the run in progress; set before the threads start.
    nonisolated(unsafe) public static var fault = RundownFault.none
    /// Slots of a cache-aware ref allocated for the run in progress.
    nonisolated(unsafe) public static var cpuCount = 1

    public static var isChecked: Bool { false }

    public static func load(_ word: RundownWord, ordering: AtomicLoadOrdering) -> UInt {
        SystemPlatform.load(word, ordering: ordering)
    }

    public static func store(_ word: RundownWord, _ value: UInt, ordering: AtomicStoreOrdering) {
        SystemPlatform.store(word, value, ordering: ordering)
    }

    public static func compareExchange(
        _ word: RundownWord, expected: UInt, desired: UInt,
        successOrdering: AtomicUpdateOrdering, failureOrdering: AtomicLoadOrdering
    ) -> (exchanged: Bool, original: UInt) {
        var success = successOrdering
        if fault == .relaxedRelease && success == .releasing { success = .relaxed }
        if fault == .relaxedAcquire && success == .acquiring { success = .relaxed }
        return SystemPlatform.compareExchange(
            word, expected: expected, desired: desired, successOrdering: success, failureOrdering: failureOrdering)
    }

    public static func wrappingAdd(_ word: RundownWord, _ delta: UInt, ordering: AtomicUpdateOrdering) -> UInt {
        // The wait-block decrement: acquiring and releasing; the broken variant keeps only the
        // acquiring half.
        let weakened = fault == .relaxedRelease && ordering == .acquiringAndReleasing
        return SystemPlatform.wrappingAdd(word, delta, ordering: weakened ? .acquiring : ordering)
    }

    public static func resetEvent(_ event: RundownEventWord) { SystemPlatform.resetEvent(event) }

    public static func signalEvent(_ event: RundownEventWord) { SystemPlatform.signalEvent(event) }

    public static func waitForEvent(_ event: RundownEventWord) {
        guard fault == .relaxedWaiterObservation else { return SystemPlatform.waitForEvent(event) }
        let futexWord = UnsafeMutableRawPointer(event).assumingMemoryBound(to: UInt32.self)
        while event.pointee.load(ordering: .relaxed) == 0 {
            _ = rundown_futex_wait(futexWord, 0)
        }
    }

    public static func currentCPU() -> UInt32 { SystemPlatform.currentCPU() }
}
