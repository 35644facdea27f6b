import _RundownShims

/// The checked-mode switch.
///
/// In checked mode every entry point also updates a shadow record of its ref (outstanding count,
/// phase, origin), so that the misuses a single word cannot reveal are caught: a release without
/// an acquire on a cache-aware ref, use after free, initialize on a live ref. It costs a lock per
/// call, so it is on by default only in debug builds; set `RUNDOWN_CHECKED=1` (or `0`) in the
/// environment, or ``isEnabled`` before creating refs, to choose in any build.
///
/// Refs initialised while checking was off are not tracked and are not checked later.
public enum RundownChecking {
    /// Whether entry points run the checked-mode bookkeeping.
    @inlinable
    public static var isEnabled: Bool {
        get { rundown_checked_mode() != 0 }
        set { rundown_set_checked_mode(newValue ? 1 : 0) }
    }

    /// Stops tracking `ref` (and forgets that it was freed). For testing engines that abandon
    /// refs mid-way and reuse their memory; never needed in ordinary use, hence package access.
    package static func forgetShadow(of ref: UnsafeRawPointer) {
        RundownShadow.forget(ref)
    }
}
