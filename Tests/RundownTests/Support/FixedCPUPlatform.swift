import Rundown
import RundownTestKit
import Synchronization

/// The production platform with the CPU number chosen by the test, so a test can acquire on
/// one slot and release on another deterministically. Single-threaded tests only.
enum FixedCPUPlatform: ForwardingPlatform {
    static let cpu = Atomic<UInt32>(0)

    static func currentCPU() -> UInt32 { cpu.load(ordering: .relaxed) }
    static var cpuCount: Int { 8 }
    static var fault: RundownFault { .none }
    /// The compare-exchange path, always: the fast path's slot comes from the rseq area, which a
    /// test cannot choose.
    static var fastPath: Bool { false }
    /// The tests drive the algorithm on memory of their own, which the shadow does not know.
    static var isChecked: Bool { false }
}

/// A cache-aware layout with `slots` slots in its own memory, for engine-level tests.
final class TestLayout: @unchecked Sendable {
    let memory: UnsafeMutableRawPointer
    let layout: CacheAwareLayout

    init(slots: Int) {
        let size = CacheAwareLayout.headerSize + (slots + 1) * CacheAwareLayout.slotStride
        memory = .allocate(byteCount: size, alignment: 8)
        layout = CacheAwareLayout.inCallerMemory(header: memory, size: size)
        CacheAwareLayout.write(layout, owner: CacheAwareLayout.callerOwnedSentinel, header: memory)
    }

    deinit { memory.deallocate() }

    /// The raw value of slot `index`.
    func slot(_ index: Int) -> UInt { layout.slot(index).pointee.load(ordering: .relaxed) }
}
