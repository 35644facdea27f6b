import Rundown
import Synchronization

/// How the ordering controls weaken the orderings the algorithm asks for: one definition for
/// every testing platform that applies them (real threads, the controlled scheduler's
/// weak-memory mode). The algorithm asks for each ordering at distinct places (acquiring success
/// only on the acquire CAS, releasing success only on a live release CAS), which is what lets a
/// platform weaken one without touching the others. Two ordering controls,
/// ``RundownFault/relaxedBlockLookup`` and ``RundownFault/relaxedCountPublication``, weaken an
/// ordering asked for in one place only: the algorithm applies them itself.
extension RundownFault {
    /// The ordering a compare-exchange's success or an add really runs with under this control:
    /// a release CAS that is relaxed, an acquire CAS that is relaxed, a wait-block decrement that
    /// keeps only its acquiring half.
    package func weakened(_ ordering: AtomicUpdateOrdering, for operation: SeamOperation) -> AtomicUpdateOrdering {
        switch (operation, self) {
        case (.compareExchange, .relaxedRelease) where ordering == .releasing: .relaxed
        case (.compareExchange, .relaxedAcquire) where ordering == .acquiring: .relaxed
        case (.wrappingAdd, .relaxedRelease) where ordering == .acquiringAndReleasing: .acquiring
        default: ordering
        }
    }

    /// The ordering of the waiter's observation of its event under this control.
    package var waiterObservation: AtomicLoadOrdering { self == .relaxedWaiterObservation ? .relaxed : .acquiring }
}

extension AtomicUpdateOrdering {
    /// Whether a read-modify-write with this ordering acquires.
    package var acquires: Bool {
        self == .acquiring || self == .acquiringAndReleasing || self == .sequentiallyConsistent
    }
    /// Whether a read-modify-write with this ordering releases.
    package var releases: Bool {
        self == .releasing || self == .acquiringAndReleasing || self == .sequentiallyConsistent
    }
}
