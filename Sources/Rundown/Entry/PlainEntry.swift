import Synchronization

/// The plain ref's entry points, shared by ``RundownRef`` and the `Ex*` C names: the always-on
/// argument checks, the checked-mode bookkeeping, then the algorithm on the production platform.
@usableFromInline
enum PlainEntry {
    @usableFromInline typealias Algorithm = PlainRundown<SystemPlatform>

    /// Initialise caller memory (a C `EX_RUNDOWN_REF`, or a Swift object's word).
    static func initialize(_ word: RundownWord, origin: RundownShadow.Origin, call: StaticString) {
        let ref = UnsafeRawPointer(word)
        if RundownChecking.isEnabled { RundownShadow.register(ref, kind: .plain, origin: origin, call: call) }
        Algorithm.initialize(word)
    }

    @inlinable @inline(__always)
    static func acquire(_ word: RundownWord, count: Int, call: StaticString) -> Bool {
        let ref = UnsafeRawPointer(word)
        let delta = RundownWordState.delta(for: count, call: call, ref: ref)
        let acquired = Algorithm.acquire(word, delta: delta, checkTotal: true, call: call, ref: ref)
        if _slowPath(RundownChecking.isEnabled) && acquired { RundownShadow.didAcquire(ref, count: count, call: call) }
        return acquired
    }

    @inlinable @inline(__always)
    static func release(_ word: RundownWord, count: Int, call: StaticString) {
        let ref = UnsafeRawPointer(word)
        let delta = RundownWordState.delta(for: count, call: call, ref: ref)
        if _slowPath(RundownChecking.isEnabled) { RundownShadow.willRelease(ref, count: count, call: call) }
        Algorithm.release(word, delta: delta, checkTotal: true, call: call, ref: ref)
    }

    static func waitForRelease(_ word: RundownWord, call: StaticString) {
        let ref = UnsafeRawPointer(word)
        let checked = RundownChecking.isEnabled
        if checked { RundownShadow.willWait(ref, call: call) }
        Algorithm.waitForRelease(word, call: call, ref: ref)
        if checked { RundownShadow.didWait(ref, call: call) }
    }

    static func rundownCompleted(_ word: RundownWord, call: StaticString) {
        let ref = UnsafeRawPointer(word)
        if RundownChecking.isEnabled { RundownShadow.willComplete(ref, call: call) }
        Algorithm.rundownCompleted(word, call: call, ref: ref)
    }

    static func reinitialize(_ word: RundownWord, call: StaticString) {
        let ref = UnsafeRawPointer(word)
        if RundownChecking.isEnabled { RundownShadow.willReinitialize(ref, call: call) }
        Algorithm.reinitialize(word, call: call, ref: ref)
    }
}
