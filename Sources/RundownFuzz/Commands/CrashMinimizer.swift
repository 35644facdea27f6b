import Foundation
import Rundown

/// Shrinks a finding with libFuzzer's crash minimiser: the result still fails the same way,
/// in fewer bytes (`FILE.min`).
package struct CrashMinimizer {
    package let workspace: Workspace
    package let target: FuzzTarget
    package let control: RundownFault

    package init(workspace: Workspace, target: FuzzTarget, control: RundownFault) {
        self.workspace = workspace
        self.target = target
        self.control = control
    }

    /// Attempts libFuzzer makes to shrink the input.
    static let attempts = 20_000

    /// Writes `file.min`; returns the line that reports the sizes.
    package func run(file: String, stop: StopSignal) throws -> String {
        guard let before = FileManager.default.contents(atPath: file) else {
            throw UsageError(
                "cannot read \(file): "
                    + (FileManager.default.fileExists(atPath: file) ? "not a readable file" : "no such file"))
        }
        let output = file + ".min"
        try? FileManager.default.removeItem(atPath: output)
        let scratch = try workspace.scratchFolder("minimize")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        _ = try LibFuzzerRun(target: target, workspace: workspace, control: control).run(
            ["-minimize_crash=1", "-runs=\(CrashMinimizer.attempts)", "-exact_artifact_path=\(output)", file],
            log: "\(scratch)/minimize.log", stop: stop)
        if stop.isRequested { throw StopRequested("stopped while minimising \(file)") }
        guard let after = FileManager.default.contents(atPath: output) else {
            throw CheckFailure(
                "could not minimise \(file): it does not fail on \(target.name) with control \(control.rawValue) (replay it: ci/fuzz replay \(target.name) \(file))"
            )
        }
        return "\(file): \(before.count) bytes -> \(output): \(after.count) bytes"
    }
}
