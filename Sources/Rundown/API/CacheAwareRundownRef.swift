import Synchronization

/// A cache-aware rundown ref (the Windows `EX_RUNDOWN_REF_CACHE_AWARE`): one slot per CPU, each
/// on its own cache line, so accessors on different CPUs never write the same line.
///
/// Acquire and release use the current CPU's slot; a release may land on another slot than its
/// acquire (the thread moved), which is correct because only the sum of the slots counts. The
/// owner's wait closes every slot and sleeps until the sum drains.
///
/// Create one from the pool (``init(poolType:tag:)``, nil when allocation fails; freed when the
/// object goes away) or in memory you provide (``init(initializingMemory:)``).
public final class CacheAwareRundownRef: RundownProtection, @unchecked Sendable {
    // @unchecked Sendable: the header is written once before the object is shared; the slots
    // are touched through atomic operations only.
    @usableFromInline let header: UnsafeMutableRawPointer
    @usableFromInline let layout: CacheAwareLayout
    let isAllocated: Bool

    /// Bytes ``init(initializingMemory:)`` needs on this machine (the C
    /// `ExSizeOfRundownProtectionCacheAware()`).
    public static var sizeOf: Int { CacheAwareEntry.sizeOf }

    /// Allocates a ref from `poolType`, accounted to `tag`.
    ///
    /// - Returns: nil if any allocation fails; nothing is left allocated then.
    /// - Precondition: `poolType` is a Windows pool type (traps otherwise).
    public init?(poolType: PoolType = .nonPaged, tag: PoolTag) {
        guard
            let header = CacheAwareEntry.allocate(
                poolType: poolType, tag: tag, call: "CacheAwareRundownRef.init(poolType:tag:)")
        else {
            return nil
        }
        self.header = header
        layout = CacheAwareLayout(header: header)
        isAllocated = true
    }

    /// Initialises a ref in `memory`, which must outlive this object and stay where it is.
    ///
    /// - Precondition: `memory` holds at least ``sizeOf`` bytes and is pointer-aligned (traps
    ///   otherwise, in every build). Extra bytes give extra slots.
    public init(initializingMemory memory: UnsafeMutableRawBufferPointer) {
        guard let base = memory.baseAddress else {
            RundownMisuse.report(
                .sizeTooSmall(given: 0, needed: CacheAwareEntry.sizeOf),
                call: "CacheAwareRundownRef.init(initializingMemory:)", ref: nil)
        }
        CacheAwareEntry.initialize(
            base, size: memory.count, origin: .swiftObject, call: "CacheAwareRundownRef.init(initializingMemory:)")
        header = base
        layout = CacheAwareLayout(header: base)
        isAllocated = false
    }

    deinit {
        if isAllocated {
            CacheAwareEntry.free(header, call: "CacheAwareRundownRef.deinit")
        } else if RundownChecking.isEnabled {
            RundownShadow.forget(header)
        }
    }

    /// Number of CPU slots.
    public var slotCount: Int { layout.count }

    /// Whether this process's cache-aware refs take the fast path: acquire and release as a
    /// restartable sequence on the current CPU's slot, with no locked instruction, and a wait
    /// that closes the ref and runs one process-wide barrier (membarrier). True on Linux x86-64
    /// when glibc registered rseq and the kernel offers the barrier, unless the environment
    /// variable `RUNDOWN_FAST_PATH` is `0`; otherwise every ref takes the compare-exchange path.
    /// Decided once, before `main`: it never changes while the process runs.
    public static var fastPath: Bool { SystemPlatform.fastPath }

    // acquire() and release() repeat RundownProtection's extension on purpose: declared on the
    // concrete class they inline into the caller; through the protocol they were a witness call.

    /// Adds one protection unless rundown has begun. See ``acquire(count:)``.
    @inlinable @inline(__always)
    public func acquire() -> Bool { acquire(count: 1) }

    /// Drops one protection. See ``release(count:)``.
    @inlinable @inline(__always)
    public func release() { release(count: 1) }

    // Both read the layout before the entry point's path test, not in the branch that uses it:
    // a class's `let` fields do not change, so in a caller's loop the optimiser then keeps them in
    // registers across the fast path's sections, whose asm `memory` clobber would otherwise force
    // a reload of all four after every section (docs/benchmarks.md, "Where the time went").

    @inlinable @inline(__always)
    public func acquire(count: Int) -> Bool {
        let layout = self.layout
        return CacheAwareEntry.acquire(header, layout, count: count, call: "CacheAwareRundownRef.acquire(count:)")
    }

    @inlinable @inline(__always)
    public func release(count: Int) {
        let layout = self.layout
        CacheAwareEntry.release(header, layout, count: count, call: "CacheAwareRundownRef.release(count:)")
    }

    public func waitForRelease() {
        CacheAwareEntry.waitForRelease(header, layout, call: "CacheAwareRundownRef.waitForRelease()")
    }

    public func rundownCompleted() {
        CacheAwareEntry.rundownCompleted(header, layout, call: "CacheAwareRundownRef.rundownCompleted()")
    }

    public func reinitialize() {
        CacheAwareEntry.reinitialize(header, layout, call: "CacheAwareRundownRef.reinitialize()")
    }
}
