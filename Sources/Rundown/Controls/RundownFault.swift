/// Deliberate deviations from the algorithm, each of a kind that real ports have shipped: the
/// negative controls that every fuzz target and soak loop must catch.
///
/// A platform selects one through ``RundownPlatform/fault``, and only there: every platform
/// states its choice, and ``SystemPlatform`` answers `.none` as a constant, so in production
/// every fault branch folds away. Package access: the controls are the testing engines'
/// business (the fuzz targets, the soak tester, the tests), never the library's users'.
@usableFromInline
package enum RundownFault: String, CaseIterable, Sendable {
    /// The correct algorithm.
    case none
    /// Acquire does not look at the rundown-active bit: it adds to a closed word (a marker).
    case acquireIgnoresActive = "acquire-ignores-active"
    /// Release checks the active bit on its first pass only; a retry after a failed CAS
    /// subtracts from whatever it read, even a wait block's marker.
    case releaseRetrySkipsActiveCheck = "release-retry-skips-active-check"
    /// The wait's sweep misses the last slot: its protections are never counted.
    case sweepMissesLastSlot = "sweep-misses-last-slot"
    /// The wait prepares its event after publishing the count: a release that drains the
    /// count in between signals an event that is then reset (a lost wake-up).
    case eventPreparedAfterPublish = "event-prepared-after-publish"
    /// A release during rundown subtracts the word delta (2n) from the wait block instead of n.
    case drainSubtractsWordDelta = "drain-subtracts-word-delta"
    /// The wait moves the raw word (count times two) into the wait block: a wrong count shift.
    case waitBlockCountNotShifted = "wait-block-count-not-shifted"
    /// The original's multi-slot behaviour: a wait on a completed ref sweeps the closed slots
    /// and counts 1 for each, then sleeps forever.
    case waitAfterCompletedCountsSlots = "wait-after-completed-counts-slots"
    /// The original's single-word behaviour: the wait leaves the dead wait block's marker in the
    /// word, so a second wait or a late release trips over it.
    case waitLeavesMarker = "wait-leaves-marker"
    /// The releaser that brings the count to one (not zero) signals the waiter.
    case signalBeforeZero = "signal-before-zero"

    // Weakened memory orderings: invisible to a sequentially consistent scheduler, visible to
    // the weak-memory mode, and the first three to ThreadSanitizer on real threads. A platform
    // applies those three to the orderings the algorithm asks for (see the testing engine's
    // ordering controls).

    /// A release's CAS and its wait-block decrement without releasing order.
    case relaxedRelease = "relaxed-release"
    /// The acquire's CAS without acquiring order.
    case relaxedAcquire = "relaxed-acquire"
    /// The waiter observes the final count (the event) without acquiring order.
    case relaxedWaiterObservation = "relaxed-waiter-observation"

    /// A release during rundown looks the wait block up with a relaxed load where the algorithm
    /// needs an acquiring one: it drains a block whose preparation by the waiter is not ordered
    /// before its accesses.
    case relaxedBlockLookup = "relaxed-block-lookup"
    /// The cache-aware waiter adds the swept count to its wait block without releasing order:
    /// the releaser that drains the count to zero is then not ordered after the waiter's event
    /// reset, so its signal may precede the reset in the event's modification order and the
    /// waiter sleeps on a value that lost the signal. On x86-64 a locked add is a full barrier,
    /// so real threads never show it, and every access involved is atomic, so ThreadSanitizer
    /// has nothing to report: only the weak-memory mode finds it (a lost wake-up).
    case relaxedCountPublication = "relaxed-count-publication"

    // The fast path's controls (docs/design.md, "The fast path"): a controlled run takes the fast
    // path's model for them (``needsFastPath``), real threads the fast path itself where the
    // process has it.

    /// The fast-path wait sums the slots without the barrier: a section that read the gate open
    /// before the close commits after the sum, so the wait returns with a protection granted.
    case waitSkipsBarrier = "wait-skips-barrier"
    /// The section's commit lies outside it: a preemption, migration or barrier between the
    /// slot's load and its store no longer restarts the section, which stores a stale value (a
    /// lost update) or commits after the waiter's barrier and sum.
    case commitOutsideSection = "commit-outside-section"
    /// A restarted section skips the gate check: once aborted, it adds to a closed ref.
    case restartSkipsClosedCheck = "restart-skips-closed-check"

    /// Whether this control breaks the fast path (and only means something there).
    package var needsFastPath: Bool {
        self == .waitSkipsBarrier || self == .commitOutsideSection || self == .restartSkipsClosedCheck
    }

    /// Every deliberately broken variant (all cases but `.none`).
    package static var controls: [RundownFault] { allCases.filter { $0 != .none } }

    /// Whether this control only weakens a memory ordering: a sequentially consistent schedule
    /// cannot catch it; the weak-memory mode can, and real threads under ThreadSanitizer can for
    /// those that ``racesOnRealThreads``.
    package var weakensOrdering: Bool {
        self == .relaxedRelease || self == .relaxedAcquire || self == .relaxedWaiterObservation
            || self == .relaxedBlockLookup || self == .relaxedCountPublication
    }

    /// Whether this ordering control shows on x86-64 real threads as a data race that a committed
    /// real-thread input (Corpus/ThreadsControls) makes ThreadSanitizer report reliably. Not
    /// `relaxed-block-lookup`: ThreadSanitizer reports it only when a release drains a
    /// cache-aware wait block in the few instructions between the waiter's sweep and its add (the
    /// fuzzer finds such timings, no fixed plan repeats them); not `relaxed-count-publication`,
    /// which x86-64 never shows.
    package var racesOnRealThreads: Bool {
        self == .relaxedRelease || self == .relaxedAcquire || self == .relaxedWaiterObservation
    }
}
