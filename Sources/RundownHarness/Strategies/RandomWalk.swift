import RundownTestKit

/// The naive random walk: every decision uniform among the runnable threads, independently.
/// (The SURW paper calls this RW; its "URW" weighs threads by their remaining events, which is
/// ``SelectivelyUniformWalk`` with every event interesting.)
package final class RandomWalk: ScheduleStrategy {
    private var random: SplitMix64

    package init(seed: UInt64) { random = SplitMix64(seed: seed) }

    package var name: String { "random-walk" }

    package func beginRun(threads: Int) {}

    package func chooseThread(_ point: DecisionPoint) -> Int {
        point.runnable[Int.random(in: 0..<point.runnable.count, using: &random)]
    }

    package func chooseValue(below arity: Int) -> Int { Int.random(in: 0..<arity, using: &random) }
}
