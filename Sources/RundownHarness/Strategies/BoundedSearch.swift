/// Enumerates every run of a program with at most `bound` preemptions, depth first over its
/// decisions (CHESS's iterative context bounding, stateless like ``ExhaustiveSearch``: each run
/// replays a prefix of choices as bytes and then takes the defaults, which never preempt).
///
/// A preemption is a decision where the thread that reached the point could have gone on and
/// another thread was chosen; switching at a block or at a thread's end is free. Which CPU slot
/// a lookup answers is enumerated in full, for free.
///
/// In the weak-memory mode a reads-from choice other than the newest store (a stale read, or a
/// store placed behind a newer one) counts against the bound like a preemption: the bound is
/// on deviations from a sequentially consistent run without preemptions. Left free, every load
/// with a choice would multiply the runs within any bound (a run of the small set makes dozens),
/// and a capped depth-first search would spend its budget on the last loads' choices without
/// reaching the preemptions; counted, bound 0 is the one sequentially consistent default run,
/// and a bug that needs one stale read and two preemptions is found at bound 3.
package struct BoundedSearch {
    package let bound: Int
    private var path: [DecisionLog.Decision] = []
    /// The runs handed out so far (the schedules explored, once the last has been made).
    package private(set) var runs = 0

    package init(bound: Int) {
        precondition(bound >= 0, "a preemption bound is 0 or more, got \(bound)")
        self.bound = bound
    }

    /// Whether taking an option of `decision` other than its default counts against the bound:
    /// a preemptable thread choice, or a reads-from choice.
    static func counts(_ decision: DecisionLog.Decision) -> Bool {
        decision.preemptable || decision.stream == .readsFrom
    }

    /// How many of `decisions` count against the bound: preemptions and stale reads-from choices.
    package static func preemptions(in decisions: some Sequence<DecisionLog.Decision>) -> Int {
        decisions.reduce(0) { $0 + (counts($1) && $1.position != $1.defaultPosition ? 1 : 0) }
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
            // Every other option of a decision that counts costs one; of any other, nothing.
            let affordable = !BoundedSearch.counts(last) || used < bound
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
