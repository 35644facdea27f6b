import Rundown
import RundownCAPI
import Testing

/// Allocate, Free, SizeOf and Initialize; the pool's accounting and failure injection.
/// Every test uses its own pool tag, so tests running in parallel never see each other's blocks.
@Suite("allocation and caller memory")
struct AllocationTests {
    @Test("allocate accounts two blocks to the tag; dropping the ref frees them")
    func allocateAndFree() {
        let tag: PoolTag = "Al01"
        do {
            let ref = CacheAwareRundownRef(poolType: .paged, tag: tag)
            #expect(ref != nil)
            let usage = RundownPool.usage(tag: tag)
            #expect(usage.blocks == 2)
            #expect(usage.bytes >= CacheAwareLayout.headerSize + CacheAwareLayout.cpuCount * MemoryLayout<UInt>.stride)
            #expect(ref?.acquire() == true)
            ref?.release()
        }
        #expect(RundownPool.usage(tag: tag) == PoolUsage())
    }

    @Test("allocation failure returns nil and leaks nothing, whichever allocation fails", arguments: [1, 2])
    func allocationFailure(failing nth: Int) {
        let tag = PoolTag(rawValue: 0x4146_0000 | UInt32(nth))
        RundownPool.injectFailures(.nth(nth), tag: tag)
        defer { RundownPool.stopInjectingFailures(tag: tag) }
        #expect(CacheAwareRundownRef(tag: tag) == nil)
        #expect(RundownPool.usage(tag: tag) == PoolUsage())
        // The plan fired once: the next allocation succeeds.
        #expect(CacheAwareRundownRef(tag: tag) != nil)
        #expect(RundownPool.usage(tag: tag) == PoolUsage())
    }

    @Test("the C Allocate returns NULL on failure and leaks nothing")
    func cAllocationFailure() {
        let tag: PoolTag = "AlC1"
        RundownPool.injectFailures(.nth(2), tag: tag)
        defer { RundownPool.stopInjectingFailures(tag: tag) }
        #expect(ExAllocateCacheAwareRundownProtection(NonPagedPoolNx, tag.rawValue) == nil)
        #expect(RundownPool.usage(tag: tag) == PoolUsage())
        let ref = ExAllocateCacheAwareRundownProtection(NonPagedPool, tag.rawValue)
        #expect(ref != nil)
        #expect(RundownPool.usage(tag: tag).blocks == 2)
        ExWaitForRundownProtectionReleaseCacheAware(ref!)
        ExFreeCacheAwareRundownProtection(ref!)
        #expect(RundownPool.usage(tag: tag) == PoolUsage())
    }

    @Test("seeded failure probability fails the same allocations every time and leaks nothing")
    func seededProbability() {
        let tag: PoolTag = "AlP1"
        func outcomes() -> [Bool] {
            RundownPool.injectFailures(.probability(0.3, seed: 42), tag: tag)
            defer { RundownPool.stopInjectingFailures(tag: tag) }
            return (0..<64).map { _ in CacheAwareRundownRef(tag: tag) != nil }
        }
        let first = outcomes()
        #expect(first == outcomes())
        #expect(first.contains(true) && first.contains(false))
        #expect(RundownPool.usage(tag: tag) == PoolUsage())
    }

    @Test("every Windows pool type is accepted")
    func poolTypes() {
        for type in PoolType.all {
            let ref = ExAllocateCacheAwareRundownProtection(
                POOL_TYPE(rawValue: UInt32(type.rawValue)), PoolTag("AlT1").rawValue)
            #expect(ref != nil)
            ExFreeCacheAwareRundownProtection(ref!)
        }
        #expect(RundownPool.usage(tag: "AlT1") == PoolUsage())
    }

    @Test("pool tags read as their four characters")
    func tagText() {
        #expect(PoolTag("Rdwn").description == "'Rdwn'")
        #expect(PoolTag("Rdwn").rawValue == 0x6E77_6452)
    }

    // MARK: SizeOf and caller memory

    @Test("SizeOf: header, a spare stride and one stride per CPU (or one word on one CPU)")
    func sizeOf() {
        #expect(CacheAwareLayout.slotStride >= 64 && CacheAwareLayout.slotStride.nonzeroBitCount == 1)
        #expect(CacheAwareLayout.sizeOf(cpuCount: 1) == CacheAwareLayout.headerSize + 8)
        #expect(CacheAwareLayout.sizeOf(cpuCount: 2) == CacheAwareLayout.headerSize + 3 * CacheAwareLayout.slotStride)
        #expect(CacheAwareLayout.sizeOf(cpuCount: 16) == CacheAwareLayout.headerSize + 17 * CacheAwareLayout.slotStride)
        #expect(ExSizeOfRundownProtectionCacheAware() == CacheAwareLayout.sizeOf(cpuCount: CacheAwareLayout.cpuCount))
        #expect(CacheAwareRundownRef.sizeOf == ExSizeOfRundownProtectionCacheAware())
    }

    @Test(
        "initialise in exactly SizeOf bytes: one slot per CPU, each on its own aligned line",
        arguments: [0, 8, 16, 120])
    func exactSize(offset: Int) {
        let size = ExSizeOfRundownProtectionCacheAware()
        let block = UnsafeMutableRawPointer.allocate(byteCount: size + 128, alignment: 128)
        defer { block.deallocate() }
        let header = block + offset  // any pointer-aligned start works
        ExInitializeRundownProtectionCacheAware(OpaquePointer(header), size)
        let layout = CacheAwareLayout(header: header)
        #expect(layout.count == CacheAwareLayout.cpuCount)
        if layout.count > 1 {
            #expect(layout.stride == CacheAwareLayout.slotStride)
            #expect(UInt(bitPattern: layout.slots) % UInt(CacheAwareLayout.slotStride) == 0)
        }
        #expect(layout.slots >= header + CacheAwareLayout.headerSize)
        #expect(UnsafeRawPointer(layout.slot(layout.count - 1)) + 8 <= UnsafeRawPointer(header + size))
        let runRef = OpaquePointer(header)
        #expect(ExAcquireRundownProtectionCacheAwareEx(runRef, 3) == 1)
        ExReleaseRundownProtectionCacheAwareEx(runRef, 3)
        ExWaitForRundownProtectionReleaseCacheAware(runRef)
        #expect(ExAcquireRundownProtectionCacheAware(runRef) == 0)
    }

    @Test("more bytes than SizeOf give more slots: (size - header) / stride - 1")
    func largerSize() {
        let size = CacheAwareLayout.headerSize + 9 * CacheAwareLayout.slotStride
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
        defer { memory.deallocate() }
        guard size >= CacheAwareRundownRef.sizeOf else { return }
        let ref = CacheAwareRundownRef(initializingMemory: memory)
        #expect(ref.slotCount == 8)
        #expect(ref.acquire())
        ref.release()
    }
}
