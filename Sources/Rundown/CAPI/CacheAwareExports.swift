// The cache-aware ref under its Windows names, callable from C through `rundown.h`.
// `ref` points to the ref's header: memory from ExAllocateCacheAwareRundownProtection, or
// caller memory of ExSizeOfRundownProtectionCacheAware() bytes.

/// `ExAllocateCacheAwareRundownProtection`: allocate and initialise; NULL if any allocation fails.
@_cdecl("ExAllocateCacheAwareRundownProtection")
public func ExAllocateCacheAwareRundownProtection(_ poolType: Int32, _ poolTag: UInt32) -> UnsafeMutableRawPointer? {
    CacheAwareEntry.allocate(
        poolType: PoolType(rawValue: poolType), tag: PoolTag(rawValue: poolTag),
        call: "ExAllocateCacheAwareRundownProtection")
}

/// `ExFreeCacheAwareRundownProtection`: free what Allocate returned; rundown must be complete.
@_cdecl("ExFreeCacheAwareRundownProtection")
public func ExFreeCacheAwareRundownProtection(_ ref: UnsafeMutableRawPointer) {
    CacheAwareEntry.free(ref, call: "ExFreeCacheAwareRundownProtection")
}

/// `ExSizeOfRundownProtectionCacheAware`: the bytes Initialize needs.
@_cdecl("ExSizeOfRundownProtectionCacheAware")
public func ExSizeOfRundownProtectionCacheAware() -> Int {
    CacheAwareEntry.sizeOf
}

/// `ExInitializeRundownProtectionCacheAware`: initialise in caller memory of `size` bytes.
@_cdecl("ExInitializeRundownProtectionCacheAware")
public func ExInitializeRundownProtectionCacheAware(_ ref: UnsafeMutableRawPointer, _ size: Int) {
    CacheAwareEntry.initialize(ref, size: size, origin: .callerMemory, call: "ExInitializeRundownProtectionCacheAware")
}

/// `ExAcquireRundownProtectionCacheAware`: one protection on the current CPU's slot.
@_cdecl("ExAcquireRundownProtectionCacheAware")
public func ExAcquireRundownProtectionCacheAware(_ ref: UnsafeMutableRawPointer) -> UInt8 {
    CacheAwareEntry.acquire(ref, CacheAwareLayout(header: ref), count: 1, call: "ExAcquireRundownProtectionCacheAware")
        ? 1 : 0
}

/// `ExAcquireRundownProtectionCacheAwareEx`: `count` protections, all or nothing.
@_cdecl("ExAcquireRundownProtectionCacheAwareEx")
public func ExAcquireRundownProtectionCacheAwareEx(_ ref: UnsafeMutableRawPointer, _ count: UInt32) -> UInt8 {
    CacheAwareEntry.acquire(
        ref, CacheAwareLayout(header: ref), count: Int(count), call: "ExAcquireRundownProtectionCacheAwareEx") ? 1 : 0
}

/// `ExReleaseRundownProtectionCacheAware`: drop one protection on the current CPU's slot.
@_cdecl("ExReleaseRundownProtectionCacheAware")
public func ExReleaseRundownProtectionCacheAware(_ ref: UnsafeMutableRawPointer) {
    CacheAwareEntry.release(ref, CacheAwareLayout(header: ref), count: 1, call: "ExReleaseRundownProtectionCacheAware")
}

/// `ExReleaseRundownProtectionCacheAwareEx`: drop `count` protections on the current CPU's slot.
@_cdecl("ExReleaseRundownProtectionCacheAwareEx")
public func ExReleaseRundownProtectionCacheAwareEx(_ ref: UnsafeMutableRawPointer, _ count: UInt32) {
    CacheAwareEntry.release(
        ref, CacheAwareLayout(header: ref), count: Int(count), call: "ExReleaseRundownProtectionCacheAwareEx")
}

/// `ExWaitForRundownProtectionReleaseCacheAware`: close every slot, wait for the sum to drain.
@_cdecl("ExWaitForRundownProtectionReleaseCacheAware")
public func ExWaitForRundownProtectionReleaseCacheAware(_ ref: UnsafeMutableRawPointer) {
    CacheAwareEntry.waitForRelease(
        ref, CacheAwareLayout(header: ref), call: "ExWaitForRundownProtectionReleaseCacheAware")
}

/// `ExRundownCompletedCacheAware`: after a wait, mark every slot completed.
@_cdecl("ExRundownCompletedCacheAware")
public func ExRundownCompletedCacheAware(_ ref: UnsafeMutableRawPointer) {
    CacheAwareEntry.rundownCompleted(ref, CacheAwareLayout(header: ref), call: "ExRundownCompletedCacheAware")
}

/// `ExReInitializeRundownProtectionCacheAware`: after a wait, every slot back to count 0.
@_cdecl("ExReInitializeRundownProtectionCacheAware")
public func ExReInitializeRundownProtectionCacheAware(_ ref: UnsafeMutableRawPointer) {
    CacheAwareEntry.reinitialize(ref, CacheAwareLayout(header: ref), call: "ExReInitializeRundownProtectionCacheAware")
}
