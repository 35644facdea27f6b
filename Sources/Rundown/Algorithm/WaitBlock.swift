import Synchronization

/// The waiter's wait block: the outstanding count the releasers drain and the event the waiter
/// sleeps on. It lives on the waiter's stack for exactly the duration of one wait.
///
/// Lifetime rule: a releaser reads the block's address from a rundown word while it still holds
/// protection, so the count cannot reach zero and the block cannot be gone while it does. After
/// its decrement the releaser touches nothing but, for the one that reaches zero, the event
/// through ``RundownPlatform/signalEvent(_:)``.
@usableFromInline
package struct WaitBlock {
    /// The outstanding protections (wrapping: a cache-aware sweep may take it below zero).
    @usableFromInline
    package let count: RundownWord
    /// 0 until the releaser that brings `count` to zero signals it.
    @usableFromInline
    package let event: RundownEventWord

    /// The block's address with the rundown-active bit set: what the rundown words hold.
    @inlinable
    package var marker: UInt { UInt(bitPattern: UnsafeRawPointer(count)) | RundownWordState.active }

    /// The block a marker word points to.
    @inlinable
    package init(marker: UInt) {
        let base = UnsafeMutableRawPointer(bitPattern: marker & ~RundownWordState.active)!
        count = base.assumingMemoryBound(to: Atomic<UInt>.self)
        event = (base + MemoryLayout<UInt>.stride).assumingMemoryBound(to: Atomic<UInt32>.self)
    }

    /// Runs `body` with a fresh block on the caller's stack (count 0, event unsignalled).
    ///
    /// The entry points, not the algorithm, open this scope, and report a misuse of the wait
    /// inside it: a wait that meets a second waiter halfway through its sweep has already
    /// published the block on the slots it closed, so the block must stay in place while the
    /// report runs (a testing engine's interceptor parks the thread there instead of stopping
    /// the process).
    @inlinable
    package static func withTemporary<Value>(_ body: (WaitBlock) -> Value) -> Value {
        withUnsafeTemporaryAllocation(byteCount: 2 * MemoryLayout<UInt>.stride, alignment: 16) { raw in
            let base = raw.baseAddress!
            base.bindMemory(to: Atomic<UInt>.self, capacity: 1).initialize(to: Atomic(0))
            (base + MemoryLayout<UInt>.stride).bindMemory(to: Atomic<UInt32>.self, capacity: 1).initialize(
                to: Atomic(0))
            return body(WaitBlock(marker: UInt(bitPattern: base) | RundownWordState.active))
        }
    }
}
