/// Enumerates every run of a program with at most `bound` preemptions, depth first over its
/// decisions (CHESS's iterative context bounding, stateless like ``ExhaustiveSearch``: each run
/// replays a prefix of choices as bytes and then takes the defaults, which never preempt).
///
/// A preemption is a decision where the thread that reached the point could have gone on and
/// another thread was chosen; switching at a block or at a thread's end is free. Data choices
/// (which CPU slot a lookup answers, which store a load reads) are enumerated in full.
package struct BoundedSearch {
    package let bound: Int
    private var path: [DecisionLog.Decision] = []
    /// The runs handed out so far (the schedules explored, once the last has been made).
    package private(set) var runs = 0

    package init(bound: Int) {
        precondition(bound >= 0, "a preemption bound is 0 or more, got \(bound)")
        self.bound = bound
    }

    /// How many preemptions `decisions` make.
    package static func preemptions(in decisions: some Sequence<DecisionLog.Decision>) -> Int {
        decisions.reduce(0) { $0 + ($1.preemptable && $1.position != $1.defaultPosition ? 1 : 0) }
    }

    /// The streams for the next run, given the decisions of the run just made (nil before the
    /// first); nil when every run within the bound has been made.
    package mutating func next(after log: [DecisionLog.Decision]?) -> (schedule: [UInt8], readsFrom: [UInt8])? {
        guard let log else {
            runs = 1
            return ([], [])
        }
        path = log
        while let last = path.last {
            let used = BoundedSearch.preemptions(in: path.dropLast())
            let tried = (last.position - last.defaultPosition + last.arity) % last.arity
            // Every other option of a preemptable decision is a preemption; of any other, free.
            let affordable = !last.preemptable || used < bound
            if tried < last.arity - 1 && affordable {
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
