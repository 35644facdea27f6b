import Foundation
import Rundown

/// `ci/fuzz coverage`: which lines of the library the committed corpus reaches.
///
/// Builds every product of the fuzz package with source-based coverage, as the OSS-Fuzz image
/// does for `SANITIZER=coverage` (``FuzzBuildSetup/coverage``), runs each over its committed
/// corpus once (libFuzzer `-runs=0`: no mutation) with a profile per process, merges the profiles
/// (`llvm-profdata merge`) and reports over `Sources/Rundown` with `llvm-cov`: a summary table,
/// HTML pages, and every line of `Sources/Rundown/Algorithm` that no input reached. Everything
/// goes to `.fuzz/coverage/` (ignored by git).
package struct CoverageReport {
    package let workspace: Workspace
    package let stop: StopSignal

    package init(workspace: Workspace, stop: StopSignal) {
        self.workspace = workspace
        self.stop = stop
    }

    /// The library's sources the report covers, and the part whose every line should be reached.
    package static let library = "Sources/Rundown"
    package static let algorithm = "Sources/Rundown/Algorithm"

    /// Where the report goes: `summary.txt`, `html/index.html`, `uncovered-algorithm.txt`, the
    /// merged profile and the raw ones.
    package var folder: String { "\(Workspace.workFolder)/coverage" }

    /// Builds, runs, reports; returns the report's lines (the summary table, the algorithm's
    /// figure, its uncovered lines, where the files are).
    package func run(log: (String) -> Void) throws -> [String] {
        let logs = workspace.newLogFolder("coverage")
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        let setup = FuzzBuildSetup.coverage
        let targets = OSSFuzzBuild.products
        try FuzzBuild(workspace: workspace).build(
            products: targets.map(\.product), setup: setup, logs: logs, stop: stop, log: log)
        let profiles = "\(folder)/profiles"
        if FileManager.default.fileExists(atPath: folder) { try FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: profiles, withIntermediateDirectories: true)
        for target in targets {
            var fuzzer = try LibFuzzerRun(target: target, workspace: workspace, control: .none)
            fuzzer.executable = setup.binary(target.product)
            let corpus = workspace.committedCorpus(target)
            log("== \(target.product): running \(corpus) (\(Workspace.files(in: corpus).count) inputs) once")
            let profile = "\(workspace.root)/\(profiles)/\(target.product)-%p.profraw"
            let (termination, output) = try fuzzer.run(
                ["-runs=0", corpus], log: "\(logs)/\(target.product).log", stop: stop,
                environment: ["LLVM_PROFILE_FILE": profile])
            if stop.isRequested { throw StopRequested("stopped while running \(target.product)'s corpus") }
            guard termination.succeeded else {
                throw CheckFailure(
                    "\(target.product)'s committed corpus did not run clean in the coverage build: "
                        + (output.findingSummary ?? termination.description) + " (log: \(logs)/\(target.product).log)")
            }
        }
        let raw = Workspace.files(in: profiles).filter { $0.hasSuffix(".profraw") }
        guard !raw.isEmpty else { throw ToolFailure("the corpus runs wrote no profile into \(profiles)") }
        let merged = "\(folder)/corpus.profdata"
        try tool("llvm-profdata", ["merge", "-sparse", "-o", merged] + raw, log: "\(logs)/profdata.log")
        // llvm-cov takes the first binary plainly and every further one after -object.
        let binaries = targets.enumerated().flatMap { index, target in
            (index == 0 ? [] : ["-object"]) + [setup.binary(target.product)]
        }
        let common = binaries + ["-instr-profile=\(merged)"]
        let library = "\(workspace.root)/\(CoverageReport.library)"
        let summary = try tool("llvm-cov", ["report"] + common + [library], log: "\(folder)/summary.txt")
        try tool(
            "llvm-cov",
            ["show", "-format=html", "-output-dir=\(folder)/html", "-show-line-counts-or-regions"] + common + [library],
            log: "\(logs)/show.log")
        let lcov = try tool(
            "llvm-cov", ["export", "-format=lcov"] + common + ["\(workspace.root)/\(CoverageReport.algorithm)"],
            log: "\(folder)/algorithm.lcov")
        let lines = try LineCoverage(lcov: lcov, root: workspace.root)
        let uncovered = lines.uncovered.map { "\($0.file):\($0.line): \($0.text)" }
        try Data((uncovered.joined(separator: "\n") + "\n").utf8).write(
            to: URL(fileURLWithPath: "\(folder)/uncovered-algorithm.txt"))
        return summary.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) + [
            "",
            "\(CoverageReport.algorithm): \(lines.covered) of \(lines.total) lines reached by the committed corpus"
                + String(format: " (%.1f%%)", lines.total > 0 ? 100 * Double(lines.covered) / Double(lines.total) : 0),
            uncovered.isEmpty ? "every line of \(CoverageReport.algorithm) was reached" : "never reached:",
        ] + uncovered.map { "  " + $0 } + [
            "",
            "report: \(folder)/summary.txt, \(folder)/html/index.html, \(folder)/uncovered-algorithm.txt",
        ]
    }

    /// Runs an LLVM tool of the toolchain, its output into `log`; returns the output, or fails
    /// with the tool's last lines.
    @discardableResult
    func tool(_ name: String, _ arguments: [String], log: String) throws -> String {
        let termination = try Subprocess.run(try Toolchain.tool(name), arguments, output: .file(log), stop: stop)
        let text = Workspace.text(of: log)
        if stop.isRequested { throw StopRequested("stopped while running \(name)") }
        guard termination.succeeded else {
            throw ToolFailure(
                "\(name) \(arguments.first ?? "") failed (\(termination.description)): "
                    + text.split(separator: "\n").suffix(5).joined(separator: " / ") + " (log: \(log))")
        }
        return text
    }
}

/// The line coverage of some files, from llvm-cov's lcov export (`SF:` a file, `DA:line,count`
/// a line with code, `end_of_record`).
package struct LineCoverage: Equatable {
    package struct Line: Equatable {
        /// Relative to the repository root.
        package var file: String
        package var line: Int
        /// The source line, trimmed.
        package var text: String
    }

    package var total = 0
    package var covered = 0
    /// Lines with code that ran zero times, in file and line order.
    package var uncovered: [Line] = []

    /// Reads `lcov`; source lines are read from the files it names (paths under `root` are shown
    /// relative to it).
    package init(lcov: String, root: String) throws {
        var file: String?
        var source: [Substring] = []
        for entry in lcov.split(separator: "\n") {
            if entry.hasPrefix("SF:") {
                let path = String(entry.dropFirst(3))
                file = path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
                source = Workspace.text(of: path).split(separator: "\n", omittingEmptySubsequences: false)
            } else if entry.hasPrefix("DA:"), let file {
                let fields = entry.dropFirst(3).split(separator: ",")
                // A count is unsigned: threads that race on a counter (the real-thread target's) can
                // leave one that wrapped around, which still means the line ran.
                guard fields.count >= 2, let line = Int(fields[0]), let count = UInt64(fields[1]) else {
                    throw ToolFailure("llvm-cov's lcov export has a line it cannot read: '\(entry)'")
                }
                total += 1
                if count > 0 {
                    covered += 1
                } else {
                    let text = line - 1 < source.count ? source[line - 1].trimmingCharacters(in: .whitespaces) : ""
                    uncovered.append(Line(file: file, line: line, text: text))
                }
            }
        }
    }
}
