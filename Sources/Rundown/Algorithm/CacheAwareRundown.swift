import Synchronization

/// The cache-aware rundown algorithm (docs/semantics.md, "The cache-aware ref"): a plain rundown
/// word per CPU slot, and a wait that closes every slot and drains their sum through one wait
/// block.
public enum CacheAwareRundown<Platform: RundownPlatform> {
    /// The word encoding.
    public typealias State = RundownWordState
    /// The algorithm on one slot.
    public typealias Word = PlainRundown<Platform>

    /// Acquire on the current CPU's slot.
    @inlinable @inline(__always)
    public static func acquire(_ layout: CacheAwareLayout, delta: UInt, call: StaticString, ref: UnsafeRawPointer) -> Bool {
        Word.acquire(layout.slot(forCPU: Platform.currentCPU()), delta: delta, checkTotal: false, call: call, ref: ref)
    }

    /// Release on the current CPU's slot, which may differ from the acquire's: only the sum of
    /// all slots means anything, so a slot may wrap below zero.
    @inlinable @inline(__always)
    public static func release(_ layout: CacheAwareLayout, delta: UInt, call: StaticString, ref: UnsafeRawPointer) {
        Word.release(
            layout.slot(forCPU: Platform.currentCPU()), delta: delta, checkTotal: false, firstSlot: layout.slot(0),
            call: call, ref: ref)
    }

    /// Closes every slot and waits for the sum of their counts to drain. Returns at once when
    /// every slot is already run down or completed. On return every slot is exactly `active`.
    @inline(never)
    public static func waitForRelease(_ layout: CacheAwareLayout, call: StaticString, ref: UnsafeRawPointer) {
        let countsClosedSlots = Platform.fault == .waitAfterCompletedCountsSlots
        if !countsClosedSlots && isRunDown(layout, call: call, ref: ref) { return }
        WaitBlock.withTemporary { block in
            let marker = block.marker
            var total: UInt = 0
            let swept = Platform.fault == .sweepMissesLastSlot ? max(layout.count - 1, 1) : layout.count
            for index in 0 ..< swept {
                let slot = layout.slot(index)
                var current = Platform.load(slot, ordering: .relaxed)
                while true {
                    // A slot that is already closed belongs to another wait.
                    if current & State.active != 0 && !(countsClosedSlots && current == State.active) {
                        RundownMisuse.report(.secondWaiter, call: call, ref: ref)
                    }
                    // Releasing: publishes the block (count 0) to releasers on this slot.
                    // Acquiring: releases that reached this slot before now are visible.
                    let (exchanged, original) = Platform.compareExchange(
                        slot, expected: current, desired: marker,
                        successOrdering: .acquiringAndReleasing, failureOrdering: .relaxed)
                    if exchanged { break }
                    current = original
                }
                total &+= current
            }
            let outstanding = Platform.fault == .waitBlockCountNotShifted ? Int(bitPattern: total) : State.count(ofLive: total)
            if outstanding != 0 {
                // The event must be ready before the count is published: from the add below on,
                // a releaser may bring the count to zero and signal.
                let preparedLate = Platform.fault == .eventPreparedAfterPublish
                if !preparedLate { Platform.resetEvent(block.event) }
                // Acquiring and releasing, as for a releaser's drain: if the releasers already
                // took the count to -outstanding, their writes are visible when we see zero.
                let remaining = Platform.wrappingAdd(block.count, UInt(bitPattern: outstanding), ordering: .acquiringAndReleasing)
                if preparedLate { Platform.resetEvent(block.event) }
                if remaining != 0 { Platform.waitForEvent(block.event) }
            }
            // Nobody reads the marker any more (see PlainRundown.waitForRelease); relaxed.
            if Platform.fault != .waitLeavesMarker {
                for index in 0 ..< swept {
                    Platform.store(layout.slot(index), State.active, ordering: .relaxed)
                }
            }
        }
    }

    /// True when every slot is run down (a wait finished, or completed). Traps with `busy` if
    /// some slot is still closed by a wait in progress: for a waiter that is a second waiter,
    /// for completed or reinitialize a call during a wait.
    @inlinable
    public static func isRunDown(
        _ layout: CacheAwareLayout, busy: RundownMisuse = .secondWaiter, call: StaticString, ref: UnsafeRawPointer
    ) -> Bool {
        let first = Platform.load(layout.slot(0), ordering: .relaxed)
        if first & State.active == 0 { return false }
        for index in 0 ..< layout.count where Platform.load(layout.slot(index), ordering: .relaxed) != State.active {
            RundownMisuse.report(busy, call: call, ref: ref)
        }
        return true
    }

    /// Protections outstanding on a live ref (wrapping sum of the slots); 0 if run down.
    /// Traps if a wait is in progress. Meaningful only when no other thread uses the ref.
    public static func outstanding(_ layout: CacheAwareLayout, call: StaticString, ref: UnsafeRawPointer) -> Int {
        var total: UInt = 0
        for index in 0 ..< layout.count {
            let value = Platform.load(layout.slot(index), ordering: .relaxed)
            if value & State.active != 0 {
                if value != State.active { RundownMisuse.report(.waitInProgress, call: call, ref: ref) }
                return 0
            }
            total &+= value
        }
        return State.count(ofLive: total)
    }

    /// Marks every slot completed. Traps unless a wait has finished.
    public static func rundownCompleted(_ layout: CacheAwareLayout, call: StaticString, ref: UnsafeRawPointer) {
        requireRunDown(layout, without: RundownMisuse.completedWithoutWait, call: call, ref: ref)
        for index in 0 ..< layout.count {
            Platform.store(layout.slot(index), State.active, ordering: .relaxed)
        }
    }

    /// Makes every slot live again with no protections. Traps unless a wait has finished.
    ///
    /// Accessors may race with it: an acquire on a slot already reset succeeds, one on a slot
    /// not yet reset fails. Slot 0 is reset first, so a release that meets a slot not yet reset
    /// can go to slot 0 instead (see ``PlainRundown/releaseDuringRundown``).
    public static func reinitialize(_ layout: CacheAwareLayout, call: StaticString, ref: UnsafeRawPointer) {
        requireRunDown(layout, without: RundownMisuse.reinitializeWithoutWait, call: call, ref: ref)
        for index in 0 ..< layout.count {
            // Releasing: the owner's preparation of the new object is visible to accessors
            // whose acquiring CAS reads this value.
            Platform.store(layout.slot(index), 0, ordering: .releasing)
        }
    }

    static func requireRunDown(
        _ layout: CacheAwareLayout, without misuse: (Int) -> RundownMisuse, call: StaticString, ref: UnsafeRawPointer
    ) {
        if !isRunDown(layout, busy: .waitInProgress, call: call, ref: ref) {
            RundownMisuse.report(misuse(outstanding(layout, call: call, ref: ref)), call: call, ref: ref)
        }
    }
}
