import RundownTestKit

/// Probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010): each run gives the
/// threads distinct random priorities above `depth - 1`, picks `depth - 1` change points among
/// the run's first `k` steps, and always runs the highest-priority runnable thread; at the i-th
/// change point the running thread drops to priority i (below every initial one). A bug of
/// depth d among n threads is found with probability at least 1/(n·k^(d-1)) per run.
///
/// `k` is estimated from the runs so far (the longest seen), starting at `initialSteps`.
package final class PCT: ScheduleStrategy {
    package let depth: Int
    private var random: SplitMix64
    private var priorities: [Int] = []
    private var changePoints: [Int] = []
    private var step = 0
    private var k: Int

    /// - Parameters:
    ///   - depth: the bug depth aimed at (1 or more); depth 1 never changes a priority.
    ///   - initialSteps: the estimate of a run's length before the first run has been seen.
    package init(depth: Int, seed: UInt64, initialSteps: Int = 64) {
        precondition(depth >= 1, "PCT needs a depth of 1 or more, got \(depth)")
        self.depth = depth
        self.random = SplitMix64(seed: seed)
        self.k = max(initialSteps, 1)
    }

    package var name: String { "pct\(depth)" }

    package func beginRun(threads: Int) {
        priorities = Array(depth..<(depth + threads)).shuffled(using: &random)
        changePoints = (0..<(depth - 1)).map { _ in Int.random(in: 1...k, using: &random) }
        step = 0
    }

    package func chooseThread(_ point: DecisionPoint) -> Int {
        step += 1
        var best = highest(in: point.runnable)
        for (index, changePoint) in changePoints.enumerated() where changePoint == step {
            priorities[best] = index
            best = highest(in: point.runnable)
        }
        return best
    }

    private func highest(in runnable: [Int]) -> Int {
        runnable.max { priorities[$0] < priorities[$1] }!
    }

    package func chooseValue(below arity: Int) -> Int { Int.random(in: 0..<arity, using: &random) }

    package func endRun(steps: Int) { k = max(k, step) }
}
