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

/// A schedule source: decides every choice of a controlled run instead of the schedule bytes
/// (and, in the weak-memory mode, instead of the reads-from bytes). The scheduler records each
/// decision as the byte that replays it (the chosen thread's position among the runnable ones;
/// a reads-from choice's distance from the newest store), so any run a strategy makes is an
/// ordinary input.
package protocol ScheduleStrategy: AnyObject {
    /// A short name for reports ("random-walk", "pct3", ...).
    var name: String { get }
    /// Called before each run of a program with `threads` logical threads.
    func beginRun(threads: Int)
    /// The thread to run next: one of `point.runnable`.
    func chooseThread(_ point: DecisionPoint) -> Int
    /// A data choice with `arity` options (which CPU slot a lookup answers): a number below it.
    func chooseValue(below arity: Int) -> Int
    /// A weak-memory choice with `choices` options (2 or more): how many stores older than the
    /// newest a load reads, or how far behind the newest a store is placed; 0 is the newest.
    func chooseReadsFrom(below choices: Int) -> Int
    /// Called after each run with the number of scheduling points it made.
    func endRun(steps: Int)
    /// Called when thread `parent` has created thread `child` (after the spawn's scheduling
    /// point, before anyone else runs).
    func spawned(_ child: Int, by parent: Int)
}

extension ScheduleStrategy {
    /// The newest store with probability 1/2, otherwise one of the older ones, uniformly (drawn
    /// with ``chooseValue(below:)``, from the strategy's own seeded generator). Stale reads are
    /// what find an ordering bug, so every older store stays likely (with two options this is
    /// the uniform choice random bytes make); but a load may have up to 8 options, and uniform
    /// choices would then read stale 7 times in 8, so a run would rarely keep the newest value
    /// on the loads around the one that matters, and a spinning load would take longer to see
    /// the store it waits for.
    package func chooseReadsFrom(below choices: Int) -> Int {
        chooseValue(below: 2) == 0 ? 0 : 1 + chooseValue(below: choices - 1)
    }

    package func endRun(steps: Int) {}
    package func spawned(_ child: Int, by parent: Int) {}
}
