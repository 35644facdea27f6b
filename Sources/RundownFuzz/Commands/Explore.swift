import Foundation
import RundownHarness

/// `explore`: runs a schedule source on a ported benchmark program for a number of schedules
/// or seconds, with a progress line, and writes the first failure as a `Benchmarks` input
/// (`ci/fuzz replay Benchmarks FILE` replays it, `ci/fuzz minimize Benchmarks FILE` shrinks it).
package struct Explore {
    package let workspace: Workspace
    package let program: BenchmarkProgram
    package let source: ScheduleSource
    package let seed: UInt64
    package let schedules: Int
    package let seconds: Double?

    package init(
        workspace: Workspace, program: BenchmarkProgram, source: ScheduleSource, seed: UInt64, schedules: Int,
        seconds: Double?
    ) {
        self.workspace = workspace
        self.program = program
        self.source = source
        self.seed = seed
        self.schedules = schedules
        self.seconds = seconds
    }

    /// The program called `name` ("CS/reorder_10" or "reorder_10"), or a usage error listing them.
    package static func program(named name: String) throws(UsageError) -> BenchmarkProgram {
        guard let program = BenchmarkProgram.named(name) else {
            throw UsageError(
                "unknown program '\(name)'; programs: \(BenchmarkProgram.all.map(\.name).joined(separator: ", "))")
        }
        return program
    }

    /// Runs the exploration; returns whether it found a failure. `progress` gets the progress
    /// lines, `print` the result.
    package func run(progress: @escaping (String) -> Void, print: (String) -> Void) throws -> Bool {
        print("exploring \(program.name) (\(program.threads) threads) with \(source), seed \(seed)")
        let report = source.explore(program, seed: seed, schedules: schedules, seconds: seconds) { done, elapsed in
            progress(
                "  \(done) schedules, \(Int(Double(done) / max(elapsed, 1e-9))) schedules/s, \(Int(elapsed)) s")
        }
        let rate =
            "\(report.schedules) schedules in \(String(format: "%.2f", report.seconds)) s (\(Int(report.rate)) schedules/s)"
        guard let finding = report.finding else {
            if case let .bounded(bound) = source, report.exhausted {
                print("explored all \(report.schedules) schedules up to \(bound) preemptions: no failure")
            } else {
                print("no failure: \(rate)")
            }
            return false
        }
        let folder = workspace.explorations
        try FileManager.default.createDirectory(
            atPath: workspace.root + "/" + folder, withIntermediateDirectories: true)
        let name = program.name.replacingOccurrences(of: "/", with: "-")
        // Relative to the repository root, as every path the tool prints.
        let file = "\(folder)/\(name)-\(source)-seed\(seed)"
        let contents = Data(program.input(schedule: finding.bytes))
        guard FileManager.default.createFile(atPath: workspace.root + "/" + file, contents: contents) else {
            throw ToolFailure("cannot write \(workspace.root)/\(file)")
        }
        print("FAIL at schedule \(finding.schedule): \(finding.failure)")
        print(rate)
        print("replay: ci/fuzz replay Benchmarks \(file)")
        return true
    }
}
