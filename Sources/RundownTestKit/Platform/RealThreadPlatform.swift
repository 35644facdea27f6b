#if canImport(Glibc)
    import Glibc
#endif
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
package enum RealThreadPlatform: ForwardingPlatform {
    /// The control of the run in progress; set before the threads start.
    nonisolated(unsafe) package static var fault = RundownFault.none
    /// Slots of a cache-aware ref allocated for the run in progress.
    nonisolated(unsafe) package static var cpuCount = 1

    package static var isChecked: Bool { false }

    /// The weakened orderings: a release CAS that is relaxed, an acquire CAS that is relaxed, a
    /// wait-block decrement that keeps only its acquiring half.
    package static func updateOrdering(_ ordering: AtomicUpdateOrdering, for operation: SeamOperation)
        -> AtomicUpdateOrdering
    {
        switch (operation, fault) {
        case (.compareExchange, .relaxedRelease) where ordering == .releasing: .relaxed
        case (.compareExchange, .relaxedAcquire) where ordering == .acquiring: .relaxed
        case (.wrappingAdd, .relaxedRelease) where ordering == .acquiringAndReleasing: .acquiring
        default: ordering
        }
    }

    /// The waiter's observation of the event, relaxed under its control.
    package static func waitForEvent(_ event: RundownEventWord) {
        guard fault == .relaxedWaiterObservation else { return SystemPlatform.waitForEvent(event) }
        let futexWord = UnsafeMutableRawPointer(event).assumingMemoryBound(to: UInt32.self)
        while event.pointee.load(ordering: .relaxed) == 0 {
            // As in SystemPlatform: every answer leads back to the check (other failures stop the process).
            let result = rundown_futex_wait(futexWord, 0)
            assert(result == 0 || result == EAGAIN || result == EINTR, "rundown_futex_wait returned \(result)")
        }
    }
}
