import Synchronization

/// A plain rundown ref (the Windows `EX_RUNDOWN_REF`): one word that every accessor updates.
///
/// Cheapest when few threads use it at once; under many cores prefer ``CacheAwareRundownRef``,
/// which gives each CPU its own slot.
///
///     let ref = RundownRef()
///     // accessor, any thread
///     if let value = ref.withProtection({ object.read() }) { use(value) }
///     // owner
///     ref.waitForRelease()   // nobody uses the object from here on
///     object.free()
public final class RundownRef: RundownProtection, @unchecked Sendable {
    // @unchecked Sendable: the only state is the word, touched through atomic operations only.
    @usableFromInline let word: RundownWord

    /// A live ref with no protections.
    public init() {
        word = .allocate(capacity: 1)
        word.initialize(to: Atomic(0))
        PlainEntry.initialize(word, origin: .swiftObject, call: "RundownRef.init()")
    }

    deinit {
        if RundownChecking.isEnabled { RundownShadow.forget(word) }
        word.deinitialize(count: 1)
        word.deallocate()
    }

    // acquire() and release() repeat RundownProtection's extension on purpose: declared on the
    // concrete class they inline into the caller; through the protocol they were a witness call.

    /// Adds one protection unless rundown has begun. See ``acquire(count:)``.
    @inlinable @inline(__always)
    public func acquire() -> Bool { acquire(count: 1) }

    /// Drops one protection. See ``release(count:)``.
    @inlinable @inline(__always)
    public func release() { release(count: 1) }

    @inlinable @inline(__always)
    public func acquire(count: Int) -> Bool {
        PlainEntry.acquire(word, count: count, call: "RundownRef.acquire(count:)")
    }

    @inlinable @inline(__always)
    public func release(count: Int) {
        PlainEntry.release(word, count: count, call: "RundownRef.release(count:)")
    }

    public func waitForRelease() {
        PlainEntry.waitForRelease(word, call: "RundownRef.waitForRelease()")
    }

    public func rundownCompleted() {
        PlainEntry.rundownCompleted(word, call: "RundownRef.rundownCompleted()")
    }

    public func reinitialize() {
        PlainEntry.reinitialize(word, call: "RundownRef.reinitialize()")
    }
}
