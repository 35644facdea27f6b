/// A vector clock over the logical threads of one run: lane `t` counts thread `t`'s memory
/// events. Event `e` of thread `u` happens before a point of thread `t` exactly when `t`'s clock
/// has `clock[u] >= e`. Eight lanes in one SIMD vector: a join is one vector max, with no
/// allocation, which keeps the weak-memory mode within reach of the sequentially consistent one.
package struct VectorClock: Equatable, Sendable {
    /// The most logical threads a run may have.
    package static let maxThreads = 8

    package var lanes = SIMD8<UInt32>(repeating: 0)

    package init() {}

    @inline(__always)
    package subscript(thread: Int) -> UInt32 {
        get { lanes[thread] }
        set { lanes[thread] = newValue }
    }

    /// Everything `other` has seen, this clock has seen too.
    @inline(__always)
    package mutating func join(_ other: VectorClock) {
        lanes = pointwiseMax(lanes, other.lanes)
    }

    /// Whether the event `epoch` of `thread` is ordered before the point this clock describes.
    @inline(__always)
    package func hasSeen(_ epoch: UInt32, of thread: Int) -> Bool { lanes[thread] >= epoch }
}
