import Synchronization

/// The plain ref's entry points in production: ``RundownRef`` and the `Ex*` C names.
@usableFromInline
typealias PlainEntry = PlainEntryPoints<SystemPlatform>

/// The plain ref's entry points: the always-on argument checks, the checked-mode bookkeeping,
/// then the algorithm. Generic over the platform so that a testing engine runs exactly this
/// code, checks included, on its controlled platform.
///
/// The algorithm throws what went wrong (a ``RundownMisuse``); these entry points know where:
/// they report it with the call's name and the ref's address.
@usableFromInline
package enum PlainEntryPoints<Platform: RundownPlatform> {
    /// The algorithm these entry points run.
    @usableFromInline
    package typealias Algorithm = PlainRundown<Platform>

    /// Initialise caller memory (a C `EX_RUNDOWN_REF`, or a Swift object's word).
    package static func initialize(_ word: RundownWord, origin: RundownOrigin, call: StaticString) {
        let ref = UnsafeRawPointer(word)
        if Platform.isChecked { RundownShadow.register(ref, origin: origin, call: call) }
        Algorithm.initialize(word)
    }

    /// Acquire: count checks, then the algorithm, then the shadow record (see ``RundownProtection/acquire(count:)``).
    @inlinable @inline(__always)
    package static func acquire(_ word: RundownWord, count: Int, call: StaticString) -> Bool {
        let ref = UnsafeRawPointer(word)
        let acquired: Bool
        do throws(RundownMisuse) {
            let delta = try RundownWordState.delta(for: count)
            acquired = try Algorithm.acquire(word, delta: delta, checkTotal: true)
        } catch {
            RundownMisuse.report(error, call: call, ref: ref)
        }
        if _slowPath(Platform.isChecked) && acquired { RundownShadow.didAcquire(ref, count: count, call: call) }
        return acquired
    }

    /// Release: count checks and the shadow record, then the algorithm (see ``RundownProtection/release(count:)``).
    @inlinable @inline(__always)
    package static func release(_ word: RundownWord, count: Int, call: StaticString) {
        let ref = UnsafeRawPointer(word)
        do throws(RundownMisuse) {
            let delta = try RundownWordState.delta(for: count)
            if _slowPath(Platform.isChecked) { RundownShadow.willRelease(ref, count: count, call: call) }
            try Algorithm.release(word, delta: delta, checkTotal: true)
        } catch {
            RundownMisuse.report(error, call: call, ref: ref)
        }
    }

    /// Wait for rundown, with the shadow record of the wait (see ``RundownProtection/waitForRelease()``).
    package static func waitForRelease(_ word: RundownWord, call: StaticString) {
        let ref = UnsafeRawPointer(word)
        let checked = Platform.isChecked
        if checked { RundownShadow.willWait(ref, call: call) }
        // The report runs inside the block's scope (see WaitBlock.withTemporary).
        WaitBlock.withTemporary { block in
            do throws(RundownMisuse) {
                try Algorithm.waitForRelease(word, block: block)
            } catch {
                RundownMisuse.report(error, call: call, ref: ref)
            }
        }
        if checked { RundownShadow.didWait(ref, call: call) }
    }

    /// Mark completed after a wait (see ``RundownProtection/rundownCompleted()``).
    package static func rundownCompleted(_ word: RundownWord, call: StaticString) {
        let ref = UnsafeRawPointer(word)
        if Platform.isChecked { RundownShadow.willComplete(ref, call: call) }
        do throws(RundownMisuse) {
            try Algorithm.rundownCompleted(word)
        } catch {
            RundownMisuse.report(error, call: call, ref: ref)
        }
    }

    /// Open again after a wait (see ``RundownProtection/reinitialize()``).
    package static func reinitialize(_ word: RundownWord, call: StaticString) {
        let ref = UnsafeRawPointer(word)
        if Platform.isChecked { RundownShadow.willReinitialize(ref, call: call) }
        do throws(RundownMisuse) {
            try Algorithm.reinitialize(word)
        } catch {
            RundownMisuse.report(error, call: call, ref: ref)
        }
    }
}
