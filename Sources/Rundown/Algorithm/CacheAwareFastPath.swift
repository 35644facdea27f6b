import Synchronization

/// The cache-aware algorithm's fast path (``RundownPlatform/fastPath``): no locked instruction
/// on acquire or release.
///
/// The ref's state is one word, the gate (``CacheAwareLayout/gate``): 0 while live, the wait
/// block's marker while a wait runs, exactly `active` once run down. The slots hold only counts
/// (twice the protections, wrapping, as on the compare-exchange path), and only restartable
/// per-CPU sections (``RundownPlatform/restartableSlotAdd``) write them while the gate is 0.
/// An acquire is one section that fails when the gate is closed; a release is one section that
/// subtracts, or, when it finds the gate closed, drains the wait block as the other path does.
///
/// The wait closes the gate, then runs the barrier (``RundownPlatform/barrier(_:)``): every section
/// that read the gate open has committed by then, and its store is visible to the waiter; every
/// other section restarts or starts later and sees the gate closed. So the slots are final
/// after the barrier, and their sum is what is outstanding; the waiter drains it through the
/// wait block exactly as the other path does.
extension CacheAwareRundown {
    /// Fast-path acquire: one section on the current CPU's slot.
    @inlinable @inline(__always)
    package static func fastAcquire(_ layout: CacheAwareLayout, delta: UInt) -> Bool {
        // The section's gate load is acquiring: pairs with the releasing store of initialize
        // and reinitialize, so the owner's preparation is visible once protection is granted.
        Platform.restartableSlotAdd(layout, delta) == 0
    }

    /// Fast-path release: one section that subtracts, or the wait block when the gate is closed.
    @inlinable @inline(__always)
    package static func fastRelease(_ layout: CacheAwareLayout, delta: UInt) throws(RundownMisuse) {
        // The section's commit is a releasing store, and the waiter reads it only after the
        // barrier, which is a full fence on this thread: the accessor's writes to the object
        // are visible to the waiter before it counts this release.
        if _slowPath(Platform.restartableSlotAdd(layout, 0 &- delta) != 0) {
            try fastReleaseWhileClosed(layout, delta: delta)
        }
    }

    /// A release that found the gate closed: drain the wait block, or report a release on a ref
    /// that is run down. Loops while a reinitialise reopens the gate underneath.
    @inline(never) @usableFromInline
    package static func fastReleaseWhileClosed(_ layout: CacheAwareLayout, delta: UInt) throws(RundownMisuse) {
        while true {
            // Acquiring: pairs with the waiter's releasing compare-exchange that published the
            // block, so the block's count and event are initialised before we touch them.
            let gate = Platform.load(layout.gate, ordering: .acquiring)
            if gate == 0 {
                // Reinitialised since the section looked: live again.
                if Platform.restartableSlotAdd(layout, 0 &- delta) == 0 { return }
                continue
            }
            let released = Int(delta >> State.countShift)
            if gate == State.active { throw .releaseAfterRundown(released: released) }
            Word.drain(WaitBlock(marker: gate), count: released)
            return
        }
    }

    /// Fast-path wait: close the gate, barrier, sum the slots, drain the sum through `block`.
    /// On return the gate is exactly `active` and every slot 0.
    package static func fastWaitForRelease(_ layout: CacheAwareLayout, block: WaitBlock) throws(RundownMisuse) {
        // Releasing: publishes the block (count 0, event 0, both fresh) to releasers whose
        // acquiring gate load reads the marker. Acquiring: nothing is needed from earlier
        // writers of the gate but the live state; the barrier below orders the slots.
        let (closed, seen) = Platform.compareExchange(
            layout.gate, expected: 0, desired: block.marker,
            successOrdering: .acquiringAndReleasing, failureOrdering: .relaxed)
        if !closed {
            if seen == State.active { return }  // already run down or completed
            throw .secondWaiter
        }
        // Every section that read the gate open has committed, its store and everything before
        // it visible here; every other one reads the marker (the barrier is a full fence on
        // every thread, after the compare-exchange above).
        if Platform.fault != .waitSkipsBarrier { Platform.barrier(layout) }
        var total: UInt = 0
        for index in 0..<layout.count {
            // Relaxed: after the barrier no section writes a slot, and the barrier ordered every
            // committed store before this load.
            total &+= Platform.load(layout.slot(index), ordering: .relaxed)
        }
        let outstanding = State.count(ofLive: total)
        if outstanding != 0 {
            // As on the compare-exchange path (CacheAwareRundown.waitForRelease): the event is
            // ready before the count is published; acquiring and releasing for the same reasons.
            Platform.resetEvent(block.event)
            let remaining = Platform.wrappingAdd(
                block.count, UInt(bitPattern: outstanding), ordering: .acquiringAndReleasing)
            if remaining != 0 { Platform.waitForEvent(block.event) }
        }
        // No section writes a slot while the gate is closed: zero them for a reinitialise.
        // Relaxed: reinitialize's releasing gate store orders them before any later section.
        for index in 0..<layout.count {
            Platform.store(layout.slot(index), 0, ordering: .relaxed)
        }
        // Every releaser read the marker before its final decrement, and the last decrement
        // preceded the signal we consumed: nobody reads the marker any more. Relaxed: a later
        // (stray) reader only needs to see "run down".
        Platform.store(layout.gate, State.active, ordering: .relaxed)
    }

    /// Fast path of ``isRunDown(_:busy:)``: the gate alone.
    @inlinable
    package static func fastIsRunDown(_ layout: CacheAwareLayout, busy: RundownMisuse) throws(RundownMisuse) -> Bool {
        let gate = Platform.load(layout.gate, ordering: .relaxed)
        if gate == 0 { return false }
        if gate != State.active { throw busy }
        return true
    }

    /// Fast path of ``outstanding(_:)``: the slot sum of a live ref.
    package static func fastOutstanding(_ layout: CacheAwareLayout) throws(RundownMisuse) -> Int {
        if try fastIsRunDown(layout, busy: .waitInProgress) { return 0 }
        var total: UInt = 0
        for index in 0..<layout.count {
            total &+= Platform.load(layout.slot(index), ordering: .relaxed)
        }
        return State.count(ofLive: total)
    }
}
