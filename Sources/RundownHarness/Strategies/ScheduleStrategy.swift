/// What a logical thread is about to do at a scheduling point: which shared object, and whether
/// it writes. Strategies that reason about conflicts (POS, SURW) read it; ``unknown`` (a point
/// that names no object) conflicts with everything.
package struct PendingAccess: Equatable, Sendable {
    /// The object's identity (its address); 0 for ``unknown``.
    package var object: UInt
    package var writes: Bool
    /// The object is a synchronisation primitive's own word (a runtime mutex or condition
    /// variable), not program data: SURW, like its artifact (which sees lock operations as lock
    /// events, not memory accesses), never makes it the interesting object.
    package var synchronises: Bool

    package init(object: UInt, writes: Bool, synchronises: Bool = false) {
        self.object = object
        self.writes = writes
        self.synchronises = synchronises
    }

    package static let unknown = PendingAccess(object: 0, writes: true)

    /// Whether running one access before the other can change what either observes.
    package func conflicts(with other: PendingAccess) -> Bool {
        if object == 0 || other.object == 0 { return true }
        return object == other.object && (writes || other.writes)
    }
}

/// One thread choice, as a strategy sees it.
package struct DecisionPoint {
    /// The threads that can run, in index order (never empty).
    package var runnable: [Int]
    /// The thread that reached the point, when it could go on (choosing another preempts it).
    package var continuing: Int?
    /// What every thread is about to do (indexed by thread).
    package var pending: [PendingAccess]
}

/// A schedule source: decides every choice of a controlled run instead of the schedule bytes.
/// The scheduler records each decision as the byte that replays it (the chosen thread's
/// position among the runnable ones), so any run a strategy makes is an ordinary input.
package protocol ScheduleStrategy: AnyObject {
    /// A short name for reports ("random-walk", "pct3", ...).
    var name: String { get }
    /// Called before each run of a program with `threads` logical threads.
    func beginRun(threads: Int)
    /// The thread to run next: one of `point.runnable`.
    func chooseThread(_ point: DecisionPoint) -> Int
    /// A data choice with `arity` options (which CPU slot a lookup answers): a number below it.
    func chooseValue(below arity: Int) -> Int
    /// Called after each run with the number of scheduling points it made.
    func endRun(steps: Int)
    /// Called when thread `parent` has created thread `child` (after the spawn's scheduling
    /// point, before anyone else runs).
    func spawned(_ child: Int, by parent: Int)
}

extension ScheduleStrategy {
    package func endRun(steps: Int) {}
    package func spawned(_ child: Int, by parent: Int) {}
}
