import Rundown
import RundownHarness
import Synchronization
import _SoakShims

/// The real-thread platform with jitter: before every operation of the seam (each atomic word
/// operation, each event reset, signal and sleep), a thread sometimes spins for up to about a
/// microsecond or yields. The algorithm's windows (between a wait's publish and its event
/// preparation, between a release's read and its CAS) are a few instructions wide on real
/// hardware; jitter stretches them so that hours of soak, or seconds, reach the interleavings
/// that a broken variant gets wrong. Everything else is ``RealThreadPlatform``: the production
/// orderings, or the weakened ones of an ordering control.
package enum JitterPlatform: RundownPlatform {
    /// Jitter one call in 2^shift (set before the threads start).
    nonisolated(unsafe) static var shift: UInt32 = 6

    public static var isChecked: Bool { false }
    public static var fault: RundownFault { RealThreadPlatform.fault }
    public static var cpuCount: Int { RealThreadPlatform.cpuCount }

    public static func load(_ word: RundownWord, ordering: AtomicLoadOrdering) -> UInt {
        rundown_soak_jitter(shift)
        return RealThreadPlatform.load(word, ordering: ordering)
    }

    public static func store(_ word: RundownWord, _ value: UInt, ordering: AtomicStoreOrdering) {
        rundown_soak_jitter(shift)
        RealThreadPlatform.store(word, value, ordering: ordering)
    }

    public static func compareExchange(
        _ word: RundownWord, expected: UInt, desired: UInt,
        successOrdering: AtomicUpdateOrdering, failureOrdering: AtomicLoadOrdering
    ) -> (exchanged: Bool, original: UInt) {
        rundown_soak_jitter(shift)
        return RealThreadPlatform.compareExchange(
            word, expected: expected, desired: desired, successOrdering: successOrdering, failureOrdering: failureOrdering)
    }

    public static func wrappingAdd(_ word: RundownWord, _ delta: UInt, ordering: AtomicUpdateOrdering) -> UInt {
        rundown_soak_jitter(shift)
        return RealThreadPlatform.wrappingAdd(word, delta, ordering: ordering)
    }

    public static func resetEvent(_ event: RundownEventWord) {
        rundown_soak_jitter(shift)
        RealThreadPlatform.resetEvent(event)
    }

    public static func signalEvent(_ event: RundownEventWord) {
        rundown_soak_jitter(shift)
        RealThreadPlatform.signalEvent(event)
    }

    public static func waitForEvent(_ event: RundownEventWord) {
        rundown_soak_jitter(shift)
        RealThreadPlatform.waitForEvent(event)
    }

    public static func currentCPU() -> UInt32 { RealThreadPlatform.currentCPU() }
}
