import RundownTestKit

/// What a logical thread is about to do at a scheduling point.
package enum PointKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case load, store, compareExchange, add, resetEvent, signalEvent, waitEvent, currentCPU
    /// The start of an API call: lets the schedule order whole calls, not only their steps.
    case call
    /// A step of the fast path's restartable per-CPU add (a switch here restarts it), and the
    /// fast path's barrier.
    case restartable, barrier

    package var description: String {
        switch self {
        case .load: return "load"
        case .store: return "store"
        case .compareExchange: return "cas"
        case .add: return "add"
        case .resetEvent: return "reset"
        case .signalEvent: return "signal"
        case .waitEvent: return "sleep"
        case .currentCPU: return "cpu?"
        case .call: return "call"
        case .restartable: return "rseq"
        case .barrier: return "barrier"
        }
    }

    /// The point in front of `operation` of the platform seam.
    init(_ operation: SeamOperation) {
        switch operation {
        case .load: self = .load
        case .store: self = .store
        case .compareExchange: self = .compareExchange
        case .wrappingAdd: self = .add
        case .resetEvent: self = .resetEvent
        case .signalEvent: self = .signalEvent
        case .waitForEvent: self = .waitEvent
        case .restartableAdd: self = .restartable
        case .barrier: self = .barrier
        }
    }
}

/// A coarse class of a rundown word's value, for traces and coverage features.
package enum WordClass: UInt8, Sendable, CustomStringConvertible {
    case zero, one, two, many, negative, runDown, marker, event

    /// Classifies the value of the word a point is about to operate on.
    @inline(__always)
    package static func of(_ value: UInt) -> WordClass {
        if value == 1 { return .runDown }
        if value & 1 != 0 { return .marker }
        if Int(bitPattern: value) < 0 { return .negative }
        switch value >> 1 {
        case 0: return .zero
        case 1: return .one
        case 2: return .two
        default: return .many
        }
    }

    package var description: String {
        switch self {
        case .zero: return "0"
        case .one: return "1"
        case .two: return "2"
        case .many: return "3+"
        case .negative: return "<0"
        case .runDown: return "down"
        case .marker: return "blk"
        case .event: return "ev"
        }
    }
}
