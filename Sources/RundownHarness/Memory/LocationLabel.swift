/// What an atomic location is, in the terms of the program: the names traces and findings use.
/// Addresses would differ from one process to the next; these names do not.
package enum LocationLabel: Equatable, Sendable, CustomStringConvertible {
    /// The word of plain ref `ref`.
    case word(ref: Int)
    /// Slot `slot` of cache-aware ref `ref`.
    case slot(ref: Int, slot: Int)
    /// The count of the wait block on thread `owner`'s stack.
    case blockCount(owner: Int)
    /// The event of the wait block on thread `owner`'s stack.
    case blockEvent(owner: Int)
    /// A location the run does not know by name (a litmus test's variable, numbered).
    case variable(Int)

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
