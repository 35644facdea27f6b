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

        /// The input that replays `finding`: an Interleavings input, or for a weak-memory run a
        /// WeakMemory one (format version 2) with its reads-from bytes; nil when those are more
        /// than the format's 255. Trailing zeros are left out: a load past the end of the stream
        /// reads the newest store, as a 0 does.
        package func input(replaying finding: Exploration.Finding) -> [UInt8]? {
            guard var readsFrom = finding.readsFrom else { return input + finding.bytes }
            while readsFrom.last == 0 { readsFrom.removeLast() }
            guard readsFrom.count <= 255 else { return nil }
            return InputEncoding.addingReadsFrom(readsFrom, to: input) + finding.bytes
        }
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
    /// first failure or `maxSchedules`; with `weakMemory`, under the weak-memory model, stale
    /// reads counted against the bound (``BoundedSearch``). A fast-path control runs on the fast
    /// path's model, as ``Harness/run(_:mode:fault:feedsCounters:stepBound:fastPath:)`` replays
    /// it. `member.input(replaying:)` is the input that replays a finding.
    package static func explore(
        _ member: Member, bound: Int, fault: RundownFault, maxSchedules: Int, weakMemory: Bool = false,
        progress: Exploration.Progress? = nil
    ) -> Exploration.Report {
        let program = program(of: member)
        return Exploration.bounded(
            { schedule, readsFrom, log in
                run(program, weakMemory: weakMemory) { runner in
                    runner.run(
                        schedule: schedule, readsFrom: weakMemory ? readsFrom : nil, fault: fault, feedsCounters: false,
                        decisions: log, fastPath: fault.needsFastPath)
                }
            }, bound: bound, maxSchedules: maxSchedules, progress: progress)
    }

    /// Samples schedules of `member` from `strategy` under `fault` until the first failure,
    /// `maxSchedules` schedules or `seconds` seconds; with `weakMemory`, under the weak-memory
    /// model, the strategy making the reads-from choices too; a fast-path control on the fast
    /// path's model (as in ``explore(_:bound:fault:maxSchedules:weakMemory:progress:)``).
    /// `member.input(replaying:)` is the input that replays a finding.
    package static func sample(
        _ member: Member, strategy: any ScheduleStrategy, fault: RundownFault, maxSchedules: Int,
        weakMemory: Bool = false, seconds: Double? = nil, progress: Exploration.Progress? = nil
    ) -> Exploration.Report {
        let program = program(of: member)
        return Exploration.sample(
            { strategy in
                run(program, weakMemory: weakMemory) { runner in
                    runner.run(
                        schedule: [], readsFrom: weakMemory ? [] : nil, fault: fault, feedsCounters: false,
                        strategy: strategy, fastPath: fault.needsFastPath)
                }
            }, strategy: strategy, maxSchedules: maxSchedules, seconds: seconds, progress: progress)
    }

    /// One run of `program` by `body` on the shared runner, in the Interleavings or WeakMemory
    /// target's mode, as an exploration sees it.
    private static func run(
        _ program: Program, weakMemory: Bool, _ body: (Runner) -> Runner.RunOutcome
    ) -> RuntimeOutcome {
        OneRunAtATime.run {
            let runner = Runner.shared
            runner.reset(program: program, mode: weakMemory ? .weakMemory : .interleavings)
            let outcome = body(runner)
            return RuntimeOutcome(
                failure: outcome.failure, schedule: outcome.produced, steps: outcome.steps, trace: [],
                readsFrom: outcome.producedReadsFrom)
        }
    }

    /// A member made of an Interleavings input: its program, without its schedule bytes; nil if
    /// the decoder rejects it. The length byte is set to the program bytes there are: a length
    /// past the end of the input would take the first bytes of a finding's schedule into the
    /// program, and the finding would replay another program.
    package static func member(named name: String, input: [UInt8]) -> Member? {
        guard let decoded = try? InputDecoder(mode: .interleavings).decodeInput(input) else { return nil }
        var program = Array(input.prefix(input.count - decoded.schedule.count))
        program[3] = UInt8(program.count - 4)
        return Member(name: name, input: program)
    }

    /// The smallest preemption bound (up to `maxBound`) at which some member fails under
    /// `fault`: the bound, the member and the report; nil if none does.
    package static func minimalBound(
        for fault: RundownFault, maxBound: Int, maxSchedules: Int, weakMemory: Bool = false
    ) -> (bound: Int, member: Member, report: Exploration.Report)? {
        for bound in 0...maxBound {
            for member in members {
                let report = explore(
                    member, bound: bound, fault: fault, maxSchedules: maxSchedules, weakMemory: weakMemory)
                if report.finding != nil { return (bound, member, report) }
            }
        }
        return nil
    }
}
