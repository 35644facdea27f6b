import RundownCAPI
import Synchronization

// The plain ref under its Windows names, callable from C through `rundown.h`.
// `RunRef` points to the caller's `EX_RUNDOWN_REF`: one pointer-aligned, pointer-sized word.
// Each export is `@c @implementation`: the compiler checks it against the header's declaration.

@inline(__always)
private func word(_ runRef: PEX_RUNDOWN_REF) -> RundownWord {
    UnsafeMutableRawPointer(runRef).assumingMemoryBound(to: Atomic<UInt>.self)
}

/// `ExInitializeRundownProtection`: count 0, not running down.
@c @implementation
public func ExInitializeRundownProtection(_ runRef: PEX_RUNDOWN_REF) {
    // The caller's word holds no Swift value yet: bind it as an atomic before first use.
    let word = UnsafeMutableRawPointer(runRef).bindMemory(to: Atomic<UInt>.self, capacity: 1)
    PlainEntry.initialize(word, origin: .callerMemory, call: "ExInitializeRundownProtection")
}

/// `ExReInitializeRundownProtection`: after a wait, back to count 0.
@c @implementation
public func ExReInitializeRundownProtection(_ runRef: PEX_RUNDOWN_REF) {
    PlainEntry.reinitialize(word(runRef), call: "ExReInitializeRundownProtection")
}

/// `ExAcquireRundownProtection`: one protection; TRUE (1) if granted.
@c @implementation
public func ExAcquireRundownProtection(_ runRef: PEX_RUNDOWN_REF) -> BOOLEAN {
    PlainEntry.acquire(word(runRef), count: 1, call: "ExAcquireRundownProtection") ? 1 : 0
}

/// `ExAcquireRundownProtectionEx`: `count` protections, all or nothing; TRUE (1) if granted.
@c @implementation
public func ExAcquireRundownProtectionEx(_ runRef: PEX_RUNDOWN_REF, _ count: ULONG) -> BOOLEAN {
    PlainEntry.acquire(word(runRef), count: Int(count), call: "ExAcquireRundownProtectionEx") ? 1 : 0
}

/// `ExReleaseRundownProtection`: drop one protection.
@c @implementation
public func ExReleaseRundownProtection(_ runRef: PEX_RUNDOWN_REF) {
    PlainEntry.release(word(runRef), count: 1, call: "ExReleaseRundownProtection")
}

/// `ExReleaseRundownProtectionEx`: drop `count` protections.
@c @implementation
public func ExReleaseRundownProtectionEx(_ runRef: PEX_RUNDOWN_REF, _ count: ULONG) {
    PlainEntry.release(word(runRef), count: Int(count), call: "ExReleaseRundownProtectionEx")
}

/// `ExWaitForRundownProtectionRelease`: block new acquires, wait for outstanding ones.
@c @implementation
public func ExWaitForRundownProtectionRelease(_ runRef: PEX_RUNDOWN_REF) {
    PlainEntry.waitForRelease(word(runRef), call: "ExWaitForRundownProtectionRelease")
}

/// `ExRundownCompleted`: after a wait, mark completed.
@c @implementation
public func ExRundownCompleted(_ runRef: PEX_RUNDOWN_REF) {
    PlainEntry.rundownCompleted(word(runRef), call: "ExRundownCompleted")
}
