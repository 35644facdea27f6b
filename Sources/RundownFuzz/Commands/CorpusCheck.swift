import Foundation
import Rundown

/// Runs each target once over (a copy of) its committed corpus, without mutation: every input
/// must run clean. For Threads-tsan on the real code, also the ordering controls' real-thread
/// inputs: each must be caught with its control and run clean without it.
package struct CorpusCheck {
    package let workspace: Workspace
    package let control: RundownFault
    package let stop: StopSignal

    package init(workspace: Workspace, control: RundownFault, stop: StopSignal) {
        self.workspace = workspace
        self.control = control
        self.stop = stop
    }

    /// A real-thread finding is a timing that an input's plan makes likely, not certain: each
    /// control input gets this many executions (one report required with the control, none
    /// allowed without).
    static let threadControlRuns = 20

    /// Checks every target; throws at the first that fails.
    package func run(targets: [FuzzTarget], log: (String) -> Void) throws {
        for target in targets { _ = try LibFuzzerRun(target: target, workspace: workspace, control: control).binary() }
        let logs = workspace.newLogFolder("check")
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        for target in targets {
            try check(target, logs: logs, log: log)
            if target.sanitizer == .thread && target.runsOnRealThreads && control == .none {
                try checkThreadControls(target, logs: logs, log: log)
            }
        }
    }

    func check(_ target: FuzzTarget, logs: String, log: (String) -> Void) throws {
        let fuzzer = try LibFuzzerRun(target: target, workspace: workspace, control: control)
        // A copy: libFuzzer never writes the committed corpus, even by accident.
        let copy = try workspace.scratchFolder("check-\(target.name)")
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let inputs = try Workspace.seed(copy, from: workspace.committedCorpus(target))
        let findings = workspace.findings(target)
        try FileManager.default.createDirectory(atPath: findings, withIntermediateDirectories: true)
        let logFile = "\(logs)/\(target.name).log"
        let (termination, output) = try fuzzer.run(
            ["-runs=0", "-artifact_prefix=\(findings)/", copy], log: logFile, stop: stop)
        if stop.isRequested { throw StopRequested("stopped while checking \(target.name)") }
        guard termination.succeeded else {
            throw CheckFailure(
                "\(target.name) fails on its committed corpus: \(output.findingSummary ?? termination.description)"
                    + (output.artifact.map { "; input \($0), replay: ci/fuzz replay \(target.name) \($0)" } ?? "")
                    + " (log: \(logFile))")
        }
        log(
            "\(target.name): \(inputs) inputs of \(workspace.committedCorpus(target)) ran clean (\(Table.grouped(output.features ?? 0)) features; log: \(logFile))"
        )
    }

    func checkThreadControls(_ target: FuzzTarget, logs: String, log: (String) -> Void) throws {
        for file in Workspace.files(in: workspace.threadControls) {
            let name = (file as NSString).lastPathComponent
            guard let fault = RundownFault.controls.first(where: { $0.rawValue == name && $0.racesOnRealThreads })
            else {
                throw CheckFailure("\(file) is not named after an ordering control")
            }
            let scratch = try workspace.scratchFolder("thread-control")
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let runs = "-runs=\(CorpusCheck.threadControlRuns)"
            let broken = try LibFuzzerRun(target: target, workspace: workspace, control: fault)
                .run(
                    [runs, "-artifact_prefix=\(scratch)/", file],
                    log: "\(logs)/\(target.name)-\(name)-with-control.log", stop: stop)
            if stop.isRequested { throw StopRequested("stopped while checking \(file)") }
            // Caught means ThreadSanitizer's report, not any failure (a start-up crash or a timeout
            // would not show that the race is seen). Replaying a file, libFuzzer writes no
            // artifact: the report in the log is the evidence.
            let reported = (broken.1.findingSummary ?? "").contains("ThreadSanitizer")
            guard !broken.0.succeeded, reported else {
                throw CheckFailure(
                    "\(file): not caught with RUNDOWN_CONTROL=\(name) in \(CorpusCheck.threadControlRuns) runs (\(broken.1.findingSummary ?? broken.0.description)): the real-thread oracle lost its teeth"
                )
            }
            let real = try LibFuzzerRun(target: target, workspace: workspace, control: .none)
                .run(
                    [runs, "-artifact_prefix=\(workspace.findings(target))/", file],
                    log: "\(logs)/\(target.name)-\(name)-real.log", stop: stop)
            if stop.isRequested { throw StopRequested("stopped while checking \(file)") }
            guard real.0.succeeded else {
                throw CheckFailure(
                    "\(file) fails on the real implementation: \(real.1.findingSummary ?? real.0.description)")
            }
            log("\(file): caught with its control, clean without (\(CorpusCheck.threadControlRuns) runs each)")
        }
    }
}

/// A check that found a problem: exit status 1, like a finding.
package struct CheckFailure: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
