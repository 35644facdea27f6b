import RundownTestKit

/// Partial order sampling (Yuan, Yang and Gu, CAV 2018): every pending event has a random
/// priority and the highest-priority runnable one runs; once it has run, the thread's next
/// event and every pending event that conflicts with the one that ran draw fresh priorities.
/// Re-drawing only on conflicts makes the sampling closer to uniform over partial orders than
/// a random walk's (which favours orders with few switches between conflicting events).
package final class POS: ScheduleStrategy {
    private var random: SplitMix64
    private var priorities: [Double] = []

    package init(seed: UInt64) { random = SplitMix64(seed: seed) }

    package var name: String { "pos" }

    package func beginRun(threads: Int) {
        priorities = (0..<threads).map { _ in Double.random(in: 0..<1, using: &random) }
    }

    package func chooseThread(_ point: DecisionPoint) -> Int {
        let chosen = point.runnable.max { priorities[$0] < priorities[$1] }!
        let event = point.pending[chosen]
        for thread in priorities.indices where thread != chosen && point.pending[thread].conflicts(with: event) {
            priorities[thread] = Double.random(in: 0..<1, using: &random)
        }
        priorities[chosen] = Double.random(in: 0..<1, using: &random)
        return chosen
    }

    package func chooseValue(below arity: Int) -> Int { Int.random(in: 0..<arity, using: &random) }
}
