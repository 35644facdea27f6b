import Rundown
import Synchronization

/// Any kind of ref, driven through the library's entry points on `Platform`: the one place in
/// the testing tools that chooses between the plain and the cache-aware entry points and names
/// each call by its Windows name (the name misuse reports carry).
///
/// A ref is a raw pointer: a plain ref's word, or a cache-aware ref's header. Every call takes
/// the ``RefKind`` it was made with.
package enum AnyRundownRef<Platform: RundownPlatform> {
    package typealias Plain = PlainEntryPoints<Platform>
    package typealias CacheAware = CacheAwareEntryPoints<Platform>

    /// The bytes of caller memory a ref of `kind` takes (0 for an allocated ref).
    package static func callerMemorySize(_ kind: RefKind) -> Int {
        switch kind {
        case .plain: MemoryLayout<UInt>.size
        case .cacheAwareCallerMemory: CacheAware.sizeOf
        case .cacheAwareAllocated: 0
        }
    }

    /// A new, initialised ref of `kind`: caller memory (zeroed, aligned to `alignment`) for the
    /// caller-memory kinds, the pool under `tag` for an allocated one (nil when the pool fails).
    package static func create(_ kind: RefKind, tag: PoolTag, alignment: Int = MemoryLayout<UInt>.alignment)
        -> UnsafeMutableRawPointer?
    {
        guard kind.usesCallerMemory else {
            return CacheAware.allocate(poolType: .nonPaged, tag: tag, call: "ExAllocateCacheAwareRundownProtection")
        }
        let size = callerMemorySize(kind)
        let memory = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: alignment)
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        initialize(kind, memory, size: size)
        return memory
    }

    /// Initialises `ref` in place (`size` bytes; a plain ref's word has no size).
    package static func initialize(_ kind: RefKind, _ ref: UnsafeMutableRawPointer, size: Int) {
        if kind == .plain {
            Plain.initialize(
                ref.bindMemory(to: Atomic<UInt>.self, capacity: 1), origin: .callerMemory,
                call: "ExInitializeRundownProtection")
        } else {
            CacheAware.initialize(
                ref, size: size, origin: .callerMemory, call: "ExInitializeRundownProtectionCacheAware")
        }
    }

    @inlinable @inline(__always)
    package static func acquire(_ kind: RefKind, _ ref: UnsafeMutableRawPointer, count: Int) -> Bool {
        if kind == .plain {
            return Plain.acquire(word(ref), count: count, call: "ExAcquireRundownProtectionEx")
        }
        return CacheAware.acquire(
            ref, CacheAwareLayout(header: ref), count: count, call: "ExAcquireRundownProtectionCacheAwareEx")
    }

    @inlinable @inline(__always)
    package static func release(_ kind: RefKind, _ ref: UnsafeMutableRawPointer, count: Int) {
        if kind == .plain {
            Plain.release(word(ref), count: count, call: "ExReleaseRundownProtectionEx")
        } else {
            CacheAware.release(
                ref, CacheAwareLayout(header: ref), count: count, call: "ExReleaseRundownProtectionCacheAwareEx")
        }
    }

    package static func waitForRelease(_ kind: RefKind, _ ref: UnsafeMutableRawPointer) {
        if kind == .plain {
            Plain.waitForRelease(word(ref), call: "ExWaitForRundownProtectionRelease")
        } else {
            CacheAware.waitForRelease(
                ref, CacheAwareLayout(header: ref), call: "ExWaitForRundownProtectionReleaseCacheAware")
        }
    }

    package static func rundownCompleted(_ kind: RefKind, _ ref: UnsafeMutableRawPointer) {
        if kind == .plain {
            Plain.rundownCompleted(word(ref), call: "ExRundownCompleted")
        } else {
            CacheAware.rundownCompleted(ref, CacheAwareLayout(header: ref), call: "ExRundownCompletedCacheAware")
        }
    }

    package static func reinitialize(_ kind: RefKind, _ ref: UnsafeMutableRawPointer) {
        if kind == .plain {
            Plain.reinitialize(word(ref), call: "ExReInitializeRundownProtection")
        } else {
            CacheAware.reinitialize(
                ref, CacheAwareLayout(header: ref), call: "ExReInitializeRundownProtectionCacheAware")
        }
    }

    /// `ExFreeCacheAwareRundownProtection` on a cache-aware header (a misuse on caller memory).
    package static func free(_ ref: UnsafeMutableRawPointer) {
        CacheAware.free(ref, call: "ExFreeCacheAwareRundownProtection")
    }

    /// Gives back what ``create(_:tag:alignment:)`` made: Free for an allocated ref, the caller
    /// memory otherwise. The ref must be run down with nothing outstanding.
    package static func destroy(_ kind: RefKind, _ ref: UnsafeMutableRawPointer) {
        if kind.usesCallerMemory { ref.deallocate() } else { free(ref) }
    }

    @inlinable @inline(__always)
    package static func word(_ ref: UnsafeMutableRawPointer) -> RundownWord {
        ref.assumingMemoryBound(to: Atomic<UInt>.self)
    }
}
