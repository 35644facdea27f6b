import RundownTestKit

/// Selectively uniform random walk (Zhao, Wolff, Mathur and Roychoudhury, ASPLOS 2025), as the
/// paper's artifact (`zhaohuanqdcn/SURW`, `src/main.zig` and `scripts/period/bench_runner.py`)
/// runs it for its SURW column (configuration `rp-urw`):
///
/// - **Profile.** The first run is a plain random walk (the artifact's dry run, counted as a
///   schedule as the artifact's figures count it). It records, per thread and object, how many
///   accesses the thread made, which objects were written, and who spawned whom.
/// - **Interesting object.** Candidates are the objects that at least `max(2, threads / 2)`
///   threads of the profile touched, at least one of them writing, that are program data (a
///   mutex's or condition variable's own word never is: the artifact sees lock operations as
///   lock events). Each run draws one, weighted by its accesses in the profile; with none, no
///   event is interesting.
/// - **Estimates.** A thread's remaining interesting events start at its profile count for the
///   object plus those of every thread it (transitively) spawned.
/// - **Base scheduler.** Random priorities: every thread has one, the highest-priority runnable
///   thread that is not held runs, and a thread draws a fresh priority after each
///   uninteresting event it runs (the artifact's `rp`).
/// - **Uniform part.** When the base picks a thread whose next event is interesting, a target
///   thread is drawn (once, until it has done one) among the runnable threads not held, with
///   probability proportional to their remaining events (a picked thread with none left counts
///   one); a picked thread that is not the target is held. The target's interesting event runs,
///   its count drops by one and every held thread is released. When every runnable thread is
///   held, all are released and the target is dropped.
/// - **Thread creation.** When a thread with remaining events spawns a child, the child's
///   estimate comes off the parent's count, and if the parent was the target the target passes
///   to the child with probability child / parent (its count before the subtraction).
/// - **Starvation.** After 1,000 choices of the same thread in a row, every priority is redrawn
///   and every held thread released (the artifact's minimal fairness).
///
/// With `everyEvent` set every event is interesting and the estimates are each thread's events
/// in the profile (plus its descendants'), the base keeps the current thread running: the
/// artifact's `basicurw` configuration, which its table calls N-S and the paper URW, uniform over
/// all interleavings when the estimates are exact.
///
/// Threads are identified by their index (spawn order), which is the artifact's fork-tree
/// position in programs whose threads are all spawned by one thread.
package final class SelectivelyUniformWalk: ScheduleStrategy {
    private var random: SplitMix64
    private let everyEvent: Bool

    /// Whether the next run (or the one in progress) is the profile run.
    private var profiling = true
    /// The profile run's accesses, per thread and object.
    private var profileCounts: [[UInt: Int]] = []
    /// The profile run's events per thread (every scheduling point).
    private var profileEvents: [Int] = []
    /// Objects the profile run wrote, and those that were synchronisation words.
    private var written: Set<UInt> = []
    private var synchronisation: Set<UInt> = []
    /// The profile run's spawns: each thread's children.
    private var children: [[Int]] = []
    /// The interesting-object candidates and their weights (accesses in the profile).
    private var candidates: [(object: UInt, weight: Int)] = []

    private var interesting: UInt?
    /// This run's estimates (remaining interesting events per thread).
    private var remaining: [Int] = []
    /// Each thread's estimate at its start (its subtree's count).
    private var estimate: [Int] = []
    private var priorities: [Double] = []
    private var target: Int?
    private var held: [Bool] = []
    private var heldCount = 0
    private var lastChosen = -1
    private var stay = 0

    package init(seed: UInt64, everyEvent: Bool = false) {
        random = SplitMix64(seed: seed)
        self.everyEvent = everyEvent
    }

    package var name: String { everyEvent ? "urw" : "surw" }

    /// The object this run treats as interesting (nil in the profile run, with no candidate, or
    /// with every event interesting).
    package var interestingObject: UInt? { interesting }

    /// The objects a run may draw as interesting, after the profile run.
    package var candidateObjects: [UInt] { candidates.map(\.object) }

    package func beginRun(threads: Int) {
        target = nil
        held = Array(repeating: false, count: threads)
        heldCount = 0
        lastChosen = -1
        stay = 0
        if profiling {
            profileCounts = Array(repeating: [:], count: threads)
            profileEvents = Array(repeating: 0, count: threads)
            children = Array(repeating: [], count: threads)
            written = []
            synchronisation = []
            interesting = nil
            return
        }
        priorities = (0..<threads).map { _ in Double.random(in: 0..<1, using: &random) }
        var own: [Int]
        if everyEvent {
            interesting = nil
            own = (0..<threads).map { $0 < profileEvents.count ? profileEvents[$0] : 0 }
        } else {
            interesting = drawCandidate()
            own = (0..<threads).map { thread in
                guard let interesting, thread < profileCounts.count else { return 0 }
                return profileCounts[thread][interesting] ?? 0
            }
        }
        estimate = own
        // Children are spawned after their parents (a higher index), so one pass from the end
        // sums every subtree.
        for thread in stride(from: threads - 1, through: 0, by: -1) where thread < children.count {
            for child in children[thread] where child < threads { estimate[thread] += estimate[child] }
        }
        remaining = estimate
    }

    private func drawCandidate() -> UInt? {
        let total = candidates.reduce(0) { $0 + $1.weight }
        guard total > 0 else { return nil }
        var draw = Int.random(in: 0..<total, using: &random)
        for candidate in candidates {
            if draw < candidate.weight { return candidate.object }
            draw -= candidate.weight
        }
        return candidates.last!.object
    }

    private func isInteresting(_ access: PendingAccess) -> Bool {
        everyEvent || (interesting != nil && access.object == interesting && !access.synchronises)
    }

    package func spawned(_ child: Int, by parent: Int) {
        if profiling {
            if parent < children.count { children[parent].append(child) }
            return
        }
        guard remaining[parent] > 0 else { return }
        let childEvents = estimate[child]
        if target == parent && childEvents >= Int.random(in: 1...remaining[parent], using: &random) {
            target = child
        }
        remaining[parent] = max(remaining[parent] - childEvents, 0)
    }

    package func chooseThread(_ point: DecisionPoint) -> Int {
        if profiling {
            let pick = point.runnable[Int.random(in: 0..<point.runnable.count, using: &random)]
            let access = point.pending[pick]
            profileEvents[pick] += 1
            if access.object != 0 {
                profileCounts[pick][access.object, default: 0] += 1
                if access.writes { written.insert(access.object) }
                if access.synchronises { synchronisation.insert(access.object) }
            }
            return pick
        }
        var list = heldCount == 0 ? point.runnable : point.runnable.filter { !held[$0] }
        if list.isEmpty {
            release()
            list = point.runnable
        }
        if !everyEvent {
            // The common case costs one pass: the base's pick is not interesting.
            var best = list[0]
            for thread in list where priorities[thread] > priorities[best] { best = thread }
            if !isInteresting(point.pending[best]) {
                priorities[best] = Double.random(in: 0..<1, using: &random)
                return chosen(best)
            }
            // The base's successive picks as threads are held: descending priority.
            list.sort { priorities[$0] < priorities[$1] }
        }
        var first = true
        while true {
            if list.isEmpty {
                // Everyone runnable waits for a target that cannot run: release them all.
                release()
                list = point.runnable
                if !everyEvent { list.sort { priorities[$0] < priorities[$1] } }
            }
            let pick = nextPick(&list, continuing: first ? point.continuing : nil)
            first = false
            let access = point.pending[pick]
            if !isInteresting(access) {
                priorities[pick] = Double.random(in: 0..<1, using: &random)
                return chosen(pick)
            }
            if remaining[pick] == 0 { remaining[pick] = 1 }
            if target == nil { target = weightedPick(among: list, and: pick) }
            if pick != target {
                held[pick] = true
                heldCount += 1
                continue
            }
            remaining[pick] -= 1
            release()
            return chosen(pick)
        }
    }

    /// The base scheduler's next pick, taken out of `list`: the highest priority (`list` is in
    /// ascending order), or with every event interesting the continuing thread if it is there,
    /// else a uniform one.
    private func nextPick(_ list: inout [Int], continuing: Int?) -> Int {
        if !everyEvent { return list.removeLast() }
        var index = Int.random(in: 0..<list.count, using: &random)
        if let continuing, let position = list.firstIndex(of: continuing) { index = position }
        list.swapAt(index, list.count - 1)
        return list.removeLast()
    }

    private func release() {
        if heldCount > 0 {
            for index in held.indices { held[index] = false }
            heldCount = 0
        }
        target = nil
    }

    private func chosen(_ thread: Int) -> Int {
        if thread == lastChosen {
            stay += 1
            if stay >= 1_000 {
                for index in priorities.indices { priorities[index] = Double.random(in: 0..<1, using: &random) }
                release()
                stay = 0
            }
        } else {
            lastChosen = thread
            stay = 0
        }
        return thread
    }

    /// A thread among `list` and `pick` drawn with probability proportional to its remaining
    /// interesting events (`pick` has at least one).
    private func weightedPick(among list: [Int], and pick: Int) -> Int {
        let total = list.reduce(remaining[pick]) { $0 + remaining[$1] }
        var draw = Int.random(in: 0..<total, using: &random)
        if draw < remaining[pick] { return pick }
        draw -= remaining[pick]
        for thread in list {
            if draw < remaining[thread] { return thread }
            draw -= remaining[thread]
        }
        return pick
    }

    package func chooseValue(below arity: Int) -> Int { Int.random(in: 0..<arity, using: &random) }

    package func endRun(steps: Int) {
        guard profiling else { return }
        profiling = false
        let threads = profileEvents.filter { $0 > 0 }.count
        var sharers: [UInt: Int] = [:]
        var weights: [UInt: Int] = [:]
        for counts in profileCounts {
            for (object, count) in counts {
                sharers[object, default: 0] += 1
                weights[object, default: 0] += count
            }
        }
        let needed = max(2, threads / 2)
        candidates = sharers.keys.sorted()
            .filter { sharers[$0]! >= needed && written.contains($0) && !synchronisation.contains($0) }
            .map { ($0, weights[$0]!) }
    }
}
