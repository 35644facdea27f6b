import Rundown
import RundownTestKit
import Synchronization
import _ToolShims

/// The real-thread platform with jitter: before every operation of the seam (each atomic word
/// operation, each event reset, signal and sleep), a thread sometimes spins for up to about a
/// microsecond or yields. The algorithm's windows (between a wait's publish and its event
/// preparation, between a release's read and its CAS) are a few instructions wide on real
/// hardware; jitter stretches them so that hours of soak, or seconds, reach the interleavings
/// that a broken variant gets wrong. Everything else is ``RealThreadPlatform``: the production
/// orderings, or the weakened ones of an ordering control.
package enum JitterPlatform: ForwardingPlatform {
    package typealias Base = RealThreadPlatform

    /// Jitter one call in 2^shift (set before the threads start).
    nonisolated(unsafe) static var shift: UInt32 = 6

    package static func beforeWordOperation(_ operation: SeamOperation, on word: RundownWord) {
        rundown_soak_jitter(shift)
    }

    package static func beforeEventOperation(_ operation: SeamOperation, on event: RundownEventWord) {
        rundown_soak_jitter(shift)
    }
}
