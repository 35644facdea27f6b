import Synchronization

/// The cache-aware ref's entry points in production.
@usableFromInline
typealias CacheAwareEntry = CacheAwareEntryPoints<SystemPlatform>

/// The cache-aware ref's entry points, shared by ``CacheAwareRundownRef`` and the `Ex*` C names.
///
/// Each takes the ref's header (its identity) and its layout as an autoclosure: the C names read
/// the layout from the header, and in checked mode that must wait until the shadow has ruled out
/// a freed ref.
///
/// Generic over the platform so that a testing engine runs exactly this code on its controlled
/// platform; production uses ``CacheAwareEntry``. As for the plain ref, the algorithm throws
/// what went wrong and these entry points report it with the call's name and the ref.
@usableFromInline
package enum CacheAwareEntryPoints<Platform: RundownPlatform> {
    /// The algorithm these entry points run.
    @usableFromInline
    package typealias Algorithm = CacheAwareRundown<Platform>

    /// Bytes a ref needs on this platform (a slot per CPU of the platform).
    package static var sizeOf: Int { CacheAwareLayout.sizeOf(cpuCount: Platform.cpuCount) }

    /// Allocates and initialises a ref with a slot per CPU of the platform from the pool; nil if any allocation
    /// fails (nothing leaks then).
    package static func allocate(
        poolType: PoolType, tag: PoolTag, call: StaticString
    ) -> UnsafeMutableRawPointer? {
        if !poolType.isValid { RundownMisuse.report(.invalidPoolType(poolType.rawValue), call: call, ref: nil) }
        let cpus = Platform.cpuCount
        let stride = CacheAwareLayout.stride(cpuCount: cpus)
        guard
            let header = RundownPool.allocate(
                byteCount: CacheAwareLayout.headerSize, alignment: MemoryLayout<UInt>.alignment, tag: tag)
        else {
            return nil
        }
        guard let slots = RundownPool.allocate(byteCount: cpus * stride, alignment: stride, tag: tag) else {
            RundownPool.free(header)
            return nil
        }
        CacheAwareLayout.write(
            CacheAwareLayout(slots: slots, stride: stride, count: cpus, header: header), owner: UInt(bitPattern: slots),
            header: header)
        if Platform.isChecked { RundownShadow.register(header, origin: .allocated, call: call) }
        return header
    }

    /// Initialises a ref in `size` bytes of caller memory at `header`.
    package static func initialize(
        _ header: UnsafeMutableRawPointer, size: Int, origin: RundownOrigin, call: StaticString
    ) {
        if size < sizeOf { RundownMisuse.report(.sizeTooSmall(given: size, needed: sizeOf), call: call, ref: header) }
        if UInt(bitPattern: header) % UInt(MemoryLayout<UInt>.alignment) != 0 {
            RundownMisuse.report(.misalignedMemory, call: call, ref: header)
        }
        if Platform.isChecked { RundownShadow.register(header, origin: origin, call: call) }
        CacheAwareLayout.write(
            CacheAwareLayout.inCallerMemory(header: header, size: size), owner: CacheAwareLayout.callerOwnedSentinel,
            header: header)
    }

    /// Frees a ref from ``allocate(poolType:tag:call:)``. Traps if it was initialised in caller
    /// memory, if protections are outstanding or a wait is in progress.
    package static func free(_ header: UnsafeMutableRawPointer, call: StaticString) {
        if Platform.isChecked { RundownShadow.willFree(header, call: call) }
        let owner = CacheAwareLayout.owner(header: header)
        if owner == CacheAwareLayout.callerOwnedSentinel {
            RundownMisuse.report(.freeCallerInitialized, call: call, ref: header)
        }
        guard let slots = UnsafeMutableRawPointer(bitPattern: owner), RundownPool.owns(header), RundownPool.owns(slots)
        else {
            RundownMisuse.report(.freeNotAllocated, call: call, ref: header)
        }
        let outstanding: Int
        do throws(RundownMisuse) {
            outstanding = try Algorithm.outstanding(CacheAwareLayout(header: header))
        } catch {
            RundownMisuse.report(error, call: call, ref: header)
        }
        if outstanding != 0 {
            RundownMisuse.report(.freeWithProtectionsOutstanding(outstanding: outstanding), call: call, ref: header)
        }
        // In checked mode the memory stays in quarantine for a while, so that a call that races
        // with this Free meets the shadow's use-after-free report rather than reused memory.
        let quarantine = Platform.isChecked
        RundownPool.free(slots, quarantine: quarantine)
        RundownPool.free(header, quarantine: quarantine)
    }

    /// Acquire: count checks, then the algorithm, then the shadow record (see ``RundownProtection/acquire(count:)``).
    @inlinable @inline(__always)
    package static func acquire(
        _ header: UnsafeRawPointer, _ layout: @autoclosure () -> CacheAwareLayout, count: Int, call: StaticString
    ) -> Bool {
        // The common case (fast path, checked mode off) in one section: 0 when it added. Any
        // other answer wrote nothing: a closed gate, or not the common case; the general path
        // below decides again (an acquire refused there is refused twice, at no cost but time).
        do throws(RundownMisuse) {
            if Platform.commonCaseSlotAdd(layout(), try RundownWordState.delta(for: count)) == 0 { return true }
        } catch {
            RundownMisuse.report(error, call: call, ref: header)
        }
        let checked = Platform.isChecked
        let acquired: Bool
        do throws(RundownMisuse) {
            let delta = try RundownWordState.delta(for: count)
            if _slowPath(checked) { RundownShadow.willAcquire(header, call: call) }
            acquired = try Algorithm.acquire(layout(), delta: delta)
        } catch {
            RundownMisuse.report(error, call: call, ref: header)
        }
        if _slowPath(checked) && acquired { RundownShadow.didAcquire(header, count: count, call: call) }
        return acquired
    }

    /// Release: count checks and the shadow record, then the algorithm (see ``RundownProtection/release(count:)``).
    @inlinable @inline(__always)
    package static func release(
        _ header: UnsafeRawPointer, _ layout: @autoclosure () -> CacheAwareLayout, count: Int, call: StaticString
    ) {
        do throws(RundownMisuse) {
            let delta = try RundownWordState.delta(for: count)
            // The common case in one section, as in acquire: a closed gate (the release goes to
            // the wait block) and every other case go the general way.
            if Platform.commonCaseSlotAdd(layout(), 0 &- delta) == 0 { return }
            if _slowPath(Platform.isChecked) { RundownShadow.willRelease(header, count: count, call: call) }
            try Algorithm.release(layout(), delta: delta)
        } catch {
            RundownMisuse.report(error, call: call, ref: header)
        }
    }

    /// Wait for rundown, with the shadow record of the wait (see ``RundownProtection/waitForRelease()``).
    package static func waitForRelease(
        _ header: UnsafeRawPointer, _ layout: @autoclosure () -> CacheAwareLayout, call: StaticString
    ) {
        let checked = Platform.isChecked
        if checked { RundownShadow.willWait(header, call: call) }
        let layout = layout()
        // The report runs inside the block's scope: a second waiter met halfway through the
        // sweep finds the block already published on the slots closed before (WaitBlock.withTemporary).
        WaitBlock.withTemporary { block in
            do throws(RundownMisuse) {
                try Algorithm.waitForRelease(layout, block: block)
            } catch {
                RundownMisuse.report(error, call: call, ref: header)
            }
        }
        if checked { RundownShadow.didWait(header, call: call) }
    }

    /// Mark completed after a wait (see ``RundownProtection/rundownCompleted()``).
    package static func rundownCompleted(
        _ header: UnsafeRawPointer, _ layout: @autoclosure () -> CacheAwareLayout, call: StaticString
    ) {
        if Platform.isChecked { RundownShadow.willComplete(header, call: call) }
        do throws(RundownMisuse) {
            try Algorithm.rundownCompleted(layout())
        } catch {
            RundownMisuse.report(error, call: call, ref: header)
        }
    }

    /// Open again after a wait (see ``RundownProtection/reinitialize()``).
    package static func reinitialize(
        _ header: UnsafeRawPointer, _ layout: @autoclosure () -> CacheAwareLayout, call: StaticString
    ) {
        if Platform.isChecked { RundownShadow.willReinitialize(header, call: call) }
        do throws(RundownMisuse) {
            try Algorithm.reinitialize(layout())
        } catch {
            RundownMisuse.report(error, call: call, ref: header)
        }
    }
}
