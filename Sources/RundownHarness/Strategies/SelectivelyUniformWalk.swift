import RundownTestKit

/// Selectively uniform random walk (Zhao, Wolff, Mathur and Roychoudhury, ASPLOS 2025), as we
/// read the paper and its artifact: a base random walk schedules every event, except that the
/// order of the *interesting* events (accesses to one shared object, drawn per run among those
/// that two or more threads touched in earlier runs) is sampled uniformly over their
/// interleavings. When the walk picks a thread whose next event is interesting, a target thread
/// is drawn with probability proportional to its remaining interesting events; other threads
/// about to do an interesting event wait until the target has done its own.
///
/// The remaining-event estimates come from the runs so far: the strategy counts, per thread and
/// object, what each run executed (the first run, before any profile, is a plain random walk).
/// With `everyEvent` set every event is interesting: the paper's URW, uniform over all
/// interleavings when the estimates are exact.
package final class SelectivelyUniformWalk: ScheduleStrategy {
    private var random: SplitMix64
    private let everyEvent: Bool
    /// The largest count seen, per thread and object, in any run so far.
    private var profile: [[UInt: Int]] = []
    /// This run's counts (merged into `profile` at its end).
    private var counts: [[UInt: Int]] = []
    private var interesting: UInt?
    private var remaining: [Int] = []
    private var target: Int?
    private var held: Set<Int> = []

    package init(seed: UInt64, everyEvent: Bool = false) {
        random = SplitMix64(seed: seed)
        self.everyEvent = everyEvent
    }

    package var name: String { everyEvent ? "urw" : "surw" }

    package func beginRun(threads: Int) {
        if profile.count < threads { profile += Array(repeating: [:], count: threads - profile.count) }
        counts = Array(repeating: [:], count: threads)
        target = nil
        held = []
        if everyEvent {
            interesting = nil
            remaining = (0..<threads).map { profile[$0].values.reduce(0, +) }
            return
        }
        var sharers: [UInt: Int] = [:]
        for thread in profile.indices { for object in profile[thread].keys { sharers[object, default: 0] += 1 } }
        let shared = sharers.filter { $0.key != 0 && $0.value >= 2 }.keys.sorted()
        interesting = shared.isEmpty ? nil : shared[Int.random(in: 0..<shared.count, using: &random)]
        remaining = (0..<threads).map { thread in interesting.map { profile[thread][$0] ?? 0 } ?? 0 }
    }

    private func isInteresting(_ access: PendingAccess) -> Bool {
        everyEvent
            ? !profile.isEmpty && remaining.contains { $0 > 0 } : access.object != 0 && access.object == interesting
    }

    package func chooseThread(_ point: DecisionPoint) -> Int {
        while true {
            var candidates = point.runnable.filter { !held.contains($0) }
            if candidates.isEmpty {
                // Everyone runnable waits for a target that cannot run: start over.
                held = []
                target = nil
                candidates = point.runnable
            }
            let pick = candidates[Int.random(in: 0..<candidates.count, using: &random)]
            let access = point.pending[pick]
            guard isInteresting(access) else { return executed(pick, access) }
            if target == nil { target = weightedPick(among: candidates) }
            if pick != target {
                held.insert(pick)
                continue
            }
            remaining[pick] = max(remaining[pick] - 1, 0)
            target = nil
            held = []
            return executed(pick, access)
        }
    }

    /// A thread drawn with probability proportional to its remaining interesting events
    /// (uniformly when none has any left).
    private func weightedPick(among candidates: [Int]) -> Int {
        let total = candidates.reduce(0) { $0 + remaining[$1] }
        guard total > 0 else { return candidates[Int.random(in: 0..<candidates.count, using: &random)] }
        var draw = Int.random(in: 0..<total, using: &random)
        for thread in candidates {
            if draw < remaining[thread] { return thread }
            draw -= remaining[thread]
        }
        return candidates[candidates.count - 1]
    }

    private func executed(_ thread: Int, _ access: PendingAccess) -> Int {
        counts[thread][access.object, default: 0] += 1
        return thread
    }

    package func chooseValue(below arity: Int) -> Int { Int.random(in: 0..<arity, using: &random) }

    package func endRun(steps: Int) {
        for thread in counts.indices {
            for (object, count) in counts[thread] { profile[thread][object] = max(profile[thread][object] ?? 0, count) }
        }
    }
}
