import Rundown
import RundownTestKit

/// The three ways to make a ref (the kit's ``RefKind``), so each behaviour is pinned down for
/// every one of them, through the Swift API.
extension RefKind {
    /// A fresh ref of this kind. Caller memory is kept alive by the returned box.
    func make() -> TestRef {
        switch self {
        case .plain:
            return TestRef(ref: RundownRef(), memory: nil)
        case .cacheAwareAllocated:
            return TestRef(ref: CacheAwareRundownRef(tag: "Test")!, memory: nil)
        case .cacheAwareCallerMemory:
            let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: CacheAwareRundownRef.sizeOf, alignment: 8)
            return TestRef(ref: CacheAwareRundownRef(initializingMemory: memory), memory: memory)
        }
    }
}

/// A ref and, for caller memory, the memory it lives in (freed after the ref).
final class TestRef: @unchecked Sendable {
    let ref: any RundownProtection
    private let memory: UnsafeMutableRawBufferPointer?

    init(ref: any RundownProtection, memory: UnsafeMutableRawBufferPointer?) {
        self.ref = ref
        self.memory = memory
    }

    deinit {
        // The ref object may outlive this box only if a test leaked it; memory goes last.
        memory?.deallocate()
    }
}
