import RundownCAPI

// The cache-aware ref under its Windows names, callable from C through `rundown.h`.
// `ref` points to the ref's header: memory from ExAllocateCacheAwareRundownProtection, or
// caller memory of ExSizeOfRundownProtectionCacheAware() bytes.
// Each export is `@c @implementation`: the compiler checks it against the header's declaration.

/// `ExAllocateCacheAwareRundownProtection`: allocate and initialise; NULL if any allocation fails.
@c @implementation
public func ExAllocateCacheAwareRundownProtection(_ poolType: POOL_TYPE, _ poolTag: ULONG)
    -> PEX_RUNDOWN_REF_CACHE_AWARE?
{
    CacheAwareEntry.allocate(
        poolType: PoolType(rawValue: Int32(bitPattern: poolType.rawValue)), tag: PoolTag(rawValue: poolTag),
        call: "ExAllocateCacheAwareRundownProtection"
    ).map(OpaquePointer.init)
}

/// `ExFreeCacheAwareRundownProtection`: free what Allocate returned; rundown must be complete.
@c @implementation
public func ExFreeCacheAwareRundownProtection(_ ref: PEX_RUNDOWN_REF_CACHE_AWARE) {
    CacheAwareEntry.free(UnsafeMutableRawPointer(ref), call: "ExFreeCacheAwareRundownProtection")
}

/// `ExSizeOfRundownProtectionCacheAware`: the bytes Initialize needs.
@c @implementation
public func ExSizeOfRundownProtectionCacheAware() -> SIZE_T {
    CacheAwareEntry.sizeOf
}

/// `ExInitializeRundownProtectionCacheAware`: initialise in caller memory of `size` bytes.
@c @implementation
public func ExInitializeRundownProtectionCacheAware(_ ref: PEX_RUNDOWN_REF_CACHE_AWARE, _ size: SIZE_T) {
    CacheAwareEntry.initialize(
        UnsafeMutableRawPointer(ref), size: size, origin: .callerMemory,
        call: "ExInitializeRundownProtectionCacheAware")
}

/// `ExAcquireRundownProtectionCacheAware`: one protection on the current CPU's slot.
@c @implementation
public func ExAcquireRundownProtectionCacheAware(_ ref: PEX_RUNDOWN_REF_CACHE_AWARE) -> BOOLEAN {
    let header = UnsafeMutableRawPointer(ref)
    return CacheAwareEntry.acquire(
        header, CacheAwareLayout(header: header), count: 1, call: "ExAcquireRundownProtectionCacheAware") ? 1 : 0
}

/// `ExAcquireRundownProtectionCacheAwareEx`: `count` protections, all or nothing.
@c @implementation
public func ExAcquireRundownProtectionCacheAwareEx(_ ref: PEX_RUNDOWN_REF_CACHE_AWARE, _ count: ULONG) -> BOOLEAN {
    let header = UnsafeMutableRawPointer(ref)
    return CacheAwareEntry.acquire(
        header, CacheAwareLayout(header: header), count: Int(count), call: "ExAcquireRundownProtectionCacheAwareEx")
        ? 1 : 0
}

/// `ExReleaseRundownProtectionCacheAware`: drop one protection on the current CPU's slot.
@c @implementation
public func ExReleaseRundownProtectionCacheAware(_ ref: PEX_RUNDOWN_REF_CACHE_AWARE) {
    let header = UnsafeMutableRawPointer(ref)
    CacheAwareEntry.release(
        header, CacheAwareLayout(header: header), count: 1, call: "ExReleaseRundownProtectionCacheAware")
}

/// `ExReleaseRundownProtectionCacheAwareEx`: drop `count` protections on the current CPU's slot.
@c @implementation
public func ExReleaseRundownProtectionCacheAwareEx(_ ref: PEX_RUNDOWN_REF_CACHE_AWARE, _ count: ULONG) {
    let header = UnsafeMutableRawPointer(ref)
    CacheAwareEntry.release(
        header, CacheAwareLayout(header: header), count: Int(count), call: "ExReleaseRundownProtectionCacheAwareEx")
}

/// `ExWaitForRundownProtectionReleaseCacheAware`: close every slot, wait for the sum to drain.
@c @implementation
public func ExWaitForRundownProtectionReleaseCacheAware(_ ref: PEX_RUNDOWN_REF_CACHE_AWARE) {
    let header = UnsafeMutableRawPointer(ref)
    CacheAwareEntry.waitForRelease(
        header, CacheAwareLayout(header: header), call: "ExWaitForRundownProtectionReleaseCacheAware")
}

/// `ExRundownCompletedCacheAware`: after a wait, mark every slot completed.
@c @implementation
public func ExRundownCompletedCacheAware(_ ref: PEX_RUNDOWN_REF_CACHE_AWARE) {
    let header = UnsafeMutableRawPointer(ref)
    CacheAwareEntry.rundownCompleted(header, CacheAwareLayout(header: header), call: "ExRundownCompletedCacheAware")
}

/// `ExReInitializeRundownProtectionCacheAware`: after a wait, every slot back to count 0.
@c @implementation
public func ExReInitializeRundownProtectionCacheAware(_ ref: PEX_RUNDOWN_REF_CACHE_AWARE) {
    let header = UnsafeMutableRawPointer(ref)
    CacheAwareEntry.reinitialize(
        header, CacheAwareLayout(header: header), call: "ExReInitializeRundownProtectionCacheAware")
}
