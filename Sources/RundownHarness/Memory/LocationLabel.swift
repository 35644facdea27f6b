/// What an atomic location is, in the terms of the program: the names traces and findings use.
/// Addresses would differ from one process to the next; these names do not. Small numbers (a
/// run has at most two refs, four slots, eight threads), so that a trace event stays small.
package enum LocationLabel: Equatable, Sendable, CustomStringConvertible {
    /// The word of plain ref `ref`.
    case word(ref: UInt8)
    /// Slot `slot` of cache-aware ref `ref`.
    case slot(ref: UInt8, slot: UInt8)
    /// The count of the wait block on thread `owner`'s stack.
    case blockCount(owner: UInt8)
    /// The event of the wait block on thread `owner`'s stack.
    case blockEvent(owner: UInt8)
    /// A location the run does not know by name (a litmus test's variable, numbered).
    case variable(UInt8)

    package var description: String {
        switch self {
        case let .word(ref): return "r\(ref).word"
        case let .slot(ref, slot): return "r\(ref).slot\(slot)"
        case let .blockCount(owner): return "T\(owner).block.count"
        case let .blockEvent(owner): return "T\(owner).block.event"
        case let .variable(index): return "v\(index)"
        }
    }

    /// A small stable number for coverage features.
    var featureClass: UInt32 {
        switch self {
        case .word: return 0
        case .slot(_, let slot): return slot == 0 ? 1 : 2
        case .blockCount: return 3
        case .blockEvent: return 4
        case .variable: return 5
        }
    }
}
