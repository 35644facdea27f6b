import Synchronization

/// What both rundown refs offer: accessors acquire and release protection, the owner waits for
/// rundown and then tears the protected object down.
///
/// Rundown protection is not a lock: accessors are not serialised with each other. It promises
/// the owner that after ``waitForRelease()`` returns nobody is using the object and nobody will
/// start to.
public protocol RundownProtection: AnyObject, Sendable {
    /// Adds `count` protections unless rundown has begun; all or nothing.
    ///
    /// - Returns: true if granted (use the object, then release the same number, from any
    ///   thread, in one or several releases); false once rundown has begun or completed.
    /// - Precondition: `count` is in 1 ... `UInt32.max` (traps otherwise, in every build).
    func acquire(count: Int) -> Bool

    /// Drops `count` protections granted earlier, possibly on another thread than the acquire.
    ///
    /// - Precondition: `count` protections are outstanding (traps in checked mode, and in every
    ///   build when it is visible on the ref's word).
    func release(count: Int)

    /// Blocks new acquires and sleeps until every protection granted earlier is released.
    /// Returns at once if nothing is outstanding, or if the ref is already run down or completed.
    /// Only one thread may wait on a ref at a time (a second waiter traps).
    func waitForRelease()

    /// Marks a run-down ref completed, so further waits return at once.
    ///
    /// - Precondition: a wait on the ref has returned (traps otherwise).
    func rundownCompleted()

    /// Makes a run-down ref guard a new object: acquires succeed again.
    ///
    /// - Precondition: a wait on the ref has returned, completed or not (traps otherwise).
    func reinitialize()
}

extension RundownProtection {
    /// Adds one protection unless rundown has begun. See ``acquire(count:)``.
    @inlinable @inline(__always)
    public func acquire() -> Bool { acquire(count: 1) }

    /// Drops one protection. See ``release(count:)``.
    @inlinable @inline(__always)
    public func release() { release(count: 1) }

    /// Runs `body` under one protection and releases it afterwards, even if `body` throws.
    ///
    /// - Returns: `body`'s result, or nil without running `body` when rundown has begun.
    @inlinable
    public func withProtection<Result>(_ body: () throws -> Result) rethrows -> Result? {
        guard acquire(count: 1) else { return nil }
        defer { release(count: 1) }
        return try body()
    }
}
