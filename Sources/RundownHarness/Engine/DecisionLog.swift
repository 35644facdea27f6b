/// Every choice a run made, in order: which stream it came from, how many options it had, which
/// it took and which one the stream's default (no byte left) would have taken. Recording is off
/// unless someone enumerates runs (``ExhaustiveSearch``); replaying the recorded positions as
/// bytes repeats the run exactly.
package final class DecisionLog {
    /// The byte stream a decision reads.
    package enum Stream: Sendable {
        /// The schedule bytes: which thread runs next, which CPU a lookup answers.
        case schedule
        /// The reads-from bytes: which store a load reads.
        case readsFrom
    }

    package struct Decision: Equatable, Sendable {
        package var stream: Stream
        package var arity: Int
        package var position: Int
        package var defaultPosition: Int
        /// Whether the thread that reached the decision could have gone on: choosing another
        /// option then is a preemption (what ``BoundedSearch`` counts).
        package var preemptable: Bool
    }

    package private(set) var decisions: [Decision] = []

    package init() {}

    func record(_ stream: Stream, arity: Int, position: Int, defaultPosition: Int, preemptable: Bool = false) {
        decisions.append(
            Decision(
                stream: stream, arity: arity, position: position, defaultPosition: defaultPosition,
                preemptable: preemptable))
    }
}

/// Enumerates every run of a program, depth first over its decisions (stateless: each run
/// replays a prefix of choices as bytes, and the run itself reports what it could have chosen).
/// At each decision the default comes first, then the other options in order.
package struct ExhaustiveSearch {
    private var path: [DecisionLog.Decision] = []
    package private(set) var runs = 0

    package init() {}

    /// The streams for the next run, given the decisions of the run just made (nil before the
    /// first); nil when every run has been made.
    package mutating func next(after log: [DecisionLog.Decision]?) -> (schedule: [UInt8], readsFrom: [UInt8])? {
        guard let log else {
            runs = 1
            return ([], [])
        }
        path = log
        while let last = path.last {
            let tried = (last.position - last.defaultPosition + last.arity) % last.arity
            if tried < last.arity - 1 {
                path[path.count - 1].position = (last.position + 1) % last.arity
                break
            }
            path.removeLast()
        }
        if path.isEmpty { return nil }
        runs += 1
        var schedule: [UInt8] = []
        var readsFrom: [UInt8] = []
        for decision in path {
            precondition(decision.arity <= 256, "a decision with more than 256 options cannot be a byte")
            switch decision.stream {
            case .schedule: schedule.append(UInt8(decision.position))
            case .readsFrom: readsFrom.append(UInt8(decision.position))
            }
        }
        return (schedule, readsFrom)
    }
}
