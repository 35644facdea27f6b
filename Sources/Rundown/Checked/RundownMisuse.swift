/// A way of breaking the rundown contract (docs/semantics.md, "Misuse and its reports").
///
/// The library stops the process with ``report(_:call:ref:)`` when it detects one. The cheap
/// checks (counts, sizes, pool types, state checks on the cold operations) run in every build;
/// the others need the checked mode (``RundownChecking``).
///
/// The algorithm throws a misuse (it knows *what* went wrong); the entry points catch it and
/// report it with the call's name and the ref (they know *where*).
///
/// Package access: to the library's users a misuse is the process stopping with the message
/// (docs/semantics.md); the kinds and the interceptor are the testing engines' business.
@usableFromInline
package enum RundownMisuse: Error, Equatable, Sendable, CustomStringConvertible {
    /// A release that would take the total count below zero.
    case releaseWithoutAcquire(released: Int, outstanding: Int)
    /// A release on a ref that is run down with nothing outstanding.
    case releaseAfterRundown(released: Int)
    /// A wait while another wait on the same ref is in progress.
    case secondWaiter
    /// Any call on a cache-aware ref after it was freed.
    case useAfterFree
    /// Initialize on a ref that is live with protections outstanding (or being waited on).
    case initializeLiveRef(outstanding: Int)
    /// `rundownCompleted` on a ref that was never waited on.
    case completedWithoutWait(outstanding: Int)
    /// `reinitialize` on a ref that was never waited on.
    case reinitializeWithoutWait(outstanding: Int)
    /// `rundownCompleted`, `reinitialize` or free while a wait is in progress.
    case waitInProgress
    /// Free while protections are outstanding.
    case freeWithProtectionsOutstanding(outstanding: Int)
    /// Free of a ref initialised in caller memory.
    case freeCallerInitialized
    /// Free of memory that Allocate did not return.
    case freeNotAllocated
    /// Initialize with fewer bytes than `sizeOf`.
    case sizeTooSmall(given: Int, needed: Int)
    /// An acquire or release count of zero.
    case zeroCount
    /// A count, or a total count, that does not fit.
    case countOverflow(count: Int)
    /// Allocate with a pool type that is not one of the Windows pool types.
    case invalidPoolType(Int32)
    /// Caller memory that is not aligned to a pointer.
    case misalignedMemory

    @usableFromInline
    package var description: String {
        switch self {
        case let .releaseWithoutAcquire(released, outstanding):
            return "release without a matching acquire: releasing \(released) with \(outstanding) outstanding"
        case let .releaseAfterRundown(released):
            return
                "release of \(released) on a ref that is already run down with nothing outstanding (release without a matching acquire)"
        case .secondWaiter:
            return "a second waiter while a wait on this ref is in progress (only one thread may wait)"
        case .useAfterFree:
            return "use after free: this cache-aware ref was freed by ExFreeCacheAwareRundownProtection"
        case let .initializeLiveRef(outstanding):
            return
                "initialize on a live ref with \(outstanding) protection(s) outstanding (the count would later underflow and a wait would hang)"
        case let .completedWithoutWait(outstanding):
            return
                "rundown completed without a preceding wait (the ref is live, \(outstanding) protection(s) outstanding)"
        case let .reinitializeWithoutWait(outstanding):
            return "reinitialize without a preceding wait (the ref is live, \(outstanding) protection(s) outstanding)"
        case .waitInProgress:
            return "called while a wait on this ref is in progress (protections are still outstanding)"
        case let .freeWithProtectionsOutstanding(outstanding):
            return "free while \(outstanding) protection(s) are outstanding (wait for rundown first)"
        case .freeCallerInitialized:
            return
                "free of a ref initialised in caller memory (only refs from ExAllocateCacheAwareRundownProtection may be freed)"
        case .freeNotAllocated:
            return "free of memory that ExAllocateCacheAwareRundownProtection did not return"
        case let .sizeTooSmall(given, needed):
            return "size \(given) is smaller than ExSizeOfRundownProtectionCacheAware() = \(needed)"
        case .zeroCount:
            return "count must be at least 1"
        case let .countOverflow(count):
            return "count \(count) would overflow the protection count"
        case let .invalidPoolType(value):
            return "pool type \(value) is not a Windows POOL_TYPE"
        case .misalignedMemory:
            return "caller memory must be aligned to \(MemoryLayout<UInt>.alignment) bytes"
        }
    }

    /// Stops the process with a message naming the call, the ref and what was wrong.
    ///
    /// - Parameters:
    ///   - call: the routine the caller used, by the name the caller used (Swift or Windows).
    ///   - ref: the ref's address (the word of a plain ref, the header of a cache-aware ref).
    @inline(never) @usableFromInline
    package static func report(_ misuse: RundownMisuse, call: StaticString, ref: UnsafeRawPointer?) -> Never {
        if let interceptor { interceptor(misuse, call, ref) }
        fatalError(message(misuse, call: call, ref: ref))
    }

    /// The report's text: the call, the ref and what was wrong.
    package static func message(_ misuse: RundownMisuse, call: StaticString, ref: UnsafeRawPointer?) -> String {
        "rundown misuse in \(call) on \(ref.map { "ref \($0)" } ?? "ref nil"): \(misuse)"
    }

    /// For testing engines only: called instead of stopping the process. It must not return
    /// (an engine abandons the logical thread that committed the misuse). Set it before any
    /// thread uses the library, and only from single-threaded engines.
    nonisolated(unsafe) package static var interceptor: ((RundownMisuse, StaticString, UnsafeRawPointer?) -> Never)?
}
