import Rundown

/// The sequential reference model of one ref: what the implementation may do next given the
/// history so far, and which misuse (if any) a call commits. It mirrors the contract of the
/// spec, not the implementation: every disagreement is a finding.
struct RefModel {
    enum Phase: Equatable {
        /// Not created yet, or creation failed.
        case absent
        case live
        /// A wait has started and not returned.
        case waiting
        case runDown
        case completed
        /// A reinitialise is in progress (its slots change one by one).
        case reinitializing
        case freed
    }

    var phase = Phase.absent
    /// Protections granted and not released, over all threads (a release counts as it starts).
    var outstanding = 0
    /// Protections whose release has started and not returned: still in the words.
    var releasing = 0
    /// Whether the protected object exists (freed by the owner right after each wait).
    var objectAlive = false
    let origin: RundownOrigin

    init(origin: RundownOrigin) { self.origin = origin }

    /// Whether the checked mode sees the ref as live (a reinitialise opens it at its start).
    var isLive: Bool { phase == .live || phase == .reinitializing }

    /// The misuse a call commits in this state, exactly as the checked mode must name it.
    func misuse(of operation: Program.Operation, kind: Program.RefKind) -> RundownMisuse? {
        if phase == .freed {
            switch operation {
            case .acquire, .release, .wait, .completed, .reinitialize, .destroy: return .useAfterFree
            default: return nil
            }
        }
        switch operation {
        case let .release(_, count) where outstanding < count:
            return isLive || outstanding > 0
                ? .releaseWithoutAcquire(released: count, outstanding: outstanding)
                : .releaseAfterRundown(released: count)
        case .wait where phase == .waiting:
            return .secondWaiter
        case .completed:
            return isLive ? .completedWithoutWait(outstanding: outstanding) : phase == .waiting ? .waitInProgress : nil
        case .reinitialize:
            return isLive
                ? .reinitializeWithoutWait(outstanding: outstanding) : phase == .waiting ? .waitInProgress : nil
        case .destroy where kind != .plain:
            if origin != .allocated { return .freeCallerInitialized }
            if phase == .waiting { return .waitInProgress }
            if outstanding > 0 { return .freeWithProtectionsOutstanding(outstanding: outstanding) }
            return nil
        case let .initializeAgain(_, tooSmall):
            if tooSmall { return .sizeTooSmall(given: -1, needed: -1) }
            if outstanding > 0 || phase == .waiting { return .initializeLiveRef(outstanding: outstanding) }
            return nil
        default:
            return nil
        }
    }
}

extension RundownMisuse {
    /// Equal, treating the sizes of a size report as details (the model does not know them).
    func matches(_ expected: RundownMisuse) -> Bool {
        if case .sizeTooSmall = self, case .sizeTooSmall = expected { return true }
        return self == expected
    }
}
