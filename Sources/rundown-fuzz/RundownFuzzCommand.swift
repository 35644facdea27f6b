import ArgumentParser
import Foundation
import Rundown
import RundownFuzz
import RundownHarness
import RundownSoak

/// `rundown-fuzz` (run as `ci/fuzz`): the fuzzing workflow's one front-end. It owns the target
/// list, the build flags, the paths, the options files and the recap; the shell wrapper only
/// builds it.
@main
struct RundownFuzzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ci/fuzz",
        abstract: "Build, run and replay the libFuzzer targets of the rundown library.",
        discussion: """
            With no subcommand: build every target, fuzz each for 60 s from its working corpus \
            (seeded from Corpus/<Name>/), and print the recap. Campaigns never write Corpus/: new \
            inputs stay in .fuzz/corpus/<target> (ignored by git) until `merge` adds them; \
            findings go to findings/<target>/, full logs to findings/logs/.

            Exit status: 0 clean, 1 a finding (or a failed check), 2 the tool could not do its \
            work (a build failed), 64 bad usage, 130/143 stopped by SIGINT/SIGTERM (after the recap).

            RUNDOWN_CONTROL=<control> (or --control) runs against a deliberately broken variant \
            (`ci/fuzz list`). Targets: \(FuzzTarget.all.map(\.name).joined(separator: ", ")).
            """,
        subcommands: [
            Campaign.self, Build.self, Run.self, Check.self, Merge.self, Minimize.self, Replay.self, List.self,
            ControlsTable.self, Throughput.self, Coverage.self, OSSFuzzBuild.self, Clean.self, Explore.self,
            ExploreRundown.self, Calibrate.self,
        ],
        defaultSubcommand: Campaign.self)
}

/// Options every command that runs targets shares.
struct ControlOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Run against this negative control (default: $RUNDOWN_CONTROL, or none).", valueName: "control"))
    var control: String?

    /// The control: the option, else the environment, validated.
    func fault() throws -> RundownFault {
        let (name, source) =
            control.map { ($0, "--control") }
            ?? (ProcessInfo.processInfo.environment[Harness.controlVariable].map { ($0, Harness.controlVariable) } ?? (
                "", ""
            ))
        guard let fault = Harness.control(named: name) else {
            throw ValidationError(Harness.unknownControlMessage(name, source: source))
        }
        return fault
    }
}

/// Runs `body` and turns the library's errors into the documented exit statuses.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as UsageError {
        throw ValidationError(error.description)
    } catch let error as CheckFailure {
        FileHandle.standardError.write(Data("ci/fuzz: \(error.description)\n".utf8))
        throw ExitCode(1)
    } catch let error as ToolFailure {
        FileHandle.standardError.write(Data("ci/fuzz: \(error.description)\n".utf8))
        throw ExitCode(2)
    } catch let error as StopRequested {
        FileHandle.standardError.write(Data("ci/fuzz: \(error.description)\n".utf8))
        let signal = StopSignal.current.number
        throw ExitCode(128 + (signal == 0 ? SIGINT : signal))
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        // ArgumentParser's own usage errors (a bad --control, for one): exit 64 with its usage.
        throw error
    } catch {
        // A file the tool could not read or write, for example: the tool could not do its work.
        FileHandle.standardError.write(Data("ci/fuzz: \(error.localizedDescription)\n".utf8))
        throw ExitCode(2)
    }
}

func say(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
func show(_ text: String) { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }

/// Seconds for a campaign: a whole number from 1 second to a week. Parsed unconditionally, so
/// that `--time -5` gets this message instead of ArgumentParser's "missing value".
struct Seconds: ParsableArguments {
    @Option(
        name: .customLong("time"), parsing: .unconditional,
        help: ArgumentHelp("Seconds per target.", valueName: "seconds"))
    var value: Int = 60

    func validate() throws {
        guard (1...604_800).contains(value) else {
            throw ValidationError("--time must be a whole number of seconds from 1 to 604800 (got \(value))")
        }
    }
}

extension RundownFuzzCommand {
    struct Campaign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The main job: build every target, fuzz each for --time seconds, print the recap.")
        @OptionGroup var seconds: Seconds
        @OptionGroup var workers: Workers
        @OptionGroup var control: ControlOptions
        @Argument(help: "Targets (default: all).") var targets: [String] = []

        func run() throws {
            try reportingErrors {
                let workspace = try Workspace.current()
                // The default command takes the first word that is not a command as a target.
                if let unknown = targets.first(where: { name in !FuzzTarget.all.contains { $0.name == name } }) {
                    let commands = RundownFuzzCommand.configuration.subcommands.map { $0._commandName }
                    throw UsageError(
                        "'\(unknown)' is neither a command nor a target"
                            + (FuzzTarget.suggestion(for: unknown).map { " (did you mean \($0.name)?)" } ?? "")
                            + "; commands: \(commands.joined(separator: ", ")); targets: \(FuzzTarget.all.map(\.name).joined(separator: ", "))"
                    )
                }
                let chosen = try FuzzTarget.selection(targets, defaults: FuzzTarget.campaignTargets)
                let fault = try control.fault()
                let stop = StopSignal.install()
                try FuzzBuild(workspace: workspace).run(targets: chosen, stop: stop, log: say)
                try runCampaign(
                    workspace: workspace, targets: chosen, seconds: seconds.value, jobs: workers.jobs, control: fault,
                    stop: stop)
            }
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fuzz targets already built (ci/fuzz build) and print the recap.")
        @OptionGroup var seconds: Seconds
        @OptionGroup var workers: Workers
        @OptionGroup var control: ControlOptions
        @Argument(help: "Targets (default: all).") var targets: [String] = []

        func run() throws {
            try reportingErrors {
                let workspace = try Workspace.current()
                let chosen = try FuzzTarget.selection(targets, defaults: FuzzTarget.campaignTargets)
                try runCampaign(
                    workspace: workspace, targets: chosen, seconds: seconds.value, jobs: workers.jobs,
                    control: try control.fault(), stop: StopSignal.install())
            }
        }
    }

    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Build the targets (libFuzzer + their sanitizer, release) and check the build carries the sanitizer and the coverage counters."
        )
        @Argument(help: "Targets (default: all).") var targets: [String] = []

        func run() throws {
            try reportingErrors {
                try FuzzBuild(workspace: try Workspace.current()).run(
                    targets: try FuzzTarget.selection(targets), stop: StopSignal.install(), log: say)
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Run each target once over its committed corpus (no mutation); Threads-tsan also checks Corpus/ThreadsControls."
        )
        @OptionGroup var control: ControlOptions
        @Argument(help: "Targets (default: all).") var targets: [String] = []

        func run() throws {
            try reportingErrors {
                let check = CorpusCheck(
                    workspace: try Workspace.current(), control: try control.fault(), stop: StopSignal.install())
                try check.run(targets: try FuzzTarget.selection(targets), log: say)
            }
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Add the working corpora's new inputs to Corpus/<Name>/, minimised, keeping every coverage feature (the only command that writes Corpus/)."
        )
        @Argument(help: "Targets (default: all).") var targets: [String] = []

        func run() throws {
            try reportingErrors {
                let merge = CorpusMerge(workspace: try Workspace.current(), stop: StopSignal.install())
                var merged: [String] = []
                for target in try FuzzTarget.selection(targets) where !merged.contains(target.corpusName) {
                    merged.append(target.corpusName)
                    try merge.run(target, log: say)
                }
            }
        }
    }

    struct Minimize: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Shrink a finding with libFuzzer's crash minimiser (writes FILE.min).")
        @OptionGroup var control: ControlOptions
        @Argument(help: "The target the finding is for.") var target: String
        @Argument(help: "The finding.") var file: String

        func run() throws {
            try reportingErrors {
                let minimizer = CrashMinimizer(
                    workspace: try Workspace.current(), target: try FuzzTarget.named(target),
                    control: try control.fault())
                show(try minimizer.run(file: file, stop: StopSignal.install()))
            }
        }
    }

    struct Replay: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print what inputs do: the program, the interleaving (or the real-thread plan) and the verdict with its reason."
        )
        @OptionGroup var control: ControlOptions
        @Flag(help: "One line per input instead of the whole trace.") var quiet = false
        @Flag(help: "Run every input twice and fail if the two runs differ (determinism).") var twice = false
        @Flag(help: "Real-thread targets: print the decisions only, do not run.") var planOnly = false
        @Argument(help: "The target the inputs are for.") var target: String
        @Argument(help: "Input files.") var files: [String]

        func validate() throws {
            if files.isEmpty { throw ValidationError("name at least one input file") }
        }

        func run() throws {
            try reportingErrors {
                var replay = RundownFuzz.Replay(
                    workspace: try Workspace.current(), target: try FuzzTarget.named(target),
                    control: try control.fault())
                replay.quiet = quiet
                replay.twice = twice
                replay.planOnly = planOnly
                let failed = try replay.run(files: files, stop: StopSignal.install(), print: show)
                if failed > 0 { throw ExitCode(1) }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the targets and the negative controls.")
        @Flag(help: "Only the target names, one per line.") var targets = false
        @Flag(help: "Only the control names, one per line.") var controls = false
        @Flag(
            help:
                "Only the products an OSS-Fuzz or ClusterFuzzLite build puts in $OUT (calibration targets left out), one per line."
        ) var products = false

        func run() {
            if targets { return FuzzTarget.all.forEach { show($0.name) } }
            if products { return RundownFuzz.OSSFuzzBuild.products.forEach { show($0.product) } }
            if controls { return RundownFault.controls.forEach { show($0.rawValue) } }
            show("targets:")
            show(
                Table.render(FuzzTarget.all.map { ["  " + $0.name, $0.binaryPath, $0.summary] }).joined(separator: "\n")
            )
            show("negative controls (RUNDOWN_CONTROL or --control):")
            show(
                Table.render(
                    RundownFault.controls.map {
                        [
                            "  " + $0.rawValue,
                            !$0.weakensOrdering
                                ? "breaks the schedule logic"
                                : $0.racesOnRealThreads
                                    ? "weakens an ordering: WeakMemory and real threads under TSan see it"
                                    : "weakens an ordering: only WeakMemory sees it",
                        ]
                    }
                ).joined(separator: "\n"))
        }
    }

    struct ControlsTable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Every negative control against every target from an empty corpus: median time to the first finding.",
            discussion:
                "Writes the table to --out (default: findings/controls-table/<UTC time>/table.md) and prints it; docs/controls.md is updated by hand from it."
        )
        @Option(parsing: .unconditional, help: "Runs per cell (seeds 1...N).") var runs = 5
        @Option(
            parsing: .unconditional,
            help: "Seconds each run may take (twice that for ordering controls on real threads).") var limit = 60
        @Option(help: "Comma-separated controls (default: all).") var controls: String?
        @Option(help: "Comma-separated columns (default: all; see the error message for the names).") var targets:
            String?
        @Option(help: "Also write the table to this file.") var out: String?
        @Option(
            help:
                "What a cell measures: wall (seconds to the finding) or cpu (CPU seconds the run used: fairer between columns on a machine shared with other work)."
        ) var clock: RundownFuzz.ControlsTable.Clock = .wall

        func validate() throws {
            guard (1...100).contains(runs) else { throw ValidationError("--runs must be 1...100 (got \(runs))") }
            guard (1...86_400).contains(limit) else {
                throw ValidationError("--limit must be 1...86400 seconds (got \(limit))")
            }
        }

        func run() throws {
            try reportingErrors {
                let workspace = try Workspace.current()
                let names = controls.map { $0.split(separator: ",").map(String.init) } ?? []
                let chosen =
                    try names.isEmpty
                    ? RundownFault.controls
                    : names.map { name in
                        guard let fault = Harness.control(named: name), fault != .none else {
                            throw UsageError(Harness.unknownControlMessage(name, source: "--controls"))
                        }
                        return fault
                    }
                let columns = try RundownFuzz.ControlsTable.Column.selection(
                    targets.map { $0.split(separator: ",").map(String.init) } ?? [])
                let artifacts = "findings/controls-table/\(Workspace.stamp())"
                let destination = out ?? "\(artifacts)/table.md"
                if let out, let problem = OutputFile.problem(writing: out, option: "--out", example: "controls.md") {
                    throw UsageError(problem)
                }
                try FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
                say("ci/fuzz controls-table: findings and logs under \(artifacts)")
                let table = try RundownFuzz.ControlsTable(
                    workspace: workspace, runs: runs, limit: limit, controls: chosen, columns: columns, clock: clock,
                    stop: StopSignal.install()
                ).run(artifacts: artifacts, log: say)
                show(table)
                do {
                    try OutputFile.write(Data((table + "\n").utf8), to: destination)
                } catch {
                    throw ToolFailure("could not write the table to \(destination): \(error) (it is printed above)")
                }
                say("ci/fuzz controls-table: table in \(destination)")
            }
        }
    }

    struct Throughput: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Executions per second of a target on a fixed set of generated 3-thread x 8-operation programs.",
            discussion: """
                Without --jobs: each generated input runs once (-runs=0). With --jobs N: fuzzing from the \
                generated inputs for --time seconds with one worker, then with N (as `run --jobs N`), in \
                one command; prints both rates and their ratio.
                """)
        @Option(help: "The target (default: Threads-tsan).") var target = "Threads-tsan"
        @Option(parsing: .unconditional, help: "Generated inputs.") var count = 20_000
        @Option(help: "Also measure this target first, in the same run, and print the ratio (e.g. Interleavings).")
        var against: String?
        @Option(
            parsing: .unconditional,
            help: ArgumentHelp("Compare fuzzing on 1 and on N workers (N >= 2).", valueName: "N")) var jobs: Int?
        @Option(
            name: .customLong("time"), parsing: .unconditional,
            help: ArgumentHelp("With --jobs: seconds of fuzzing per worker count.", valueName: "seconds"))
        var seconds = 60

        func validate() throws {
            guard (1...1_000_000).contains(count) else {
                throw ValidationError("--count must be 1...1000000 (got \(count))")
            }
            if let jobs, !(2...Workers.maximum).contains(jobs) {
                throw ValidationError("--jobs must be 2...\(Workers.maximum) (got \(jobs))")
            }
            guard (1...86_400).contains(seconds) else {
                throw ValidationError("--time must be 1...86400 seconds (got \(seconds))")
            }
            if jobs != nil && against != nil {
                throw ValidationError("--jobs and --against measure different things: give one of them")
            }
        }

        func run() throws {
            try reportingErrors {
                let workspace = try Workspace.current()
                let stop = StopSignal.install()
                let measurement = RundownFuzz.Throughput(
                    workspace: workspace, target: try FuzzTarget.named(target), count: count)
                if let jobs {
                    show(
                        try measurement.scaling(jobs: jobs, seconds: seconds, stop: stop, log: say).joined(
                            separator: "\n"))
                } else if let against {
                    let baseline = try RundownFuzz.Throughput(
                        workspace: workspace, target: try FuzzTarget.named(against), count: count
                    ).measure(stop: stop)
                    let measured = try measurement.measure(stop: stop)
                    show(baseline.line)
                    show(measured.line)
                    let ratio = Double(measured.executionsPerSecond) / Double(max(baseline.executionsPerSecond, 1))
                    show(String(format: "\(target) / \(against): %.2fx the exec/s, same programs, one run", ratio))
                } else {
                    show(try measurement.run(stop: stop))
                }
            }
        }
    }

    struct Clean: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Drop the working corpora (.fuzz/): the inputs campaigns kept that `merge` did not add to Corpus/.")

        func run() throws {
            try reportingErrors {
                _ = try Workspace.current()
                let folder = Workspace.workFolder
                guard FileManager.default.fileExists(atPath: folder) else {
                    return show("nothing to remove: there is no \(folder)")
                }
                let count = (FileManager.default.enumerator(atPath: folder)?.allObjects.count) ?? 0
                do {
                    try FileManager.default.removeItem(atPath: folder)
                } catch {
                    throw ToolFailure("could not remove \(folder): \(error.localizedDescription)")
                }
                show("removed \(folder) (\(count) files and folders); findings/ is left as it is")
            }
        }
    }
}

/// Runs a campaign, prints its recap and exits with its status.
func runCampaign(
    workspace: Workspace, targets: [FuzzTarget], seconds: Int, jobs: Int, control: RundownFault, stop: StopSignal
) throws {
    let recap = try RundownFuzz.Campaign(
        workspace: workspace, targets: targets, seconds: seconds, control: control, stop: stop, jobs: jobs
    ).run(log: say)
    show(recap.lines.joined(separator: "\n"))
    let status = recap.exitStatus(interruptedStatus: stop.isRequested ? stop.exitStatus : 130)
    if status != 0 { throw ExitCode(status) }
}

extension RundownFuzz.ControlsTable.Clock: ExpressibleByArgument {}
