import Rundown
import RundownTestKit

/// The standard small set of rundown programs for bounded exhaustive search: an owner and two
/// workers on one ref, each worker acquiring and releasing once while the owner waits for
/// rundown and tears the ref down; every ref kind, with 1 and 2 CPU slots. Small enough that
/// every schedule up to 2 preemptions (and every CPU slot answer) can be run.
package enum RundownSmallSet {
    /// A member: its name and its Interleavings input with no schedule bytes.
    package struct Member: Sendable {
        package let name: String
        package let input: [UInt8]
    }

    package static let members: [Member] = RefKind.allCases.flatMap { kind in
        [1, 2].map { cpus in
            let program = [
                InputEncoding.operation(thread: 1, kind: 0), InputEncoding.operation(thread: 2, kind: 0),
                InputEncoding.operation(thread: 0, kind: 0), InputEncoding.operation(thread: 1, kind: 4),
                InputEncoding.operation(thread: 2, kind: 4),
            ]
            return Member(
                name: "\(kind)-\(cpus)cpu",
                input: InputEncoding.input(kind: kind, cpus: cpus, workers: 2, program: program, schedule: []))
        }
    }

    /// The member's program, decoded.
    package static func program(of member: Member) -> Program {
        // The inputs above are valid by construction; a rejection is a bug here.
        guard let decoded = try? InputDecoder(mode: .interleavings).decodeInput(member.input) else {
            preconditionFailure("the small-set input \(member.name) does not decode")
        }
        return decoded.program
    }

    /// Every schedule of `member` with at most `bound` preemptions, under `fault`, until the
    /// first failure or `maxSchedules`. A finding's bytes, appended to `member.input`, are an
    /// Interleavings input that replays it.
    package static func explore(
        _ member: Member, bound: Int, fault: RundownFault, maxSchedules: Int, progress: Exploration.Progress? = nil
    ) -> Exploration.Report {
        let program = program(of: member)
        return Exploration.bounded(
            { schedule, log in
                OneRunAtATime.run {
                    let runner = Runner.shared
                    runner.reset(program: program, mode: .interleavings)
                    let outcome = runner.run(schedule: schedule, fault: fault, feedsCounters: false, decisions: log)
                    return RuntimeOutcome(failure: outcome.failure, schedule: schedule, steps: outcome.steps, trace: [])
                }
            }, bound: bound, maxSchedules: maxSchedules, progress: progress)
    }

    /// Samples schedules of `member` from `strategy` under `fault` until the first failure,
    /// `maxSchedules` schedules or `seconds` seconds. A finding's bytes, appended to
    /// `member.input`, are an Interleavings input that replays it.
    package static func sample(
        _ member: Member, strategy: any ScheduleStrategy, fault: RundownFault, maxSchedules: Int,
        seconds: Double? = nil, progress: Exploration.Progress? = nil
    ) -> Exploration.Report {
        let program = program(of: member)
        return Exploration.sample(
            { strategy in
                OneRunAtATime.run {
                    let runner = Runner.shared
                    runner.reset(program: program, mode: .interleavings)
                    let outcome = runner.run(schedule: [], fault: fault, feedsCounters: false, strategy: strategy)
                    return RuntimeOutcome(
                        failure: outcome.failure, schedule: outcome.produced, steps: outcome.steps, trace: [])
                }
            }, strategy: strategy, maxSchedules: maxSchedules, seconds: seconds, progress: progress)
    }

    /// A member made of an Interleavings input: its program, without its schedule bytes; nil if
    /// the decoder rejects it.
    package static func member(named name: String, input: [UInt8]) -> Member? {
        guard let decoded = try? InputDecoder(mode: .interleavings).decodeInput(input) else { return nil }
        return Member(name: name, input: Array(input.prefix(input.count - decoded.schedule.count)))
    }

    /// The smallest preemption bound (up to `maxBound`) at which some member fails under
    /// `fault`: the bound, the member and the report; nil if none does.
    package static func minimalBound(
        for fault: RundownFault, maxBound: Int, maxSchedules: Int
    ) -> (bound: Int, member: Member, report: Exploration.Report)? {
        for bound in 0...maxBound {
            for member in members {
                let report = explore(member, bound: bound, fault: fault, maxSchedules: maxSchedules)
                if report.finding != nil { return (bound, member, report) }
            }
        }
        return nil
    }
}
