import Synchronization

/// The rundown algorithm on one word: the plain ref, and each slot of a cache-aware ref.
///
/// Written once, generic over the platform seam. The fast paths (acquire, release while live)
/// are inlined into the caller; rundown itself (wait, release during rundown) is out of line.
///
/// The algorithm says *what* went wrong: a misuse is thrown as a ``RundownMisuse``, and the
/// entry points (``PlainEntryPoints``, ``CacheAwareEntryPoints``) report it with the call's
/// name and the ref. Typed throws cost nothing on the fast paths: inlined, a throw is a branch
/// to the entry point's report.
@usableFromInline
package enum PlainRundown<Platform: RundownPlatform> {
    /// The word encoding.
    @usableFromInline
    package typealias State = RundownWordState

    /// Sets a plain ref's word to live with no protections.
    @inlinable
    package static func initialize(_ word: RundownWord) {
        // Releasing: whatever the owner prepared before initialising is visible to accessors
        // whose acquiring CAS reads this value.
        Platform.store(word, 0, ordering: .releasing)
    }

    /// Adds `delta / 2` protections unless rundown has begun; all or nothing.
    ///
    /// - Parameter checkTotal: throw if the count would leave `Int` range. True for a plain ref;
    ///   false for a cache-aware slot, whose value legitimately wraps.
    @inlinable @inline(__always)
    package static func acquire(_ word: RundownWord, delta: UInt, checkTotal: Bool) throws(RundownMisuse) -> Bool {
        var current = Platform.load(word, ordering: .relaxed)
        while true {
            if current & State.active != 0 && Platform.fault != .acquireIgnoresActive { return false }
            if checkTotal && _slowPath(current > State.maxPlainWord &- delta) {
                throw .countOverflow(count: Int(delta >> State.countShift))
            }
            // Acquiring on success: the caller's accesses to the protected object cannot move
            // above the point where protection was granted. Relaxed on failure: we only retry.
            let (exchanged, original) = Platform.compareExchange(
                word, expected: current, desired: current &+ delta,
                successOrdering: .acquiring, failureOrdering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    /// Drops `delta / 2` protections.
    ///
    /// - Parameters:
    ///   - checkTotal: throw if the count would go below zero. True for a plain ref; false for a
    ///     cache-aware slot (a release may land on another CPU's slot).
    ///   - firstSlot: for a cache-aware slot, slot 0 of its ref (see ``releaseDuringRundown``).
    @inlinable @inline(__always)
    package static func release(
        _ word: RundownWord, delta: UInt, checkTotal: Bool, firstSlot: RundownWord? = nil
    ) throws(RundownMisuse) {
        var current = Platform.load(word, ordering: .relaxed)
        var firstPass = true
        while true {
            if current & State.active != 0 && (firstPass || Platform.fault != .releaseRetrySkipsActiveCheck) {
                try releaseDuringRundown(word, delta: delta, firstSlot: firstSlot)
                return
            }
            firstPass = false
            if checkTotal && _slowPath(current < delta) {
                throw .releaseWithoutAcquire(
                    released: Int(delta >> State.countShift), outstanding: State.count(ofLive: current))
            }
            // Releasing on success: the accessor's writes to the object are visible to the owner
            // before the count drops (pairs with the waiter's acquiring CAS / event wait).
            let (exchanged, original) = Platform.compareExchange(
                word, expected: current, desired: current &- delta,
                successOrdering: .releasing, failureOrdering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    /// The release path once rundown has begun: drain the waiter's wait block.
    ///
    /// A word that is exactly run down has no wait block. On a cache-aware ref that means either
    /// a stray release (misuse) or a reinitialisation in progress: the owner resets slot 0
    /// first, so a protection acquired on an already reset slot can be released on slot 0
    /// while this slot still waits for its reset. Only when slot 0 is run down too is the
    /// release a misuse.
    @inline(never) @usableFromInline
    package static func releaseDuringRundown(
        _ word: RundownWord, delta: UInt, firstSlot: RundownWord?
    ) throws(RundownMisuse) {
        // Acquiring: pairs with the waiter's releasing CAS that published the block, so the
        // block's count and event are initialised before we touch them.
        let current = Platform.load(word, ordering: Platform.fault == .relaxedBlockLookup ? .relaxed : .acquiring)
        let released = Int(delta >> State.countShift)
        if current & State.active == 0 {
            // A cache-aware slot reset by a reinitialise since the caller looked: live again.
            try release(word, delta: delta, checkTotal: firstSlot == nil, firstSlot: firstSlot)
            return
        }
        if current == State.active {
            if let firstSlot, firstSlot != word {
                try release(firstSlot, delta: delta, checkTotal: false)
                return
            }
            throw .releaseAfterRundown(released: released)
        }
        drain(WaitBlock(marker: current), count: Platform.fault == .drainSubtractsWordDelta ? 2 * released : released)
    }

    /// Subtracts `count` from a wait block; the releaser that reaches exactly zero signals.
    @inlinable
    package static func drain(_ block: WaitBlock, count: Int) {
        // Releasing: this accessor's writes happen before the count drops. Acquiring: the
        // releaser that reaches zero has seen every earlier releaser's writes (they form one
        // release sequence on this word) before it signals the waiter.
        let remaining = Platform.wrappingAdd(
            block.count, 0 &- UInt(bitPattern: count), ordering: .acquiringAndReleasing)
        if remaining == 0 || (remaining == 1 && Platform.fault == .signalBeforeZero) {
            Platform.signalEvent(block.event)
        }
        // From here on the block may be gone: never touch it again.
    }

    /// Blocks new acquires and waits until every protection granted earlier has been released.
    /// Returns at once if nothing is outstanding or the ref is already run down or completed.
    /// On return the word is the plain run-down state (exactly `active`).
    ///
    /// - Parameter block: the wait block, fresh (see ``WaitBlock/withTemporary(_:)``); it stays
    ///   in place until this returns or its misuse has been reported.
    @inline(never)
    package static func waitForRelease(_ word: RundownWord, block: WaitBlock) throws(RundownMisuse) {
        var current = Platform.load(word, ordering: .relaxed)
        while true {
            if current & State.active != 0 {
                if current == State.active { return }  // already run down or completed
                throw .secondWaiter
            }
            let desired: UInt
            if current == 0 {
                desired = State.active
            } else {
                // Relaxed: the block is published by the releasing CAS below.
                let outstanding =
                    Platform.fault == .waitBlockCountNotShifted ? current : UInt(State.count(ofLive: current))
                Platform.store(block.count, outstanding, ordering: .relaxed)
                if Platform.fault != .eventPreparedAfterPublish { Platform.resetEvent(block.event) }
                desired = block.marker
            }
            // Releasing: publishes the initialised block to releasers (their acquiring load).
            // Acquiring: every release that reached this word before now is visible.
            let (exchanged, original) = Platform.compareExchange(
                word, expected: current, desired: desired,
                successOrdering: .acquiringAndReleasing, failureOrdering: .relaxed)
            if !exchanged {
                current = original
                continue
            }
            if current == 0 { return }
            if Platform.fault == .eventPreparedAfterPublish { Platform.resetEvent(block.event) }
            Platform.waitForEvent(block.event)
            // Every releaser read the word before its final decrement and the last decrement
            // preceded the signal we just consumed: nobody reads the old marker any more.
            // Relaxed: a later (stray) reader only needs to see "run down", not our data.
            if Platform.fault != .waitLeavesMarker { Platform.store(word, State.active, ordering: .relaxed) }
            return
        }
    }

    /// Marks a run-down word completed. Throws unless a wait has finished on it.
    @inlinable
    package static func rundownCompleted(_ word: RundownWord) throws(RundownMisuse) {
        try requireRunDown(word, without: RundownMisuse.completedWithoutWait)
        Platform.store(word, State.active, ordering: .relaxed)
    }

    /// Makes a run-down word live again with no protections. Throws unless a wait has finished.
    @inlinable
    package static func reinitialize(_ word: RundownWord) throws(RundownMisuse) {
        try requireRunDown(word, without: RundownMisuse.reinitializeWithoutWait)
        // Releasing: the owner's preparation of the new object is visible to accessors whose
        // acquiring CAS reads this value.
        Platform.store(word, 0, ordering: .releasing)
    }

    /// Throws unless `word` is exactly run down (a wait on it has finished): `misuse` of the live
    /// count, or `waitInProgress`.
    @inlinable
    package static func requireRunDown(_ word: RundownWord, without misuse: (Int) -> RundownMisuse)
        throws(RundownMisuse)
    {
        let current = Platform.load(word, ordering: .relaxed)
        if current & State.active == 0 { throw misuse(State.count(ofLive: current)) }
        if current != State.active { throw .waitInProgress }
    }
}
