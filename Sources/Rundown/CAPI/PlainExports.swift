import Synchronization

// The plain ref under its Windows names, callable from C through `rundown.h`.
// `RunRef` points to the caller's `EX_RUNDOWN_REF`: one pointer-aligned, pointer-sized word.

@inline(__always)
private func word(_ runRef: UnsafeMutableRawPointer) -> RundownWord {
    runRef.assumingMemoryBound(to: Atomic<UInt>.self)
}

/// `ExInitializeRundownProtection`: count 0, not running down.
@_cdecl("ExInitializeRundownProtection")
public func ExInitializeRundownProtection(_ runRef: UnsafeMutableRawPointer) {
    // The caller's word holds no Swift value yet: bind it as an atomic before first use.
    let word = runRef.bindMemory(to: Atomic<UInt>.self, capacity: 1)
    PlainEntry.initialize(word, origin: .callerMemory, call: "ExInitializeRundownProtection")
}

/// `ExReInitializeRundownProtection`: after a wait, back to count 0.
@_cdecl("ExReInitializeRundownProtection")
public func ExReInitializeRundownProtection(_ runRef: UnsafeMutableRawPointer) {
    PlainEntry.reinitialize(word(runRef), call: "ExReInitializeRundownProtection")
}

/// `ExAcquireRundownProtection`: one protection; TRUE (1) if granted.
@_cdecl("ExAcquireRundownProtection")
public func ExAcquireRundownProtection(_ runRef: UnsafeMutableRawPointer) -> UInt8 {
    PlainEntry.acquire(word(runRef), count: 1, call: "ExAcquireRundownProtection") ? 1 : 0
}

/// `ExAcquireRundownProtectionEx`: `count` protections, all or nothing; TRUE (1) if granted.
@_cdecl("ExAcquireRundownProtectionEx")
public func ExAcquireRundownProtectionEx(_ runRef: UnsafeMutableRawPointer, _ count: UInt32) -> UInt8 {
    PlainEntry.acquire(word(runRef), count: Int(count), call: "ExAcquireRundownProtectionEx") ? 1 : 0
}

/// `ExReleaseRundownProtection`: drop one protection.
@_cdecl("ExReleaseRundownProtection")
public func ExReleaseRundownProtection(_ runRef: UnsafeMutableRawPointer) {
    PlainEntry.release(word(runRef), count: 1, call: "ExReleaseRundownProtection")
}

/// `ExReleaseRundownProtectionEx`: drop `count` protections.
@_cdecl("ExReleaseRundownProtectionEx")
public func ExReleaseRundownProtectionEx(_ runRef: UnsafeMutableRawPointer, _ count: UInt32) {
    PlainEntry.release(word(runRef), count: Int(count), call: "ExReleaseRundownProtectionEx")
}

/// `ExWaitForRundownProtectionRelease`: block new acquires, wait for outstanding ones.
@_cdecl("ExWaitForRundownProtectionRelease")
public func ExWaitForRundownProtectionRelease(_ runRef: UnsafeMutableRawPointer) {
    PlainEntry.waitForRelease(word(runRef), call: "ExWaitForRundownProtectionRelease")
}

/// `ExRundownCompleted`: after a wait, mark completed.
@_cdecl("ExRundownCompleted")
public func ExRundownCompleted(_ runRef: UnsafeMutableRawPointer) {
    PlainEntry.rundownCompleted(word(runRef), call: "ExRundownCompleted")
}
