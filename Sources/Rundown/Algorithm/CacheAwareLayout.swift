import Synchronization
import _RundownShims

/// Where a cache-aware ref keeps its slots: one rundown word per CPU, each on its own cache
/// line(s), found from a small header at the start of the ref's memory.
///
/// Header (32 bytes; all fields but the gate written once at initialisation):
///
///     offset  0  slots      address of slot 0 (aligned to the stride)
///     offset  8  owner      the slot block to free, or `callerOwnedSentinel` for caller memory
///     offset 16  stride     bytes between slots (UInt32)
///     offset 20  slotCount  number of slots (UInt32)
///     offset 24  gate       the fast path's rundown state (0 live, a wait block's marker,
///                           exactly `active` when run down); unused on the compare-exchange path
///
/// The gate sits with the read-only fields: every fast-path operation reads it, only a wait or a
/// reinitialise writes it, so the line stays shared in every CPU's cache.
///
/// The stride is 128 bytes, not 64: on x86-64 the L2 spatial prefetcher fetches 64-byte lines in
/// aligned pairs, so two CPUs writing neighbouring 64-byte slots still contend for the pair.
/// 128 also covers the CPUs whose line is 128 bytes (Apple and some Arm server cores). The cost
/// is 128 bytes per CPU per ref.
@usableFromInline
package struct CacheAwareLayout {
    /// Bytes of header in front of the slots.
    package static let headerSize = 32
    /// Bytes between two slots when there is more than one CPU.
    package static let slotStride = 128
    /// The header's owner field of a ref initialised in caller memory (never freed).
    package static let callerOwnedSentinel: UInt = 0x0BAD_CA11

    /// Address of slot 0.
    @usableFromInline
    package let slots: UnsafeMutableRawPointer
    /// Bytes between slots.
    @usableFromInline
    package let stride: Int
    /// Number of slots (at least 1).
    @usableFromInline
    package let count: Int
    /// The fast path's rundown state, in the header (see the type's description).
    @usableFromInline
    package let gate: RundownWord

    /// A layout of `count` slots, `stride` bytes apart, from `slots`, for the ref whose header is
    /// at `header`.
    @inlinable
    package init(slots: UnsafeMutableRawPointer, stride: Int, count: Int, header: UnsafeMutableRawPointer) {
        self.slots = slots
        self.stride = stride
        self.count = count
        self.gate = (header + 24).assumingMemoryBound(to: Atomic<UInt>.self)
    }

    /// Number of CPUs the slots are sized for: every CPU the system has configured.
    package static var cpuCount: Int { Int(rundown_configured_cpu_count()) }

    /// Bytes between slots for `cpuCount` CPUs: a padded line each, or one word when alone.
    package static func stride(cpuCount: Int) -> Int {
        cpuCount > 1 ? slotStride : MemoryLayout<UInt>.stride
    }

    /// Bytes a caller must provide for a ref on a machine with `cpuCount` CPUs.
    ///
    /// More than one CPU: header, then one spare stride so the slots can be aligned inside any
    /// 8-aligned buffer, then one stride per CPU. One CPU: header and one unpadded word.
    package static func sizeOf(cpuCount: Int) -> Int {
        cpuCount > 1 ? headerSize + (cpuCount + 1) * slotStride : headerSize + stride(cpuCount: 1)
    }

    /// The slot a thread on `cpu` uses: `cpu mod count`. A ref sized by the platform has a slot for
    /// every CPU number the kernel may report; a smaller one (a test platform's, sharing slots on
    /// purpose) is used on the compare-exchange path only.
    @inlinable @inline(__always)
    package func slot(forCPU cpu: UInt32) -> RundownWord {
        let c = Int(cpu)
        return slot(c < count ? c : c % count)
    }

    /// Slot `index` (0 ..< count).
    @inlinable @inline(__always)
    package func slot(_ index: Int) -> RundownWord {
        (slots + index &* stride).assumingMemoryBound(to: Atomic<UInt>.self)
    }

    // MARK: - Header

    /// Reads the layout from a ref's header.
    @inlinable @inline(__always)
    package init(header: UnsafeRawPointer) {
        slots = header.load(as: UnsafeMutableRawPointer.self)
        stride = Int(header.load(fromByteOffset: 16, as: UInt32.self))
        count = Int(header.load(fromByteOffset: 20, as: UInt32.self))
        gate = UnsafeMutableRawPointer(mutating: header + 24).assumingMemoryBound(to: Atomic<UInt>.self)
    }

    /// The header's owner field: the slot block to free, or `callerOwnedSentinel`.
    package static func owner(header: UnsafeRawPointer) -> UInt {
        header.load(fromByteOffset: 8, as: UInt.self)
    }

    /// Writes a header for `layout` and sets every slot live with no protections.
    package static func write(_ layout: CacheAwareLayout, owner: UInt, header: UnsafeMutableRawPointer) {
        header.storeBytes(of: layout.slots, as: UnsafeMutableRawPointer.self)
        header.storeBytes(of: owner, toByteOffset: 8, as: UInt.self)
        header.storeBytes(of: UInt32(layout.stride), toByteOffset: 16, as: UInt32.self)
        header.storeBytes(of: UInt32(layout.count), toByteOffset: 20, as: UInt32.self)
        (header + 24).bindMemory(to: Atomic<UInt>.self, capacity: 1).initialize(to: Atomic(0))
        for index in 0..<layout.count {
            (layout.slots + index * layout.stride).bindMemory(to: Atomic<UInt>.self, capacity: 1).initialize(
                to: Atomic(0))
        }
    }

    /// The layout for caller memory of `size` bytes at `header`; the slot count follows from the
    /// size: (size − header) / stride − 1, or a single unpadded slot when that leaves none.
    package static func inCallerMemory(header: UnsafeMutableRawPointer, size: Int) -> CacheAwareLayout {
        let room = size - headerSize
        if room >= 2 * slotStride {
            let first = UInt(bitPattern: header + headerSize)
            let aligned = (first + UInt(slotStride - 1)) & ~UInt(slotStride - 1)
            return CacheAwareLayout(
                slots: UnsafeMutableRawPointer(bitPattern: aligned)!, stride: slotStride, count: room / slotStride - 1,
                header: header)
        }
        return CacheAwareLayout(slots: header + headerSize, stride: MemoryLayout<UInt>.stride, count: 1, header: header)
    }
}
