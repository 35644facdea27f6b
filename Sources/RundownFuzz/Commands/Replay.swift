import Foundation
import Rundown
import RundownHarness

/// Replays inputs (corpus files or findings) and says what they do: for the controlled
/// targets the decoded program, the interleaving as it ran (one column per logical thread) and
/// the verdict with its reason; for the real-thread targets the decisions the bytes make (the
/// program, each thread's CPU, spins, yields, moves), then the input on real threads under the
/// target's sanitizer, up to 100 times (a real-thread finding is a timing).
package struct Replay {
    package let workspace: Workspace
    package let target: FuzzTarget
    package let control: RundownFault
    package var quiet = false
    package var twice = false
    package var planOnly = false

    package init(workspace: Workspace, target: FuzzTarget, control: RundownFault) {
        self.workspace = workspace
        self.target = target
        self.control = control
    }

    /// Replays every file; returns how many failed (or were nondeterministic).
    package func run(files: [String], stop: StopSignal, print: (String) -> Void) throws -> Int {
        var inputs: [(String, [UInt8])] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw UsageError(
                    "cannot read \(file): "
                        + (FileManager.default.fileExists(atPath: file) ? "not a readable file" : "no such file"))
            }
            inputs.append((file, [UInt8](data)))
        }
        var failed = 0
        for (file, bytes) in inputs {
            switch target.engine {
            case let .controlled(mode): failed += replayControlled(file, bytes, mode: mode, print: print)
            case .realThreads: failed += try replayOnThreads(file, bytes, stop: stop, print: print)
            case .benchmarks: failed += replayBenchmark(file, bytes, print: print)
            }
        }
        return failed
    }

    func replayControlled(_ file: String, _ bytes: [UInt8], mode: InputDecoder.Mode, print: (String) -> Void) -> Int {
        let outcome = Harness.run(bytes, mode: mode, fault: control, feedsCounters: false)
        var failed = outcome.failure == nil ? 0 : 1
        var verdict = outcome.failure.map { "FAIL \($0.name): \($0)" } ?? (outcome.isRejected ? "rejected" : "PASS")
        if twice {
            let again = Harness.run(bytes, mode: mode, fault: control, feedsCounters: false)
            if again.trace != outcome.trace || again.failure != outcome.failure {
                verdict = "FAIL nondeterministic: two runs of the same input took different decisions"
                failed = 1
            }
        }
        if quiet {
            print("\(file): \(verdict)")
        } else {
            print("== \(file)\n" + Harness.report(outcome, mode: mode, fault: control) + "\n")
        }
        return failed
    }

    /// A `Benchmarks` input: the program, the interleaving as it ran (one line per shared
    /// operation) and the verdict.
    func replayBenchmark(_ file: String, _ bytes: [UInt8], print: (String) -> Void) -> Int {
        guard let (program, schedule) = BenchmarkProgram.decode(bytes) else {
            print("\(file): empty input (a Benchmarks input is a program id byte, then schedule bytes)")
            return 0
        }
        let outcome = program.run(schedule: schedule, traced: !quiet)
        var failed = outcome.failure == nil ? 0 : 1
        var verdict = outcome.failure.map { "FAIL \($0.name): \($0)" } ?? "PASS"
        if twice {
            let again = program.run(schedule: schedule, traced: !quiet)
            if again.trace != outcome.trace || again.failure != outcome.failure {
                verdict = "FAIL nondeterministic: two runs of the same input took different decisions"
                failed = 1
            }
        }
        if quiet {
            print("\(file): \(verdict)")
        } else {
            print(
                "== \(file)\nprogram \(program.id): \(program.name), \(program.threads) threads, "
                    + "\(schedule.count) schedule bytes\n" + outcome.trace.dropLast().joined(separator: "\n")
                    + "\nverdict: \(verdict)\n")
        }
        return failed
    }

    func replayOnThreads(_ file: String, _ bytes: [UInt8], stop: StopSignal, print: (String) -> Void) throws -> Int {
        let decoded: (Program, ThreadPlan)
        do {
            decoded = try Harness.decodeThreads(bytes)
        } catch {
            print("\(file): rejected by the decoder: \(error)")
            return 0
        }
        let (program, plan) = decoded
        print("== \(file)\n\(program.listing)\n\(plan.listing(for: program))")
        if planOnly { return 0 }
        let fuzzer = try LibFuzzerRun(target: target, workspace: workspace, control: control)
        let scratch = try workspace.scratchFolder("replay")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let log = "\(scratch)/replay.log"
        let (termination, output) = try fuzzer.run(
            ["-runs=\(Replay.realThreadRuns)", "-artifact_prefix=\(scratch)/", file], log: log, stop: stop)
        if stop.isRequested { throw StopRequested("stopped while replaying \(file)") }
        if termination.succeeded {
            print(
                "verdict: PASS: \(Replay.realThreadRuns) runs on real threads under \(target.sanitizer.reportName), no report (control \(control.rawValue))\n"
            )
            return 0
        }
        let text = Workspace.text(of: log)
        // The sanitizer's or the harness's report names the operation and the logical thread.
        let report = text.split(separator: "\n", omittingEmptySubsequences: false)
            .drop {
                !$0.contains("WARNING: ThreadSanitizer") && !$0.contains("ERROR: AddressSanitizer")
                    && !$0.contains("==rundown-harness==") && !$0.contains("ERROR: libFuzzer")
            }
        print(report.prefix(60).joined(separator: "\n"))
        print("verdict: FAIL: \(output.findingSummary ?? termination.description) (control \(control.rawValue))\n")
        return 1
    }

    /// Executions of a real-thread input per replay (the first report ends it).
    static let realThreadRuns = 100
}
