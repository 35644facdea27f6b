#if canImport(Glibc)
    import Glibc
#endif
import Synchronization
import _RundownShims

/// The production platform: hardware atomics, a futex sleep, and the CPU number from the rseq
/// area. Every requirement is `@inline(__always)`, so the specialised algorithm compiles to the
/// same instructions as a hand-written one (the benchmark's "seam cost" row checks it).
@usableFromInline
package enum SystemPlatform: RundownPlatform {
    // Swift's atomics take their ordering as a compile-time constant, while the seam passes it
    // as an argument: each requirement switches over the ordering, and once inlined with a
    // literal ordering the switch folds away to the single instruction.

    /// See ``RundownPlatform/load``.
    @inlinable @inline(__always)
    package static func load(_ word: RundownWord, ordering: AtomicLoadOrdering) -> UInt {
        switch ordering {
        case .relaxed: return word.pointee.load(ordering: .relaxed)
        case .acquiring: return word.pointee.load(ordering: .acquiring)
        default: return word.pointee.load(ordering: .sequentiallyConsistent)
        }
    }

    /// See ``RundownPlatform/store``.
    @inlinable @inline(__always)
    package static func store(_ word: RundownWord, _ value: UInt, ordering: AtomicStoreOrdering) {
        switch ordering {
        case .relaxed: word.pointee.store(value, ordering: .relaxed)
        case .releasing: word.pointee.store(value, ordering: .releasing)
        default: word.pointee.store(value, ordering: .sequentiallyConsistent)
        }
    }

    /// See ``RundownPlatform/compareExchange``.
    @inlinable @inline(__always)
    package static func compareExchange(
        _ word: RundownWord, expected: UInt, desired: UInt,
        successOrdering: AtomicUpdateOrdering, failureOrdering: AtomicLoadOrdering
    ) -> (exchanged: Bool, original: UInt) {
        // The algorithm only ever fails relaxed; any other failure order gets the strongest pair.
        if failureOrdering != .relaxed {
            return word.pointee.compareExchange(
                expected: expected, desired: desired, successOrdering: .sequentiallyConsistent,
                failureOrdering: .sequentiallyConsistent)
        }
        switch successOrdering {
        case .relaxed:
            return word.pointee.compareExchange(
                expected: expected, desired: desired, successOrdering: .relaxed, failureOrdering: .relaxed)
        case .acquiring:
            return word.pointee.compareExchange(
                expected: expected, desired: desired, successOrdering: .acquiring, failureOrdering: .relaxed)
        case .releasing:
            return word.pointee.compareExchange(
                expected: expected, desired: desired, successOrdering: .releasing, failureOrdering: .relaxed)
        case .acquiringAndReleasing:
            return word.pointee.compareExchange(
                expected: expected, desired: desired, successOrdering: .acquiringAndReleasing, failureOrdering: .relaxed
            )
        default:
            return word.pointee.compareExchange(
                expected: expected, desired: desired, successOrdering: .sequentiallyConsistent,
                failureOrdering: .sequentiallyConsistent)
        }
    }

    /// See ``RundownPlatform/wrappingAdd``.
    @inlinable @inline(__always)
    package static func wrappingAdd(_ word: RundownWord, _ delta: UInt, ordering: AtomicUpdateOrdering) -> UInt {
        switch ordering {
        case .relaxed: return word.pointee.wrappingAdd(delta, ordering: .relaxed).newValue
        case .acquiring: return word.pointee.wrappingAdd(delta, ordering: .acquiring).newValue
        case .releasing: return word.pointee.wrappingAdd(delta, ordering: .releasing).newValue
        case .acquiringAndReleasing: return word.pointee.wrappingAdd(delta, ordering: .acquiringAndReleasing).newValue
        default: return word.pointee.wrappingAdd(delta, ordering: .sequentiallyConsistent).newValue
        }
    }

    /// See ``RundownPlatform/resetEvent``.
    @inlinable @inline(__always)
    package static func resetEvent(_ event: RundownEventWord) {
        // Relaxed: the event is reset before the wait block is published by a releasing operation.
        event.pointee.store(0, ordering: .relaxed)
    }

    /// See ``RundownPlatform/signalEvent``.
    @usableFromInline
    package static func signalEvent(_ event: RundownEventWord) {
        // Releasing: pairs with the acquiring load in waitForEvent, so everything the releasers
        // did before the count reached zero is visible to the waiter when it wakes.
        event.pointee.store(1, ordering: .releasing)
        // The waiter may return as soon as it sees the store above and reuse the event's memory;
        // the kernel looks up a private futex by address only and never reads the word, so a
        // stale wake-up is at worst a spurious one for some other sleeper, which futex users
        // tolerate by design.
        rundown_futex_wake_all(UnsafeMutableRawPointer(event).assumingMemoryBound(to: UInt32.self))
    }

    /// See ``RundownPlatform/waitForEvent``.
    @usableFromInline
    package static func waitForEvent(_ event: RundownEventWord) {
        let futexWord = UnsafeMutableRawPointer(event).assumingMemoryBound(to: UInt32.self)
        // Acquiring: pairs with the releasing store in signalEvent.
        while event.pointee.load(ordering: .acquiring) == 0 {
            // 0 (woken, or a spurious wake-up), EAGAIN (already signalled) and EINTR all lead back
            // to the check above; the shim stops the process on any other failure.
            let result = rundown_futex_wait(futexWord, 0)
            assert(result == 0 || result == EAGAIN || result == EINTR, "rundown_futex_wait returned \(result)")
        }
    }

    /// Every CPU the system has configured, and never fewer than the CPU numbers the kernel may
    /// report (so CPUs that come online later have a slot of their own: the fast path needs it), read
    /// once: every ref allocated or sized in this process has the same slot count.
    @usableFromInline
    package static let cpuCount = CacheAwareLayout.cpuCount

    /// The correct algorithm, as a constant: every control's branch folds away.
    @inlinable @inline(__always)
    package static var fault: RundownFault { .none }

    /// The process-wide choice made once before main by the shim (x86-64 with glibc's rseq area
    /// and the membarrier rseq command, unless RUNDOWN_FAST_PATH=0).
    @inlinable @inline(__always)
    package static var fastPath: Bool { rundown_fast_path() != 0 }

    /// See ``RundownPlatform/restartableSlotAdd``: the shim's rseq critical section.
    @inlinable @inline(__always)
    package static func restartableSlotAdd(_ layout: CacheAwareLayout, _ delta: UInt) -> UInt {
        if _slowPath(rundown_sections_annotated != 0) {
            return rundown_rseq_slot_add_annotated(
                UnsafeRawPointer(layout.gate).assumingMemoryBound(to: UInt.self),
                layout.slots.assumingMemoryBound(to: CChar.self), UInt32(truncatingIfNeeded: layout.stride),
                UInt32(truncatingIfNeeded: layout.count), delta)
        }
        return rundown_rseq_slot_add(
            UnsafeRawPointer(layout.gate).assumingMemoryBound(to: UInt.self),
            layout.slots.assumingMemoryBound(to: CChar.self), UInt32(truncatingIfNeeded: layout.stride),
            UInt32(truncatingIfNeeded: layout.count), delta)
    }

    /// See ``RundownPlatform/commonCaseSlotAdd``: the inline, unannotated section that ors the
    /// shim's refusal word (0 only when the fast path runs, checked mode is off and the build
    /// needs no annotations) into the gate it reads, so that one test inside the section decides
    /// both; a constant 1 where the fast path is not compiled in.
    @inlinable @inline(__always)
    package static func commonCaseSlotAdd(_ layout: CacheAwareLayout, _ delta: UInt) -> UInt {
        rundown_rseq_common_case_add(
            UnsafeRawPointer(layout.gate).assumingMemoryBound(to: UInt.self),
            layout.slots.assumingMemoryBound(to: CChar.self), UInt32(truncatingIfNeeded: layout.stride),
            UInt32(truncatingIfNeeded: layout.count), delta)
    }

    /// See ``RundownPlatform/barrier``: membarrier's private expedited rseq command.
    @usableFromInline
    package static func barrier(_ layout: CacheAwareLayout) {
        rundown_rseq_barrier(UnsafeRawPointer(layout.gate).assumingMemoryBound(to: UInt.self))
    }

    /// See ``RundownPlatform/currentCPU``.
    @inlinable @inline(__always)
    package static func currentCPU() -> UInt32 {
        rundown_current_cpu()
    }
}
