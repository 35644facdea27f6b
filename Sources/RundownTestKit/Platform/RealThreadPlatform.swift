#if canImport(Glibc)
    import Glibc
#endif
import Rundown
import Synchronization
import _RundownShims
import _ToolShims

/// The platform seam on real OS threads: the production platform, except that an ordering
/// control (``RundownFault/weakensOrdering``) weakens the orderings the algorithm asks for
/// (see ``RundownFault/weakened(_:for:)``).
///
/// Unchecked: the checked mode's lock would order the threads and hide exactly the missing
/// orderings this platform exists to expose.
package enum RealThreadPlatform: ForwardingPlatform {
    /// The control of the run in progress; set before the threads start.
    nonisolated(unsafe) package static var fault = RundownFault.none
    /// Slots of a cache-aware ref allocated for the run in progress.
    nonisolated(unsafe) package static var cpuCount = 1

    package static var isChecked: Bool { false }

    /// The fast path needs a slot of its own for every CPU the kernel may report: a run with
    /// fewer slots (shared on purpose, to test the compare-exchange path's sharing) takes the
    /// compare-exchange path for all its refs. Two CPUs running sections on one slot would lose
    /// updates: rseq makes a section exclusive only on its own CPU.
    package static var fastPath: Bool { takesFastPath(slots: cpuCount) }

    /// Whether refs of `slots` slots take the fast path on this platform.
    package static func takesFastPath(slots: Int) -> Bool {
        SystemPlatform.fastPath && slots >= SystemPlatform.cpuCount
    }

    /// The orderings an ordering control weakens (``RundownFault/weakened(_:for:)``).
    package static func updateOrdering(_ ordering: AtomicUpdateOrdering, for operation: SeamOperation)
        -> AtomicUpdateOrdering
    {
        fault.weakened(ordering, for: operation)
    }

    /// The production section, or the broken one of a fast-path control (stretched by a short
    /// busy loop inside the window it opens, so that preemptions and barriers land there).
    package static func restartableSlotAdd(_ layout: CacheAwareLayout, _ delta: UInt) -> UInt {
        let control: Int32
        switch fault {
        case .commitOutsideSection: control = RUNDOWN_RSEQ_CONTROL_COMMIT_OUTSIDE
        case .restartSkipsClosedCheck: control = RUNDOWN_RSEQ_CONTROL_RESTART_SKIPS_CHECK
        default: return SystemPlatform.restartableSlotAdd(layout, delta)
        }
        return rundown_rseq_slot_add_control(
            UnsafeRawPointer(layout.gate).assumingMemoryBound(to: UInt.self),
            layout.slots.assumingMemoryBound(to: CChar.self), UInt32(truncatingIfNeeded: layout.stride),
            UInt32(truncatingIfNeeded: layout.count), delta, control, 200)
    }

    /// The waiter's observation of the event, relaxed under its control.
    package static func waitForEvent(_ event: RundownEventWord) {
        guard fault.waiterObservation == .relaxed else { return SystemPlatform.waitForEvent(event) }
        let futexWord = UnsafeMutableRawPointer(event).assumingMemoryBound(to: UInt32.self)
        while event.pointee.load(ordering: .relaxed) == 0 {
            // As in SystemPlatform: every answer leads back to the check (other failures stop the process).
            let result = rundown_futex_wait(futexWord, 0)
            assert(result == 0 || result == EAGAIN || result == EINTR, "rundown_futex_wait returned \(result)")
        }
    }
}
