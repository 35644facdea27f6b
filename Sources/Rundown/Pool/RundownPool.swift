#if canImport(Glibc)
    import Glibc
#endif
import Synchronization

/// Bytes and blocks a pool tag has outstanding.
public struct PoolUsage: Equatable, Sendable, CustomStringConvertible {
    /// Bytes allocated and not freed.
    public var bytes = 0
    /// Blocks allocated and not freed.
    public var blocks = 0
    /// A usage figure.
    public init(bytes: Int = 0, blocks: Int = 0) {
        self.bytes = bytes
        self.blocks = blocks
    }
    public var description: String { "\(blocks) block(s), \(bytes) byte(s)" }
}

/// When injected allocations fail.
public enum AllocationFailurePlan: Equatable, Sendable {
    /// The `n`-th allocation from now (1 = the next one) fails; the others succeed.
    case nth(Int)
    /// Each allocation fails with `probability`, drawn from a generator seeded with `seed`
    /// (the same seed fails the same allocations).
    case probability(Double, seed: UInt64)
}

/// The pool allocator behind ``CacheAwareRundownRef`` and `ExAllocateCacheAwareRundownProtection`:
/// the process heap, with per-tag accounting so tests can assert that nothing leaks, and
/// failure injection so the NULL path of Allocate can be exercised.
///
/// Public: the accounting (``usage(tag:)``) and the failure injection. Package: the allocator
/// itself, which only the entry points (and the testing engines' clean-up) call.
public enum RundownPool {
    struct Injection {
        var plan: AllocationFailurePlan
        var seen = 0
        var random: UInt64 = 0

        /// Whether this allocation fails; advances the plan.
        mutating func fails() -> Bool {
            seen += 1
            switch plan {
            case let .nth(n):
                return seen == n
            case let .probability(p, _):
                // SplitMix64: a tiny, well-mixed generator whose sequence depends only on the seed.
                random &+= 0x9E37_79B9_7F4A_7C15
                var z = random
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                z ^= z >> 31
                return Double(z >> 11) / Double(1 << 53) < p
            }
        }
    }

    struct State {
        var usage: [UInt32: PoolUsage] = [:]
        var blocks: [UInt: (tag: UInt32, bytes: Int)] = [:]
        /// Failure plans by tag; the `nil` key applies to every tag without its own plan.
        var injections: [UInt32?: Injection] = [:]
        /// Blocks freed in quarantine, oldest first: accounted as freed, returned to the heap later.
        var quarantine: [UnsafeMutableRawPointer] = []
    }

    /// Blocks kept in quarantine before they go back to the heap.
    static let quarantineCapacity = 256

    static let state = Locked(State())

    /// Allocates `byteCount` bytes aligned to `alignment` (a power of two), accounted to `tag`.
    /// Returns nil when the heap is exhausted or an injected failure fires.
    package static func allocate(byteCount: Int, alignment: Int, tag: PoolTag) -> UnsafeMutableRawPointer? {
        let injected = state.withLock { state -> Bool in
            let key: UInt32? = state.injections[tag.rawValue] != nil ? tag.rawValue : nil
            return state.injections[key]?.fails() ?? false
        }
        if injected { return nil }
        var memory: UnsafeMutableRawPointer?
        guard posix_memalign(&memory, max(alignment, MemoryLayout<UInt>.alignment), byteCount) == 0, let memory else {
            return nil
        }
        state.withLock { state in
            state.blocks[UInt(bitPattern: memory)] = (tag.rawValue, byteCount)
            state.usage[tag.rawValue, default: PoolUsage()].bytes += byteCount
            state.usage[tag.rawValue, default: PoolUsage()].blocks += 1
        }
        return memory
    }

    /// Frees a block from ``allocate(byteCount:alignment:tag:)``. Returns false (and frees
    /// nothing) if the block is not one this pool handed out.
    ///
    /// - Parameter quarantine: account the block as freed now but keep its memory for a while
    ///   (the checked mode does this so that a call racing with Free is reported as use after
    ///   free instead of touching memory the heap already reused).
    @discardableResult
    package static func free(_ memory: UnsafeMutableRawPointer, quarantine: Bool = false) -> Bool {
        let (known, evicted) = state.withLock { state -> (Bool, UnsafeMutableRawPointer?) in
            guard let block = state.blocks.removeValue(forKey: UInt(bitPattern: memory)) else { return (false, nil) }
            state.usage[block.tag]!.bytes -= block.bytes
            state.usage[block.tag]!.blocks -= 1
            guard quarantine else { return (true, memory) }
            state.quarantine.append(memory)
            return (true, state.quarantine.count > quarantineCapacity ? state.quarantine.removeFirst() : nil)
        }
        if let evicted { Glibc.free(evicted) }
        return known
    }

    /// Whether `memory` is a block this pool handed out and has not freed.
    package static func owns(_ memory: UnsafeRawPointer) -> Bool {
        state.withLock { $0.blocks[UInt(bitPattern: memory)] != nil }
    }

    /// What `tag` has outstanding now.
    public static func usage(tag: PoolTag) -> PoolUsage {
        state.withLock { $0.usage[tag.rawValue] ?? PoolUsage() }
    }

    /// Makes allocations fail according to `plan`: those with `tag`, or with any tag that has no
    /// plan of its own when `tag` is nil. Replaces the earlier plan for the same key.
    public static func injectFailures(_ plan: AllocationFailurePlan, tag: PoolTag? = nil) {
        if case let .nth(n) = plan { precondition(n >= 1, "AllocationFailurePlan.nth counts from 1, got \(n)") }
        if case let .probability(p, _) = plan {
            precondition((0...1).contains(p), "a failure probability is within 0...1, got \(p)")
        }
        var injection = Injection(plan: plan)
        if case let .probability(_, seed) = plan { injection.random = seed }
        state.withLock { $0.injections[tag?.rawValue] = injection }
    }

    /// Stops failing allocations for `tag` (or the default plan when nil).
    public static func stopInjectingFailures(tag: PoolTag? = nil) {
        _ = state.withLock { $0.injections.removeValue(forKey: tag?.rawValue) }
    }
}
