import RundownHarness

/// A schedule source the front-end can name: a sampling strategy or the bounded search. The
/// names are what `explore --strategy` and the calibration table use.
package enum ScheduleSource: Sendable, Equatable, CustomStringConvertible {
    case randomWalk
    case pct(depth: Int)
    case pos
    case surw
    case urw
    /// Every schedule with at most `bound` preemptions.
    case bounded(bound: Int)

    /// Every sampling source the calibration table runs, in column order.
    package static let sampling: [ScheduleSource] = [.surw, .pct(depth: 3), .pct(depth: 10), .pos, .randomWalk, .urw]

    package var description: String {
        switch self {
        case .randomWalk: "random-walk"
        case let .pct(depth): "pct\(depth)"
        case .pos: "pos"
        case .surw: "surw"
        case .urw: "urw"
        case let .bounded(bound): "bounded\(bound)"
        }
    }

    /// The source called `name` ("random-walk", "pct3", "pos", "surw", "urw", "bounded");
    /// `bound` is the preemption bound of "bounded".
    package static func named(_ name: String, bound: Int) throws(UsageError) -> ScheduleSource {
        switch name {
        case "random-walk", "rw": return .randomWalk
        case "pos": return .pos
        case "surw": return .surw
        case "urw": return .urw
        case "bounded": return .bounded(bound: bound)
        default:
            if name.hasPrefix("pct"), let depth = Int(name.dropFirst(3)), (1...100).contains(depth) {
                return .pct(depth: depth)
            }
            throw UsageError(
                "unknown strategy '\(name)'; strategies: random-walk, pct<depth> (pct3, pct10, ...), pos, surw, urw, bounded"
            )
        }
    }

    /// A fresh strategy seeded with `seed`; nil for the bounded search (not a sampler).
    package func strategy(seed: UInt64) -> (any ScheduleStrategy)? {
        switch self {
        case .randomWalk: RandomWalk(seed: seed)
        case let .pct(depth): PCT(depth: depth, seed: seed)
        case .pos: POS(seed: seed)
        case .surw: SelectivelyUniformWalk(seed: seed)
        case .urw: SelectivelyUniformWalk(seed: seed, everyEvent: true)
        case .bounded: nil
        }
    }

    /// Explores `program` from this source until the first failure, `schedules` schedules or
    /// `seconds` seconds.
    package func explore(
        _ program: BenchmarkProgram, seed: UInt64, schedules: Int, seconds: Double?,
        progress: Exploration.Progress? = nil
    ) -> Exploration.Report {
        if case let .bounded(bound) = self {
            return Exploration.bounded(
                { program.run(schedule: $0, decisions: $2) }, bound: bound, maxSchedules: schedules, seconds: seconds,
                progress: progress)
        }
        return Exploration.sample(
            { program.run(schedule: [], strategy: $0) }, strategy: strategy(seed: seed)!, maxSchedules: schedules,
            seconds: seconds, progress: progress)
    }
}
