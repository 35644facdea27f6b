import Rundown
import Synchronization

/// Why a soak run failed.
package enum SoakFailureKind: String, Codable, Sendable {
    /// A wait did not return within the timeout (a lost wake-up, a wrong count, a leaked protection).
    case watchdog
    /// A worker holding protection found the object already retired: a wait returned early.
    case retiredObjectSeen = "retired-object-seen"
    /// The object changed after its wait returned: someone touched it without protection.
    case touchedAfterWait = "touched-after-wait"
    /// The object did not hold what its owner wrote (wrong object, or memory reused).
    case corruptedObject = "corrupted-object"
    /// The library reported API misuse that the soak never commits (a broken count or state).
    case misuse
    /// Pool memory still allocated after every ref was freed.
    case leak
}

/// A failure: what, where, and when (seconds since the start).
package struct SoakFailure: Codable, Sendable, Equatable {
    /// Which check tripped.
    package var kind: SoakFailureKind
    /// What went wrong and where (for a watchdog: the whole report).
    package var message: String
    /// Seconds from the start of the run.
    package var atSeconds: Double
}

/// The first failure of a run; later ones are dropped (the first is the one to debug).
final class SoakFailureLog: @unchecked Sendable {
    // @unchecked Sendable: the state is behind the lock (a pthread mutex: ThreadSanitizer sees its ordering, which it does not for `Synchronization.Mutex`).
    private let first = Locked<SoakFailure?>(nil)
    /// Set once a failure is recorded (owners then leave their objects alone). Relaxed: the
    /// flag carries no data; the failure itself is read under the lock.
    let hasFailed = Atomic<Bool>(false)
    let startNs: UInt64

    init(startNs: UInt64) { self.startNs = startNs }

    func record(_ kind: SoakFailureKind, _ message: String, nowNs: UInt64) {
        first.withLock { failure in
            if failure == nil {
                failure = SoakFailure(kind: kind, message: message, atSeconds: Double(nowNs &- startNs) / 1e9)
            }
        }
        hasFailed.store(true, ordering: .relaxed)
    }

    var failure: SoakFailure? { first.withLock { $0 } }
}
