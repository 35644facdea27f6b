import Foundation
import _RundownShims
import _ToolShims

/// How one soak run of a negative control ended, for the controls table.
package enum ControlOutcome: Equatable, Sendable {
    /// The run caught the control: seconds from the start, and how it showed (the failure's
    /// kind, `sanitizer-report`, or `crash-signal-N`).
    case found(seconds: Double, how: String)
    /// The run ended in SUCCESS: the control was not caught within the limit.
    case notFound
}

/// Runs one negative control through the soak tester in a child process (the same
/// executable, with `--json` into a work folder) and reads its verdict from the exit status
/// and the decoded summary. A crash or a sanitizer report leaves no summary: its time is the
/// child's wall-clock time.
package struct ControlRun {
    /// Why a run has no verdict; one line, then the end of the child's output.
    package struct NoVerdict: Error, CustomStringConvertible {
        package let description: String
    }

    /// The soak executable to start.
    package let executable: String
    /// Each run's --duration.
    package let limitSeconds: Double
    /// Where the child's summary and output go (one pair at a time, overwritten).
    package let workFolder: String
    /// Seconds past the limit before the child is sent SIGTERM, and after that SIGKILL.
    static let graceSeconds = 60.0, killAfterSeconds = 15.0

    package init(executable: String, limitSeconds: Double, workFolder: String) {
        self.executable = executable
        self.limitSeconds = limitSeconds
        self.workFolder = workFolder
    }

    /// Runs `control` with `seed` and returns how it ended. A stop signal to this process
    /// (see ``SoakConsole/installSignalHandlers()``) ends the child too and throws.
    /// - Throws: ``NoVerdict`` when the child could not start, ran past the limit, or ended
    ///   without a verdict.
    package func run(control: String, seed: UInt64) throws(NoVerdict) -> ControlOutcome {
        let summaryPath = workFolder + "/summary.json", outputPath = workFolder + "/output.txt"
        // A summary from the run before must not count for this one (ENOENT: there is none).
        if unlink(summaryPath) != 0 && errno != ENOENT {
            throw NoVerdict(
                description: "cannot remove the previous run's \(summaryPath): \(String(cString: strerror(errno)))")
        }
        guard FileManager.default.createFile(atPath: outputPath, contents: nil),
            let output = FileHandle(forWritingAtPath: outputPath)
        else {
            throw NoVerdict(description: "cannot create \(outputPath) for the child's output")
        }
        defer { try? output.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "run", "--implementation", control, "--duration", SoakConfiguration.number(limitSeconds),
            "--seed", "\(seed)", "--json", summaryPath,
        ]
        process.environment = ControlRun.childEnvironment()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let label = "\(control) (seed \(seed))"
        let startNs = rundown_soak_now_ns()
        do { try process.run() } catch {
            throw NoVerdict(description: "cannot start \(executable) for \(label): \(error.localizedDescription)")
        }
        let timedOut = waitForExit(process, startNs: startNs)
        let seconds = Double(rundown_soak_now_ns() - startNs) / 1e9
        let stop = rundown_soak_stop_signal()
        if stop != 0 { throw NoVerdict(description: "stopped by \(SoakReporter.signalName(stop)) during \(label)") }
        if timedOut {
            throw NoVerdict(
                description:
                    "\(label) did not end within \(SoakConfiguration.number(limitSeconds + ControlRun.graceSeconds)) s and was stopped; its output:\n"
                    + tail(outputPath))
        }
        let status = process.terminationStatus
        if process.terminationReason == .uncaughtSignal {
            // A crash (the soak prints "FAILURE (crash)" first unless it is too broken to).
            return .found(seconds: seconds, how: "crash-signal-\(status)")
        }
        switch status {
        case 0:
            return .notFound
        case 1:
            guard
                let summary = try? JSONDecoder().decode(
                    SoakSummary.self, from: Data(contentsOf: URL(fileURLWithPath: summaryPath))),
                summary.verdict == .failure, let failure = summary.failure
            else { break }
            return .found(seconds: failure.atSeconds, how: failure.kind.rawValue)
        case ControlRun.sanitizerExitStatus:
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            if text.contains("WARNING: ThreadSanitizer") || text.contains("ERROR: AddressSanitizer") {
                return .found(seconds: seconds, how: "sanitizer-report")
            }
        default:
            break
        }
        throw NoVerdict(
            description: "\(label) ended with status \(status) and no verdict; its output:\n" + tail(outputPath))
    }

    /// The exit status a sanitizer build uses for its first report (set in the child's
    /// environment, as ci/nightly-soak does).
    static let sanitizerExitStatus: Int32 = 66

    /// This process's environment, with the sanitizers told to stop at their first report.
    /// handle_segv=0: a broken variant that corrupts memory can hang ThreadSanitizer's own
    /// report of the crash; the process then dies of the signal at once.
    static func childEnvironment() -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["TSAN_OPTIONS"] = "halt_on_error=1:exitcode=\(sanitizerExitStatus):handle_segv=0"
        environment["ASAN_OPTIONS"] = "halt_on_error=1:detect_leaks=0:exitcode=\(sanitizerExitStatus)"
        environment["SWIFT_BACKTRACE"] = "enable=no"
        return environment
    }

    /// Waits for the child; past the limit and the grace it sends SIGTERM (the soak stops
    /// cleanly on it), and SIGKILL if that does not end it. A stop signal to this process is
    /// passed on as SIGTERM. Returns whether the child ran out of time.
    private func waitForExit(_ process: Process, startNs: UInt64) -> Bool {
        let deadlineNs = startNs + UInt64((limitSeconds + ControlRun.graceSeconds) * 1e9)
        var terminatedAtNs: UInt64 = 0
        var timedOut = false
        while process.isRunning {
            rundown_soak_sleep_ns(20_000_000)
            let now = rundown_soak_now_ns()
            if terminatedAtNs == 0 && (now >= deadlineNs || rundown_soak_stop_signal() != 0) {
                timedOut = now >= deadlineNs
                process.terminate()
                terminatedAtNs = now
            } else if terminatedAtNs != 0 && now - terminatedAtNs >= UInt64(ControlRun.killAfterSeconds * 1e9) {
                // ESRCH: it ended meanwhile. EPERM cannot happen for our own child.
                if kill(process.processIdentifier, SIGKILL) != 0 && errno != ESRCH {
                    rundown_fatal_errno("kill(SIGKILL)", errno)
                }
            }
        }
        process.waitUntilExit()
        return timedOut
    }

    /// The last 20 lines of the file at `path`, indented.
    private func tail(_ path: String) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "(no output could be read from \(path))"
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(20).map { "  " + $0 }.joined(
            separator: "\n")
    }
}
