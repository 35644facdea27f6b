import Synchronization

/// The encoding of one rundown word (docs/semantics.md, "The plain ref").
///
/// - Bit 0 clear: live; the rest is the protection count times two (wrapping for a cache-aware
///   slot, whose share of the total may go below zero when releases land on another CPU's slot).
/// - Bit 0 set, value exactly 1: run down (or completed) with nothing outstanding.
/// - Bit 0 set, any other value: the address of the waiter's wait block, with bit 0 set.
@usableFromInline
package enum RundownWordState {
    /// Rundown has begun.
    @usableFromInline
    package static let active: UInt = 1
    /// One protection in the live encoding.
    @usableFromInline
    package static let countShift: UInt = 1
    /// The largest count one call may pass (the range of the Windows ULONG).
    @usableFromInline
    package static let maxCallCount: Int = Int(UInt32.max)
    /// The largest live word of a plain ref: the count must stay a non-negative `Int`.
    @usableFromInline
    package static let maxPlainWord: UInt = UInt(Int.max) & ~active

    /// The word delta for `count` protections, after the always-on count checks.
    @inlinable @inline(__always)
    package static func delta(for count: Int) throws(RundownMisuse) -> UInt {
        if _slowPath(count <= 0) { throw .zeroCount }
        if _slowPath(count > maxCallCount) { throw .countOverflow(count: count) }
        return UInt(count) &<< countShift
    }

    /// The protections a live word holds (a plain ref, or a cache-aware slot sum).
    @inlinable @inline(__always)
    package static func count(ofLive word: UInt) -> Int {
        Int(bitPattern: word) >> Int(countShift)
    }
}
