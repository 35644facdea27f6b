import Foundation
import Rundown
import RundownHarness
import RundownTestKit

/// Executions per second of a target as libFuzzer reports them, on a fixed set of generated
/// programs of 3 threads x 8 operations (owner + 2 workers, random operations and schedule or
/// plan bytes, fixed seed), each run once (`-runs=0` over the folder): the same inputs every time,
/// so two builds or two machines compare like with like.
package struct Throughput {
    package let workspace: Workspace
    package let target: FuzzTarget
    package let count: Int

    package init(workspace: Workspace, target: FuzzTarget, count: Int) {
        self.workspace = workspace
        self.target = target
        self.count = count
    }

    /// The generated inputs (deterministic: seed 20000). With `readsFrom`, the same programs
    /// and schedules in format version 2, each with 16 reads-from bytes (seed 20001), for the
    /// weak-memory target: its figure compares with the sequentially consistent one like for like.
    package static func inputs(count: Int, readsFrom: Bool = false) -> [[UInt8]] {
        var random = SplitMix64(seed: 20_000)
        var readsFromRandom = SplitMix64(seed: 20_001)
        return (0..<count).map { _ in
            let kind = Program.RefKind.allCases[random.below(3)]
            var program = (0..<3).flatMap { thread in
                (0..<8).map { _ in
                    InputEncoding.operation(thread: thread, kind: random.below(8), argument: random.below(4))
                }
            }
            // Fisher-Yates over SplitMix64, spelled out: the standard library does not promise
            // that shuffle(using:) keeps its algorithm, and the inputs must stay the same.
            for index in stride(from: program.count - 1, to: 0, by: -1) {
                program.swapAt(index, random.below(index + 1))
            }
            let schedule = (0..<30).map { _ in UInt8(random.below(256)) }
            let stream = readsFrom ? (0..<16).map { _ in UInt8(readsFromRandom.below(256)) } : nil
            return InputEncoding.input(
                kind: kind, cpus: 1 + random.below(4), twoRefs: random.below(2) == 1, workers: 2, program: program,
                readsFrom: stream, schedule: schedule)
        }
    }

    /// Writes the generated inputs into `folder` (which must exist): format version 2 with a
    /// reads-from stream for the weak-memory target.
    func writeInputs(to folder: String) throws {
        let weakMemory = target.engine == .controlled(.weakMemory)
        for (index, bytes) in Throughput.inputs(count: count, readsFrom: weakMemory).enumerated() {
            let path = folder + "/" + String(format: "g%06d", index)
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                throw ToolFailure("cannot write \(path)")
            }
        }
    }

    /// Runs the measurement; returns the report line.
    package func run(stop: StopSignal) throws -> String {
        try measure(stop: stop).line
    }

    /// Runs the measurement; returns libFuzzer's exec/s and the report line.
    package func measure(stop: StopSignal) throws -> (executionsPerSecond: Int, line: String) {
        let weakMemory = target.engine == .controlled(.weakMemory)
        let fuzzer = try LibFuzzerRun(target: target, workspace: workspace, control: .none)
        let folder = try workspace.scratchFolder("throughput")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try writeInputs(to: folder)
        let start = Date()
        let (termination, output) = try fuzzer.run(
            ["-runs=0", "-print_final_stats=1", folder], log: "\(folder).log", stop: stop)
        defer { try? FileManager.default.removeItem(atPath: "\(folder).log") }
        let seconds = Date().timeIntervalSince(start)
        if stop.isRequested { throw StopRequested("stopped while measuring \(target.name)") }
        guard termination.succeeded else {
            throw CheckFailure(
                "\(target.name) failed on a generated input: \(output.findingSummary ?? termination.description)")
        }
        let rate = output.executionsPerSecond ?? 0
        return (
            rate,
            "\(target.name): \(Table.grouped(count)) generated inputs (3 threads x 8 operations"
                + (weakMemory ? ", 16 reads-from bytes" : "") + ") in " + String(format: "%.1f s", seconds)
                + " of wall time; libFuzzer reports \(Table.grouped(rate)) exec/s"
        )
    }
}

extension Throughput {
    /// Fuzzing throughput against worker processes, in one command: the generated inputs as the
    /// seed corpus, `seconds` of fuzzing with one worker, then as much with `jobs` workers (the
    /// flags of `ci/fuzz run --jobs`), each from its own copy of the seeds. Returns the report:
    /// executions and libFuzzer's executions per second for each, and the ratio of the two rates.
    package func scaling(jobs: Int, seconds: Int, stop: StopSignal, log: (String) -> Void) throws -> [String] {
        let fuzzer = try LibFuzzerRun(target: target, workspace: workspace, control: .none)
        let folder = try workspace.scratchFolder("scaling")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let seeds = folder + "/seeds"
        try FileManager.default.createDirectory(atPath: seeds, withIntermediateDirectories: true)
        try writeInputs(to: seeds)
        var report: [String] = []
        var rates: [Int] = []
        for workers in [1, jobs] {
            let corpus = "\(folder)/corpus-\(workers)"
            try Workspace.seed(corpus, from: seeds)
            log("== \(target.name): fuzzing for \(seconds) s on \(workers) worker(s) from \(count) generated inputs")
            let (termination, output) = try fuzzer.run(
                fuzzer.dictionaryFlags + LibFuzzerRun.workerFlags(jobs: workers) + [
                    "-max_total_time=\(seconds)", "-print_final_stats=1", "-artifact_prefix=\(folder)/", corpus,
                ], log: "\(folder)/\(workers).log", stop: stop)
            if stop.isRequested {
                throw StopRequested("stopped while measuring \(target.name) on \(workers) worker(s)")
            }
            guard termination.succeeded, output.artifact == nil, let rate = output.executionsPerSecond else {
                throw CheckFailure(
                    "\(target.name) on \(workers) worker(s) did not run clean: "
                        + (output.findingSummary ?? termination.description))
            }
            rates.append(rate)
            report.append(
                "\(target.name), \(workers) worker\(workers == 1 ? "" : "s")\(output.forkMode ? " (-fork=\(workers))" : ""): "
                    + "\(Table.grouped(output.executions ?? 0)) executions in \(seconds) s; libFuzzer reports "
                    + "\(Table.grouped(rate)) exec/s")
        }
        let ratio = rates[0] > 0 ? Double(rates[1]) / Double(rates[0]) : 0
        report.append(
            "ratio, \(jobs) workers to 1: " + String(format: "%.2fx", ratio)
                + " (\(ProcessInfo.processInfo.activeProcessorCount) CPUs online)")
        return report
    }
}
