import Foundation
import Rundown

/// One invocation of a target's libFuzzer binary: its options file's flags and sanitizer
/// options, the negative control, and where its output goes.
package struct LibFuzzerRun {
    package let target: FuzzTarget
    package let workspace: Workspace
    package let options: TargetOptions
    /// The deliberately broken variant the library runs with (`.none`: the real code).
    package var control: RundownFault = .none
    /// Whether the interleaving features feed libFuzzer (the controls table turns them off for
    /// one column).
    package var extraCounters = true
    /// Another build of the target's product to run instead of ``FuzzTarget/binaryPath`` (the
    /// coverage build), if any.
    package var executable: String?

    package init(target: FuzzTarget, workspace: Workspace, control: RundownFault) throws {
        self.target = target
        self.workspace = workspace
        self.control = control
        options = try TargetOptions.of(target, in: workspace)
    }

    /// The binary, or a usage error saying how to build it.
    package func binary() throws(UsageError) -> String {
        let path = executable ?? target.binaryPath
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw UsageError("\(target.name) is not built (no \(path)): run ci/fuzz build first")
        }
        return path
    }

    /// The flags that spread a run over `jobs` worker processes: libFuzzer's fork mode, in which
    /// the parent hands the corpus out to `jobs` children at a time, merges what they find into
    /// the first corpus folder and writes a finding where a single process would
    /// (`-artifact_prefix`). Fork mode ignores timeouts and out-of-memory runs by default; here
    /// every finding stops the run, as it stops a single process. One job: no flags at all.
    package static func workerFlags(jobs: Int) -> [String] {
        jobs <= 1 ? [] : ["-fork=\(jobs)", "-ignore_crashes=0", "-ignore_timeouts=0", "-ignore_ooms=0"]
    }

    /// The `-dict=` flag when the target has a dictionary.
    package var dictionaryFlags: [String] {
        FileManager.default.fileExists(atPath: workspace.dictionary(target))
            ? ["-dict=\(workspace.dictionary(target))"] : []
    }

    /// The environment of the run: sanitizer options, the control, the interleaving features.
    package var environment: [String: String] {
        var environment = options.environment(for: target, inheriting: ProcessInfo.processInfo.environment)
        environment["RUNDOWN_CONTROL"] = control.rawValue
        environment["RUNDOWN_EXTRA_COUNTERS"] = extraCounters ? "1" : "0"
        return environment
    }

    /// Runs the binary with the options file's flags followed by `arguments`, its output into
    /// `log`; returns how it ended and what it printed. `environment` adds to the run's own.
    package func run(_ arguments: [String], log: String, stop: StopSignal?, environment extra: [String: String] = [:])
        throws -> (Subprocess.Termination, LibFuzzerLog)
    {
        let termination = try Subprocess.run(
            try binary(), options.libFuzzerFlags + arguments, environment: environment.merging(extra) { $1 },
            output: .file(log), stop: stop)
        let text = Workspace.text(of: log)
        return (termination, LibFuzzerLog(parsing: text))
    }
}
