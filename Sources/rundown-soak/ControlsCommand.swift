import ArgumentParser
import Foundation
import RundownSoak

/// `rundown-soak controls`: the soak tester's column of docs/controls.md.
struct ControlsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controls",
        abstract:
            "Run every negative control through the soak (default options) and print the soak's column of docs/controls.md.",
        discussion: """
            Each run is a child process of this executable (`run --implementation <control> \
            --duration <limit> --seed <n> --json <temporary file>`), seeds 1 to --runs; a control \
            not found in a run is not run again. A cell is the median seconds to FAILURE (from the \
            summary), "found k/n", or "not found in <limit> s". A crash or a sanitizer report \
            (from a sanitizer build of this executable) has no summary; its time is the child's \
            wall-clock time. A run past the limit gets SIGTERM 60 s later and SIGKILL 15 s after \
            that. Progress lines go to standard error, the table to standard output. Exit \
            status: 0 the table is complete, 1 a run ended without a verdict (its output is \
            shown), 64 bad options, 74 --out could not be written, 130 or 143 when stopped.
            """)

    @Option(parsing: .unconditional, help: ArgumentHelp("Runs per control (seeds 1 to n), 1 to 1000.", valueName: "n"))
    var runs = 5
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Seconds each run may take (its --duration), more than 0, at most 86400.", valueName: "seconds"))
    var limit: Double = 60
    @Option(
        help: ArgumentHelp(
            "Only these controls, comma-separated (default: every control `rundown-soak list` names).",
            valueName: "names"))
    var controls: String?
    @Option(
        help: ArgumentHelp(
            "Also write the table to this file (checked by creating it before the first run).", valueName: "file"))
    var out: String?

    /// Every negative control, in `list` order.
    static let allControls = SoakImplementation.allNames.filter { SoakImplementation(name: $0)?.isControl == true }

    var chosen: [String] {
        guard let controls else { return ControlsCommand.allControls }
        return controls.split(separator: ",", omittingEmptySubsequences: false).map { String($0) }
    }

    func validate() throws {
        var problems: [String] = []
        if runs < 1 || runs > 1000 { problems.append("--runs must be 1...1000 (got \(runs))") }
        if !(limit > 0 && limit <= 86400) {
            problems.append(
                "--limit must be more than 0 and at most 86400 seconds (got \(SoakConfiguration.number(limit)))")
        }
        for name in chosen where !ControlsCommand.allControls.contains(name) {
            problems.append(
                "--controls: '\(name)' is not a negative control; choose from: \(ControlsCommand.allControls.joined(separator: ", "))"
            )
        }
        if let out, let problem = OutputFile.problem(writing: out, option: "--out", example: "controls.md") {
            problems.append(problem)
        }
        if !problems.isEmpty { throw ValidationError(problems.joined(separator: "\n")) }
    }

    func run() throws {
        if let problem = SoakConsole.installSignalHandlers() {
            SoakConsole.error(
                "rundown-soak controls: \(problem); a stop signal will end it without stopping the current child\n")
        }
        let executable: String
        do { executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") } catch {
            SoakConsole.error(
                "rundown-soak controls: cannot find this executable's path in /proc/self/exe: \(error.localizedDescription)\n"
            )
            throw ExitCode.failure
        }
        let work = try workFolder()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let runner = ControlRun(executable: executable, limitSeconds: limit, workFolder: work)
        var table = ControlsTable(runs: runs, limitSeconds: limit)
        for control in chosen {
            var row = ControlsTable.Row(control: control, outcomes: [])
            for seed in 1...UInt64(runs) {
                do {
                    let outcome = try runner.run(control: control, seed: seed)
                    row.outcomes.append(outcome)
                    if outcome == .notFound { break }
                } catch {
                    SoakConsole.error("rundown-soak controls: \(error)\n")
                    let stop = SoakConsole.stopSignal
                    throw ExitCode(stop == 0 ? 1 : 128 + stop)
                }
            }
            table.rows.append(row)
            SoakConsole.error(table.line(row) + "\n")
        }
        let markdown = table.markdown + "\n"
        if let out, !OutputFile.writeOrKeep(Data(markdown.utf8), to: out, what: "the controls table") {
            SoakConsole.out(markdown)
            throw ExitCode(74)
        }
        SoakConsole.out(markdown)
    }

    /// A new folder for the children's summaries and output.
    func workFolder() throws -> String {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/rundown-soak-controls-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else {
            SoakConsole.error(
                "rundown-soak controls: cannot create a work folder in \(base): \(String(cString: strerror(errno))); set TMPDIR to a writable folder\n"
            )
            throw ExitCode.failure
        }
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
