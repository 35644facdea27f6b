import Foundation
import Rundown
import RundownHarness

/// The negative-controls table: every deliberately broken variant against every target, from
/// an empty corpus, with fixed seeds. For each pair: the median time to the first finding over
/// `runs` runs (seeds 1...runs), each capped at `limit` seconds (twice that for the ordering
/// controls on real threads, the only target that can see them); a pair not found in a run is
/// not run again (it would only burn the cap again).
package struct ControlsTable {
    /// A column: a target, with or without the interleaving features fed to libFuzzer.
    package struct Column: Sendable, Equatable {
        package let name: String
        package let heading: String
        package let target: FuzzTarget
        package let extraCounters: Bool

        /// Every column, in table order.
        package static var all: [Column] {
            FuzzTarget.campaignTargets.flatMap { target -> [Column] in
                var columns = [Column(name: target.name, heading: heading(target), target: target, extraCounters: true)]
                if target.engine == .controlled(.interleavings) {
                    columns.append(
                        Column(
                            name: "\(target.name)-no-counters", heading: "\(target.name), no counters", target: target,
                            extraCounters: false))
                }
                return columns
            }
        }

        static func heading(_ target: FuzzTarget) -> String {
            target.runsOnRealThreads
                ? "\(target.product) (\(target.sanitizer == .thread ? "TSan" : "ASan"))" : target.name
        }

        /// The columns called `names`, or all of them.
        package static func selection(_ names: [String]) throws(UsageError) -> [Column] {
            if names.isEmpty { return all }
            return try names.map { name throws(UsageError) in
                guard let column = all.first(where: { $0.name == name }) else {
                    throw UsageError("unknown column '\(name)'; columns: \(all.map(\.name).joined(separator: ", "))")
                }
                return column
            }
        }
    }

    /// What a cell measures.
    package enum Clock: String, CaseIterable, Sendable {
        /// Wall-clock seconds from the start of the run to its finding.
        case wall
        /// CPU seconds (user and system) the run used: on a machine shared with other work, the
        /// fairer comparison between columns, since waiting for a core is not counted.
        case cpu
    }

    /// One run's times to its finding.
    struct Times {
        var wall: Double
        var cpu: Double

        func seconds(_ clock: Clock) -> Double { clock == .wall ? wall : cpu }
    }

    package let workspace: Workspace
    package let runs: Int
    package let limit: Int
    package let controls: [RundownFault]
    package let columns: [Column]
    package let clock: Clock
    package let stop: StopSignal

    package init(
        workspace: Workspace, runs: Int, limit: Int, controls: [RundownFault], columns: [Column], clock: Clock = .wall,
        stop: StopSignal
    ) {
        self.workspace = workspace
        self.runs = runs
        self.limit = limit
        self.controls = controls
        self.columns = columns
        self.clock = clock
        self.stop = stop
    }

    /// The cap of one run: twice the limit for an ordering control on real threads.
    func cap(_ control: RundownFault, _ column: Column) -> Int {
        control.weakensOrdering && column.target.runsOnRealThreads ? 2 * limit : limit
    }

    /// Runs the table; returns it as Markdown. Every run's finding and log are kept under
    /// `artifacts/<control>/<column>/seed-<N>/`. The columns take turns seed by seed, so that a
    /// change in the machine's load while the table runs falls on every column alike.
    package func run(artifacts: String, log: (String) -> Void) throws -> String {
        for column in columns {
            _ = try LibFuzzerRun(target: column.target, workspace: workspace, control: .none).binary()
        }
        var rows: [String] = []
        for control in controls {
            var times = Array(repeating: [Times](), count: columns.count)
            var missed = Array(repeating: false, count: columns.count)
            for seed in 1...runs {
                for (index, column) in columns.enumerated() where !missed[index] {
                    if stop.isRequested { throw StopRequested("stopped; the runs so far are under \(artifacts)") }
                    if let found = try timeToFind(control, column, seed: seed, artifacts: artifacts) {
                        times[index].append(found)
                    } else {
                        missed[index] = true
                    }
                }
            }
            var cells: [String] = []
            for (index, column) in columns.enumerated() {
                let seconds = times[index].map { $0.seconds(clock) }
                let cell =
                    seconds.isEmpty
                    ? "not found in \(cap(control, column)) s"
                    : seconds.count < runs
                        ? "found \(seconds.count)/\(runs)" : String(format: "%.2f s", ControlsTable.median(seconds))
                let each = times[index].map { String(format: "%.2f (cpu %.2f)", $0.wall, $0.cpu) }
                log(
                    "\(control.rawValue) / \(column.name): \(cell) (runs, wall and cpu seconds: \(each.joined(separator: " ")))"
                )
                cells.append(cell)
            }
            rows.append("| `\(control.rawValue)` | " + cells.joined(separator: " | ") + " |")
        }
        let header = "| control | " + columns.map(\.heading).joined(separator: " | ") + " |"
        let rule = "|---|" + String(repeating: "---|", count: columns.count)
        let measure = clock == .wall ? "seconds" : "CPU seconds (user and system)"
        return
            ([
                "Generated by `ci/fuzz controls-table --runs \(runs) --limit \(limit) --clock \(clock.rawValue)` on \(ProcessInfo.processInfo.activeProcessorCount) CPU(s), \(ControlsTable.today()).",
                "Each cell: median \(measure) to the first finding over \(runs) runs (seeds 1..\(runs)) from an empty corpus, or",
                "\"not found in N s\" (N = \(limit) wall-clock seconds, and \(2 * limit) for the ordering controls on real threads); \"found k/\(runs)\":",
                "the first k seeds found it and the next did not.", "", header, rule,
            ] + rows).joined(separator: "\n")
    }

    /// The times until the target stopped on a finding, or nil if it ran the whole cap.
    func timeToFind(_ control: RundownFault, _ column: Column, seed: Int, artifacts: String) throws -> Times? {
        var fuzzer = try LibFuzzerRun(target: column.target, workspace: workspace, control: control)
        fuzzer.extraCounters = column.extraCounters
        let folder = "\(artifacts)/\(control.rawValue)/\(column.name)/seed-\(seed)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let corpus = try workspace.scratchFolder("controls-table")
        defer { try? FileManager.default.removeItem(atPath: corpus) }
        let start = Date()
        let cpuBefore = ControlsTable.childrenCPUSeconds()
        _ = try fuzzer.run(
            fuzzer.dictionaryFlags + [
                "-seed=\(seed)", "-max_total_time=\(cap(control, column))", "-artifact_prefix=\(folder)/", corpus,
            ],
            log: "\(folder)/log", stop: stop)
        let times = Times(
            wall: Date().timeIntervalSince(start), cpu: ControlsTable.childrenCPUSeconds() - cpuBefore)
        let found = Workspace.files(in: folder).contains { !$0.hasSuffix("/log") }
        return found ? times : nil
    }

    /// User and system CPU seconds of every child process this one has waited for: the runs
    /// are one child each, one at a time, so the difference across a run is that run's.
    static func childrenCPUSeconds() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_CHILDREN.rawValue, &usage) == 0 else {
            fatalError("getrusage(RUSAGE_CHILDREN) failed: errno \(errno) (it cannot, with valid arguments)")
        }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Today's date, UTC, as 2026-11-30.
    static func today() -> String {
        let stamp = Workspace.stamp()
        return "\(stamp.prefix(4))-\(stamp.dropFirst(4).prefix(2))-\(stamp.dropFirst(6).prefix(2))"
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
