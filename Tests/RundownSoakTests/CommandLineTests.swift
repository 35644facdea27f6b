import Foundation
import Testing
@testable import RundownSoak

/// The command line as a person or a script meets it: bad input refused before anything runs
/// (exit status 64, one line per problem), stopping by signals, output that is never lost.
/// Each test runs the built `rundown-soak` as a child process.
@Suite struct CommandLineTests {
    /// Runs `arguments`, expects a refusal: status 64, nothing on standard output, exactly one
    /// line on standard error that contains `fragment`, and no time spent running.
    func expectRefused(_ arguments: [String], _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let folder = try SoakExecutable.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let start = Date()
        let child = try SoakExecutable.run(arguments, folder: folder)
        let context =
            "rundown-soak \(arguments): status \(String(describing: child.exitStatus)), stderr: \(child.stderr)"
        #expect(child.exitStatus == 64, "\(context)", sourceLocation: sourceLocation)
        #expect(child.stdout.isEmpty, "\(context); stdout: \(child.stdout)", sourceLocation: sourceLocation)
        #expect(child.stderrLines.count == 1, "\(context)", sourceLocation: sourceLocation)
        #expect(
            child.stderrLines.first?.hasPrefix("rundown-soak: ") == true, "\(context)", sourceLocation: sourceLocation)
        #expect(child.stderr.contains(fragment), "\(context); expected: \(fragment)", sourceLocation: sourceLocation)
        #expect(
            Date().timeIntervalSince(start) < 20, "\(context): took as long as a run", sourceLocation: sourceLocation)
    }

    @Test func outputPathsThatCannotBeWrittenAreRefusedBeforeTheRun() throws {
        let folder = try SoakExecutable.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try expectRefused(
            ["--duration", "30", "--json", folder], "--json \(folder) is a folder; give a file name inside it")
        try expectRefused(["--duration", "30", "--json", ""], "--json was given an empty path")
        // Not writable even for root.
        try expectRefused(
            ["--duration", "30", "--json", "/sys/rundown-soak-test.json"], "cannot create a file in the folder /sys: ")
        try expectRefused(
            ["--duration", "30", "--json", folder + "/missing/s.json"],
            "No such file or directory; create the folder first")
        try expectRefused(["sweep", "--svg", folder], "--svg \(folder) is a folder")
        try expectRefused(["sweep", "--markdown", ""], "--markdown was given an empty path")
        try expectRefused(["controls", "--out", folder], "--out \(folder) is a folder")
        // The probes removed what they created.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test func negativeAndNonNumericValuesAreAnsweredByTheValidation() throws {
        try expectRefused(
            ["--duration", "-5"], "rundown-soak: --duration must be 0 (until stopped) or more seconds (got -5)")
        try expectRefused(["--duration", "abc"], "'abc' is invalid for '--duration <seconds>'")
        try expectRefused(["--workers", "-3"], "--workers must be 1...4096 (got -3)")
        try expectRefused(["--stutter", "-1"], "--stutter must be 0 (off) or more seconds (got -1)")
        try expectRefused(
            ["sweep", "--seconds-per-point", "-1"], "--seconds-per-point must be more than 0 and at most 3600 (got -1)")
        try expectRefused(["controls", "--runs", "-1"], "--runs must be 1...1000 (got -1)")
        try expectRefused(["--quik"], "Unknown option '--quik'")
    }

    /// The probe of a writable path leaves nothing behind, and an old file of that name keeps
    /// its content until the run's summary replaces it.
    @Test func aGoodPathPassesTheProbeAndIsLeftAlone() throws {
        let folder = try SoakExecutable.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(OutputFile.problem(writing: folder + "/new.json", option: "--json", example: "s.json") == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        try Data("old".utf8).write(to: URL(fileURLWithPath: folder + "/old.json"))
        #expect(OutputFile.problem(writing: folder + "/old.json", option: "--json", example: "s.json") == nil)
        #expect(try String(contentsOfFile: folder + "/old.json", encoding: .utf8) == "old")
        try OutputFile.write(Data("new".utf8), to: folder + "/old.json")
        #expect(try String(contentsOfFile: folder + "/old.json", encoding: .utf8) == "new")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["old.json"])
        #expect(throws: OutputFile.Failure.self) { try OutputFile.write(Data(), to: folder + "/missing/x.json") }
    }

    /// Decodes the JSON summary at `path`.
    func summary(at path: String) throws -> SoakSummary {
        try JSONDecoder().decode(SoakSummary.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Two SIGINTs in quick succession (what `timeout -s INT` delivers: one to the child, one
    /// to its process group) are one stop: summary printed, JSON written, exit status 130.
    @Test func twoQuickSIGINTsStillEndInTheSummary() throws {
        let folder = try SoakExecutable.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let json = folder + "/summary.json"
        let child = try SoakExecutable(["--duration", "60", "--stats-interval", "1", "--json", json], folder: folder)
        // A failed expectation must not leave a run going (an endless run uses every CPU).
        defer { if child.process.isRunning { kill(child.process.processIdentifier, SIGKILL) } }
        try #require(child.waitForOutput("rundown-soak start", seconds: 30), "no start banner: \(child.stderr)")
        usleep(500_000)
        kill(child.process.processIdentifier, SIGINT)
        usleep(20_000)
        kill(child.process.processIdentifier, SIGINT)
        usleep(300_000)
        kill(child.process.processIdentifier, SIGTERM)
        try #require(child.waitForExit(seconds: 30), "the run did not stop")
        #expect(
            child.exitStatus == 130,
            "status \(String(describing: child.exitStatus)), signal \(String(describing: child.deathSignal)); stderr: \(child.stderr)"
        )
        #expect(child.stdout.contains("\nINTERRUPTED by SIGINT (exit status 130)"))
        let written = try summary(at: json)
        #expect(written.verdict == .interrupted && written.exitStatus == 130 && written.signal == "SIGINT")
    }

    /// The same through coreutils `timeout` itself, where it is installed.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/timeout")))
    func timeoutWithSIGINTStillEndsInTheSummary() throws {
        let folder = try SoakExecutable.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let json = folder + "/summary.json"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = [
            "--preserve-status", "-s", "INT", "3", try SoakExecutable.path(), "--duration", "60", "--json", json,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 130)
        #expect(try summary(at: json).verdict == .interrupted)
    }

    /// A stop signal later than the window after the first kills a run that does not stop (the
    /// planted leak keeps an owner's last wait hanging until the watchdog's timeout).
    @Test func aLaterSignalKillsAtOnce() throws {
        let folder = try SoakExecutable.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let child = try SoakExecutable(
            ["--implementation", "leak-one-protection", "--wait-timeout", "60", "--duration", "0"], folder: folder)
        // A failed expectation must not leave a run going (an endless run uses every CPU).
        defer { if child.process.isRunning { kill(child.process.processIdentifier, SIGKILL) } }
        try #require(child.waitForOutput("rundown-soak start", seconds: 30))
        usleep(3_000_000)  // the leak is planted one second in
        kill(child.process.processIdentifier, SIGINT)
        usleep(UInt32((SoakConsole.stopWindowSeconds + 0.5) * 1e6))
        #expect(child.process.isRunning, "the leaked protection should keep the run from stopping")
        kill(child.process.processIdentifier, SIGINT)
        try #require(child.waitForExit(seconds: 10), "a later SIGINT did not kill the run")
        #expect(child.deathSignal == SIGINT)
    }

    /// A summary that cannot be written at the end (its folder went away during the run) is
    /// kept in the temporary folder, and one line says why and where.
    @Test func aSummaryThatCannotBeWrittenIsKeptElsewhere() throws {
        let folder = try SoakExecutable.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let doomed = folder + "/doomed"
        try FileManager.default.createDirectory(atPath: doomed, withIntermediateDirectories: false)
        let child = try SoakExecutable(
            ["--duration", "2", "--json", doomed + "/summary.json"], folder: folder,
            environment: ["TMPDIR": folder])
        // A failed expectation must not leave a run going (an endless run uses every CPU).
        defer { if child.process.isRunning { kill(child.process.processIdentifier, SIGKILL) } }
        try #require(child.waitForOutput("rundown-soak start", seconds: 30))
        try FileManager.default.removeItem(atPath: doomed)
        try #require(child.waitForExit(seconds: 60))
        #expect(child.exitStatus == 74)
        #expect(child.stdout.contains("\nSUCCESS\n"))
        let line = try #require(
            child.stderrLines.first { $0.contains("could not write the JSON summary") }, "stderr: \(child.stderr)")
        #expect(line.contains("No such file or directory") && !line.contains("NSCocoaErrorDomain"), "\(line)")
        let kept = try #require(
            line.range(of: "wrote it to ").map {
                String(line[$0.upperBound...]).replacingOccurrences(of: " instead", with: "")
            })
        #expect(try summary(at: kept).verdict == .success)
    }

    @Test func controlsRunsEachControlAsAChildAndPrintsTheTable() throws {
        let folder = try SoakExecutable.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let child = try SoakExecutable.run(
            [
                "controls", "--controls", "wait-leaves-marker", "--runs", "2", "--limit", "20",
                "--out", folder + "/table.md",
            ], folder: folder)
        #expect(child.exitStatus == 0, "stderr: \(child.stderr)")
        let table = try String(contentsOfFile: folder + "/table.md", encoding: .utf8)
        #expect(
            table.hasPrefix(
                "| control | soak (default options) | how it shows |\n|---|---|---|\n| `wait-leaves-marker` | "))
        #expect(child.stdout == table)
        #expect(!table.contains("not found") && !table.contains("found 1/2"))
    }
}

@Suite struct ControlsTableTests {
    @Test func cellsMedianAndTally() {
        var table = ControlsTable(runs: 3, limitSeconds: 60)
        table.rows = [
            .init(
                control: "a",
                outcomes: [
                    .found(seconds: 3, how: "watchdog"), .found(seconds: 1, how: "misuse"),
                    .found(seconds: 2, how: "watchdog"),
                ]),
            .init(control: "b", outcomes: [.found(seconds: 1, how: "crash-signal-11"), .notFound]),
            .init(control: "c", outcomes: [.notFound]),
        ]
        #expect(
            table.markdown == """
                | control | soak (default options) | how it shows |
                |---|---|---|
                | `a` | 2.00 s | watchdog x2, misuse x1 |
                | `b` | found 1/3 | crash-signal-11 x1 |
                | `c` | not found in 60 s | - |
                """)
        #expect(ControlsTable.median([4, 1, 3, 2]) == 2.5)
    }
}
