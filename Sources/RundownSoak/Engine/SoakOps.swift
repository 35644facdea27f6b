import Rundown
import Synchronization

/// The library calls a soak run makes, for each kind of ref, on platform `P`: the production
/// platform for the real implementation (so the soak runs exactly what users run), or the
/// real-thread platform of the testing engine when a negative control is on.
enum SoakOps<P: RundownPlatform> {
    typealias Plain = PlainEntryPoints<P>
    typealias CacheAware = CacheAwareEntryPoints<P>

    /// The pool tag of every ref a soak run allocates (the leak check at the end counts it).
    static var tag: PoolTag { "Soak" }

    /// A new, initialised ref of `kind`: a plain word or a cache-aware header.
    static func create(_ kind: SoakRefKind) -> UnsafeMutableRawPointer {
        switch kind {
        case .plain:
            let word = UnsafeMutableRawPointer.allocate(byteCount: MemoryLayout<UInt>.size, alignment: MemoryLayout<UInt>.alignment)
            Plain.initialize(word.bindMemory(to: Atomic<UInt>.self, capacity: 1), origin: .callerMemory, call: "ExInitializeRundownProtection")
            return word
        case .cacheAwareCallerMemory:
            let size = CacheAware.sizeOf
            let memory = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 128)
            CacheAware.initialize(memory, size: size, origin: .callerMemory, call: "ExInitializeRundownProtectionCacheAware")
            return memory
        case .cacheAwareAllocated:
            guard let header = CacheAware.allocate(poolType: .nonPaged, tag: tag, call: "ExAllocateCacheAwareRundownProtection") else {
                fatalError("rundown-soak: ExAllocateCacheAwareRundownProtection returned NULL (out of memory?)")
            }
            return header
        }
    }

    /// Frees a ref from ``create(_:)``; it must be run down with nothing outstanding.
    static func destroy(_ kind: SoakRefKind, _ ref: UnsafeMutableRawPointer) {
        switch kind {
        case .plain, .cacheAwareCallerMemory: ref.deallocate()
        case .cacheAwareAllocated: CacheAware.free(ref, call: "ExFreeCacheAwareRundownProtection")
        }
    }

    @inline(__always)
    static func acquire(_ kind: SoakRefKind, _ ref: UnsafeMutableRawPointer, count: Int) -> Bool {
        if kind == .plain {
            return Plain.acquire(ref.assumingMemoryBound(to: Atomic<UInt>.self), count: count, call: "ExAcquireRundownProtectionEx")
        }
        return CacheAware.acquire(ref, CacheAwareLayout(header: ref), count: count, call: "ExAcquireRundownProtectionCacheAwareEx")
    }

    @inline(__always)
    static func release(_ kind: SoakRefKind, _ ref: UnsafeMutableRawPointer, count: Int) {
        if kind == .plain {
            Plain.release(ref.assumingMemoryBound(to: Atomic<UInt>.self), count: count, call: "ExReleaseRundownProtectionEx")
        } else {
            CacheAware.release(ref, CacheAwareLayout(header: ref), count: count, call: "ExReleaseRundownProtectionCacheAwareEx")
        }
    }

    static func wait(_ kind: SoakRefKind, _ ref: UnsafeMutableRawPointer) {
        if kind == .plain {
            Plain.waitForRelease(ref.assumingMemoryBound(to: Atomic<UInt>.self), call: "ExWaitForRundownProtectionRelease")
        } else {
            CacheAware.waitForRelease(ref, CacheAwareLayout(header: ref), call: "ExWaitForRundownProtectionReleaseCacheAware")
        }
    }

    static func completed(_ kind: SoakRefKind, _ ref: UnsafeMutableRawPointer) {
        if kind == .plain {
            Plain.rundownCompleted(ref.assumingMemoryBound(to: Atomic<UInt>.self), call: "ExRundownCompleted")
        } else {
            CacheAware.rundownCompleted(ref, CacheAwareLayout(header: ref), call: "ExRundownCompletedCacheAware")
        }
    }

    static func reinitialize(_ kind: SoakRefKind, _ ref: UnsafeMutableRawPointer) {
        if kind == .plain {
            Plain.reinitialize(ref.assumingMemoryBound(to: Atomic<UInt>.self), call: "ExReInitializeRundownProtection")
        } else {
            CacheAware.reinitialize(ref, CacheAwareLayout(header: ref), call: "ExReInitializeRundownProtectionCacheAware")
        }
    }
}
