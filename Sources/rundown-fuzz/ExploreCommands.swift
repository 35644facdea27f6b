import ArgumentParser
import Foundation
import Rundown
import RundownFuzz
import RundownHarness

extension RundownFuzzCommand {
    struct Explore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Run a schedule strategy on a ported benchmark program; write the first failure as a replay file.",
            discussion: """
                Strategies: random-walk, pct<depth> (pct3, pct10, ...), pos, surw, urw, bounded \
                (every schedule with at most --bound preemptions). Programs: \
                \(BenchmarkProgram.all.map(\.name).joined(separator: ", ")). The failure goes to \
                findings/explore/ as a Benchmarks input: `ci/fuzz replay Benchmarks FILE` replays it, \
                `ci/fuzz minimize Benchmarks FILE` shrinks it. Exit status 1 when a failure was found.
                """)
        @Option(help: "The schedule source.") var strategy = "surw"
        @Option(help: "The preemption bound of --strategy bounded.") var bound = 2
        @Option(help: "At most this many schedules.") var schedules = 100_000
        @Option(help: "At most this many seconds.") var time: Int?
        @Option(help: "The random seed of a sampling strategy.") var seed: UInt64 = 1
        @Argument(help: "The program (CS/reorder_10 or reorder_10).") var program: String

        func validate() throws {
            guard schedules >= 1 else { throw ValidationError("--schedules must be 1 or more (got \(schedules))") }
            guard bound >= 0 else { throw ValidationError("--bound must be 0 or more (got \(bound))") }
            if let time, time < 1 { throw ValidationError("--time must be 1 second or more (got \(time))") }
        }

        func run() throws {
            try reportingErrors {
                let explore = RundownFuzz.Explore(
                    workspace: try Workspace.current(), program: try RundownFuzz.Explore.program(named: program),
                    source: try ScheduleSource.named(strategy, bound: bound), seed: seed, schedules: schedules,
                    seconds: time.map(Double.init))
                if try explore.run(progress: say, print: show) { throw ExitCode(1) }
            }
        }
    }

    struct Calibrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Schedules to the first bug of each ported program per strategy, beside the published figures.",
            discussion: """
                For each program and sampling strategy: mean ± standard deviation of the schedules \
                to the first bug over --trials trials (seeds 1 to N), each capped at --cap schedules, \
                with (found/trials) when some missed; then the bounded search's schedules to the \
                first bug at 2 preemptions. "(paper)" columns: the SURW artifact's raw table \
                (zhaohuanqdcn/SURW, stats/period/out.tex). The last columns: our best source \
                (among those that found the bug in every trial), the best published figure, and \
                whether ours is within twice it. docs/calibration.md reads the table.
                """)
        @Option(help: "Trials per program and strategy.") var trials = 20
        @Option(help: "Schedules per trial at most.") var cap = 10_000
        @Argument(help: "Programs (default: all).") var programs: [String] = []

        func validate() throws {
            guard trials >= 1 else { throw ValidationError("--trials must be 1 or more (got \(trials))") }
            guard cap >= 1 else { throw ValidationError("--cap must be 1 or more (got \(cap))") }
        }

        func run() throws {
            try reportingErrors {
                let chosen =
                    programs.isEmpty
                    ? BenchmarkProgram.all
                    : try programs.map { name throws(UsageError) in try RundownFuzz.Explore.program(named: name) }
                let table = CalibrationTable(programs: chosen, trials: trials, cap: cap)
                show("\(trials) trials, cap \(cap) schedules per trial")
                table.run(progress: say).forEach(show)
            }
        }
    }
}

extension RundownFuzzCommand {
    struct ExploreRundown: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "explore-rundown",
            abstract: "A schedule strategy, or every schedule up to --bound preemptions, on rundown programs.",
            discussion: """
                The programs: the standard small set (owner + 2 workers on one ref, each worker \
                acquires and releases once, the owner waits for rundown and tears down; every ref \
                kind, 1 and 2 CPU slots), or the Interleavings input files given (their schedule \
                bytes are dropped). --strategy bounded (the default) ends each program with \
                "explored all N schedules up to K preemptions: no failure"; the sampling strategies \
                run --schedules or --time. --memory weak runs under the weak-memory model, the \
                strategy (or the bounded search, a stale read counting as a preemption) making the \
                reads-from choices too; --memory sc sequentially consistent; by default each \
                control's own: weak for the ordering controls (relaxed-*), which a sequentially \
                consistent run cannot catch, sc otherwise. The first failure is written under \
                findings/explore/ as an Interleavings input, or a WeakMemory one under weak memory. \
                With --minimal: for every control a sequentially consistent schedule can catch (with \
                --memory weak, every control), the smallest bound (up to --bound) that finds it. \
                With --controls-table: every control against every strategy (random-walk, pct3, \
                pct10, pos, surw, urw, bounded at --bound), the median schedules and seconds to the \
                first failure over seeds 1 to --seeds, each program capped at --schedules (and \
                --time), as a Markdown table (docs/controls.md); with --control, that control's row \
                only. With --throughput: each strategy \
                runs --schedules schedules on each program on the real implementation; a table of \
                schedules per second.
                """)
        @OptionGroup var control: ControlOptions
        @Option(help: "The schedule source: bounded, random-walk, pct<depth>, pos, surw, urw.") var strategy = "bounded"
        @Option(help: "The preemption bound of the bounded search.") var bound = 2
        @Option(help: "At most this many schedules per program.") var schedules = 1_000_000
        @Option(help: "At most this many seconds per program (sampling strategies).") var time: Int?
        @Option(help: "The random seed of a sampling strategy.") var seed: UInt64 = 1
        @Option(help: "The memory model: sc or weak (default: weak for the ordering controls, else sc).")
        var memory: String?
        @Flag(help: "Find each control's minimal bound instead.") var minimal = false
        @Flag(help: "Every control against every strategy: docs/controls.md's by-strategy table.")
        var controlsTable = false
        @Flag(help: "Schedules per second of every strategy on the programs (real implementation).")
        var throughput = false
        @Option(help: "Seeds per sampling strategy for --controls-table (1 to N).") var seeds = 5
        @Argument(help: "Interleavings input files (default: the small set).") var files: [String] = []

        func validate() throws {
            guard bound >= 0 else { throw ValidationError("--bound must be 0 or more (got \(bound))") }
            guard schedules >= 1 else { throw ValidationError("--schedules must be 1 or more (got \(schedules))") }
            if let time, time < 1 { throw ValidationError("--time must be 1 second or more (got \(time))") }
            guard seeds >= 1 else { throw ValidationError("--seeds must be 1 or more (got \(seeds))") }
            let modes = [minimal, controlsTable, throughput].filter { $0 }.count
            guard modes <= 1 else {
                throw ValidationError(
                    "--minimal, --controls-table and --throughput are separate runs: give one of them")
            }
            if throughput && control.control != nil {
                throw ValidationError("--control does not go with --throughput (it runs the real implementation)")
            }
            if (controlsTable || throughput) && strategy != "bounded" {
                throw ValidationError(
                    "--strategy does not go with --controls-table or --throughput (they run every strategy)")
            }
        }

        func run() throws {
            try reportingErrors {
                var explore = RundownFuzz.ExploreRundown(
                    workspace: try Workspace.current(),
                    source: minimal ? .bounded(bound: bound) : try ScheduleSource.named(strategy, bound: bound),
                    control: try control.fault(), maxSchedules: schedules)
                explore.seed = seed
                explore.seconds = time.map(Double.init)
                explore.memory = try memory.map(RundownFuzz.ExploreRundown.Memory.named)
                if !files.isEmpty { try explore.use(files: files) }
                if minimal { return explore.minimalBounds(progress: say).forEach(show) }
                if controlsTable {
                    let rows = control.control == nil ? RundownFault.controls : [explore.control]
                    return explore.controlsTable(seeds: seeds, controls: rows, progress: say).forEach(show)
                }
                if throughput { return explore.throughput(progress: say).forEach(show) }
                if try explore.run(progress: say, print: show) { throw ExitCode(1) }
            }
        }
    }
}
