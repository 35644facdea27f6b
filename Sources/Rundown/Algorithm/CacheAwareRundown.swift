import Synchronization

/// The cache-aware rundown algorithm (docs/semantics.md, "The cache-aware ref"): a plain rundown
/// word per CPU slot, and a wait that closes every slot and drains their sum through one wait
/// block. Misuse is thrown, as in ``PlainRundown``; the entry points report it.
///
/// Where the platform offers it (``RundownPlatform/fastPath``), every operation takes the fast
/// path instead (CacheAwareFastPath.swift): restartable per-CPU sections and one gate word. The
/// choice is the platform's, fixed for the process, so a ref never sees both.
@usableFromInline
package enum CacheAwareRundown<Platform: RundownPlatform> {
    /// The word encoding.
    @usableFromInline
    package typealias State = RundownWordState
    /// The algorithm on one slot.
    @usableFromInline
    package typealias Word = PlainRundown<Platform>

    /// Acquire on the current CPU's slot.
    @inlinable @inline(__always)
    package static func acquire(_ layout: CacheAwareLayout, delta: UInt) throws(RundownMisuse) -> Bool {
        if Platform.fastPath { return fastAcquire(layout, delta: delta) }
        return try Word.acquire(layout.slot(forCPU: Platform.currentCPU()), delta: delta, checkTotal: false)
    }

    /// Release on the current CPU's slot, which may differ from the acquire's: only the sum of
    /// all slots means anything, so a slot may wrap below zero.
    @inlinable @inline(__always)
    package static func release(_ layout: CacheAwareLayout, delta: UInt) throws(RundownMisuse) {
        if Platform.fastPath {
            try fastRelease(layout, delta: delta)
            return
        }
        try Word.release(
            layout.slot(forCPU: Platform.currentCPU()), delta: delta, checkTotal: false, firstSlot: layout.slot(0))
    }

    /// Closes every slot and waits for the sum of their counts to drain. Returns at once when
    /// every slot is already run down or completed. On return every slot is exactly `active`.
    ///
    /// - Parameter block: the wait block, fresh (see ``WaitBlock/withTemporary(_:)``); it stays
    ///   in place until this returns or its misuse has been reported, since a second waiter
    ///   met halfway through the sweep is thrown after the block was published on earlier slots.
    @inline(never)
    package static func waitForRelease(_ layout: CacheAwareLayout, block: WaitBlock) throws(RundownMisuse) {
        if Platform.fastPath {
            try fastWaitForRelease(layout, block: block)
            return
        }
        let countsClosedSlots = Platform.fault == .waitAfterCompletedCountsSlots
        if !countsClosedSlots, try isRunDown(layout) { return }
        let marker = block.marker
        var total: UInt = 0
        let swept = Platform.fault == .sweepMissesLastSlot ? max(layout.count - 1, 1) : layout.count
        for index in 0..<swept {
            let slot = layout.slot(index)
            var current = Platform.load(slot, ordering: .relaxed)
            while true {
                // A slot that is already closed belongs to another wait.
                if current & State.active != 0 && !(countsClosedSlots && current == State.active) {
                    throw .secondWaiter
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
        let outstanding =
            Platform.fault == .waitBlockCountNotShifted ? Int(bitPattern: total) : State.count(ofLive: total)
        if outstanding != 0 {
            // The event must be ready before the count is published: from the add below on,
            // a releaser may bring the count to zero and signal.
            let preparedLate = Platform.fault == .eventPreparedAfterPublish
            if !preparedLate { Platform.resetEvent(block.event) }
            // Acquiring: if the releasers already took the count to -outstanding, their writes
            // are visible when we see zero. Releasing: the releaser that drains the count to zero
            // reads this add (or a later drain in its release sequence), so the event reset above
            // is ordered before its signal; without it the signal could precede the reset.
            let publication: AtomicUpdateOrdering =
                Platform.fault == .relaxedCountPublication ? .acquiring : .acquiringAndReleasing
            let remaining = Platform.wrappingAdd(block.count, UInt(bitPattern: outstanding), ordering: publication)
            if preparedLate { Platform.resetEvent(block.event) }
            if remaining != 0 { Platform.waitForEvent(block.event) }
        }
        // Nobody reads the marker any more (see PlainRundown.waitForRelease); relaxed.
        if Platform.fault != .waitLeavesMarker {
            for index in 0..<swept {
                Platform.store(layout.slot(index), State.active, ordering: .relaxed)
            }
        }
    }

    /// True when every slot is run down (a wait finished, or completed). Throws `busy` if
    /// some slot is still closed by a wait in progress: for a waiter that is a second waiter,
    /// for completed or reinitialize a call during a wait.
    @inlinable
    package static func isRunDown(_ layout: CacheAwareLayout, busy: RundownMisuse = .secondWaiter) throws(RundownMisuse)
        -> Bool
    {
        if Platform.fastPath { return try fastIsRunDown(layout, busy: busy) }
        let first = Platform.load(layout.slot(0), ordering: .relaxed)
        if first & State.active == 0 { return false }
        for index in 0..<layout.count where Platform.load(layout.slot(index), ordering: .relaxed) != State.active {
            throw busy
        }
        return true
    }

    /// Protections outstanding on a live ref (wrapping sum of the slots); 0 if run down.
    /// Throws `waitInProgress` if a wait is in progress. Meaningful only when no other thread uses the ref.
    package static func outstanding(_ layout: CacheAwareLayout) throws(RundownMisuse) -> Int {
        if Platform.fastPath { return try fastOutstanding(layout) }
        var total: UInt = 0
        for index in 0..<layout.count {
            let value = Platform.load(layout.slot(index), ordering: .relaxed)
            if value & State.active != 0 {
                if value != State.active { throw .waitInProgress }
                return 0
            }
            total &+= value
        }
        return State.count(ofLive: total)
    }

    /// Marks every slot completed. Throws unless a wait has finished.
    package static func rundownCompleted(_ layout: CacheAwareLayout) throws(RundownMisuse) {
        try requireRunDown(layout, without: RundownMisuse.completedWithoutWait)
        if Platform.fastPath {
            // Already exactly `active` (the wait's last store); kept for the contract.
            Platform.store(layout.gate, State.active, ordering: .relaxed)
            return
        }
        for index in 0..<layout.count {
            Platform.store(layout.slot(index), State.active, ordering: .relaxed)
        }
    }

    /// Makes every slot live again with no protections. Throws unless a wait has finished.
    ///
    /// Accessors may race with it: an acquire on a slot already reset succeeds, one on a slot
    /// not yet reset fails. Slot 0 is reset first, so a release that meets a slot not yet reset
    /// can go to slot 0 instead (see ``PlainRundown/releaseDuringRundown``).
    package static func reinitialize(_ layout: CacheAwareLayout) throws(RundownMisuse) {
        try requireRunDown(layout, without: RundownMisuse.reinitializeWithoutWait)
        if Platform.fastPath {
            // The wait left every slot 0. Releasing: the owner's preparation of the new object
            // (and those zeroes) is visible to every section whose acquiring gate load reads 0.
            Platform.store(layout.gate, 0, ordering: .releasing)
            return
        }
        for index in 0..<layout.count {
            // Releasing: the owner's preparation of the new object is visible to accessors
            // whose acquiring CAS reads this value.
            Platform.store(layout.slot(index), 0, ordering: .releasing)
        }
    }

    static func requireRunDown(_ layout: CacheAwareLayout, without misuse: (Int) -> RundownMisuse) throws(RundownMisuse)
    {
        if try !isRunDown(layout, busy: .waitInProgress) { throw misuse(try outstanding(layout)) }
    }
}
