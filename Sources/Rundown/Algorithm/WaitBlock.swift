import Synchronization

/// The waiter's wait block: the outstanding count the releasers drain and the event the waiter
/// sleeps on. It lives on the waiter's stack for exactly the duration of one wait.
///
/// Lifetime rule: a releaser reads the block's address from a rundown word while it still holds
/// protection, so the count cannot reach zero and the block cannot be gone while it does. After
/// its decrement the releaser touches nothing but, for the one that reaches zero, the event
/// through ``RundownPlatform/signalEvent(_:)``.
public struct WaitBlock {
    /// The outstanding protections (wrapping: a cache-aware sweep may take it below zero).
    public let count: RundownWord
    /// 0 until the releaser that brings `count` to zero signals it.
    public let event: RundownEventWord

    /// The block's address with the rundown-active bit set: what the rundown words hold.
    @inlinable
    public var marker: UInt { UInt(bitPattern: UnsafeRawPointer(count)) | RundownWordState.active }

    /// The block a marker word points to.
    @inlinable
    public init(marker: UInt) {
        let base = UnsafeMutableRawPointer(bitPattern: marker & ~RundownWordState.active)!
        count = base.assumingMemoryBound(to: Atomic<UInt>.self)
        event = (base + MemoryLayout<UInt>.stride).assumingMemoryBound(to: Atomic<UInt32>.self)
    }

    /// Runs `body` with a fresh block on the caller's stack (count 0, event unsignalled).
    @inlinable
    public static func withTemporary<R>(_ body: (WaitBlock) throws -> R) rethrows -> R {
        try withUnsafeTemporaryAllocation(byteCount: 2 * MemoryLayout<UInt>.stride, alignment: 16) { raw in
            let base = raw.baseAddress!
            base.bindMemory(to: Atomic<UInt>.self, capacity: 1).initialize(to: Atomic(0))
            (base + MemoryLayout<UInt>.stride).bindMemory(to: Atomic<UInt32>.self, capacity: 1).initialize(to: Atomic(0))
            return try body(WaitBlock(marker: UInt(bitPattern: base) | RundownWordState.active))
        }
    }
}
