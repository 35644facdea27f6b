import Foundation
import Rundown
import RundownFuzz
import RundownHarness
import Testing

/// The repository's root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

@Suite("front-end catalogue")
struct CatalogueTests {
    @Test("the fuzz package FuzzTargets/: its folders and its manifest's list are the target list's products")
    func productsMatchFolders() throws {
        let package = repositoryRoot + "/" + Workspace.fuzzPackage
        let folders = try FileManager.default.contentsOfDirectory(atPath: package).sorted().filter { name in
            var isFolder: ObjCBool = false
            return !name.hasPrefix(".")
                && FileManager.default.fileExists(atPath: package + "/" + name, isDirectory: &isFolder)
                && isFolder.boolValue
        }
        #expect(folders == FuzzTarget.products.sorted())
        // The manifest names its products (a listing of the disk would go stale in SwiftPM's
        // manifest cache): the quoted names between `let products = [` and the next `]`.
        let manifest = try String(contentsOfFile: package + "/Package.swift", encoding: .utf8)
        let listStart = try #require(manifest.range(of: "let products = ["), "the fuzz manifest has no product list")
        let listEnd = try #require(manifest[listStart.upperBound...].firstIndex(of: "]"))
        let named = manifest[listStart.upperBound..<listEnd].split(separator: "\"").enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
        #expect(named.sorted() == FuzzTarget.products.sorted(), "FuzzTargets/Package.swift names \(named)")
        for target in FuzzTarget.all {
            #expect(
                FileManager.default.fileExists(atPath: repositoryRoot + "/Corpus/" + target.corpusName),
                "\(target.name) has no committed corpus")
        }
    }

    @Test("unknown target names are usage errors that list the valid ones")
    func unknownTarget() throws {
        #expect(try FuzzTarget.named("Misuse").product == "Misuse")
        #expect(try FuzzTarget.selection([]).count == FuzzTarget.all.count)
        #expect(try FuzzTarget.selection(["Misuse", "Misuse"]).count == 1)
        do {
            _ = try FuzzTarget.named("misuse")
            Issue.record("a wrong-case name was accepted")
        } catch {
            #expect(error.description.contains("did you mean Misuse?"))
            #expect(error.description.contains("Threads-tsan"))
        }
        #expect(throws: UsageError.self) { try FuzzTarget.named("Threads") }
    }

    @Test("control names: none, every control, and a typo that is a usage error")
    func controlNames() {
        #expect(Harness.control(named: "") == RundownFault.none)
        #expect(Harness.control(named: "none") == RundownFault.none)
        for control in RundownFault.controls { #expect(Harness.control(named: control.rawValue) == control) }
        #expect(Harness.control(named: "signal-before-zer") == nil)
        let message = Harness.unknownControlMessage("signal-before-zer", source: "RUNDOWN_CONTROL")
        #expect(message.contains("RUNDOWN_CONTROL=signal-before-zer is not a negative control"))
        #expect(message.contains("did you mean signal-before-zero?"))
    }
}

@Suite("libFuzzer files and output")
struct LibFuzzerFilesTests {
    @Test("an options file: sections become flags and sanitizer options; the caller's options win")
    func options() throws {
        let options = try TargetOptions(
            parsing: """
                [libfuzzer]
                # a comment
                timeout = 5
                max_len=256

                [asan]
                detect_leaks = 0
                """, file: "x.options")
        #expect(options.libFuzzerFlags == ["-timeout=5", "-max_len=256"])
        #expect(options.libFuzzer("timeout") == "5")
        let target = try FuzzTarget.named("Misuse")
        #expect(options.environment(for: target, inheriting: [:])["ASAN_OPTIONS"] == "detect_leaks=0")
        #expect(
            options.environment(for: target, inheriting: ["ASAN_OPTIONS": "verbosity=1"])["ASAN_OPTIONS"]
                == "detect_leaks=0:verbosity=1")
        #expect(options.environment(for: try FuzzTarget.named("Threads-tsan"), inheriting: [:])["TSAN_OPTIONS"] == "")
        #expect(throws: UsageError.self) { try TargetOptions(parsing: "timeout = 5", file: "x.options") }
        #expect(throws: UsageError.self) { try TargetOptions(parsing: "[libfuzzer]\njunk", file: "x.options") }
    }

    @Test("every committed options file parses")
    func committedOptions() throws {
        for target in FuzzTarget.all {
            let options = try TargetOptions.of(target, in: Workspace(root: repositoryRoot))
            #expect(options.libFuzzer("timeout") != nil, "\(target.name)")
        }
    }

    @Test("a libFuzzer log: final statistics, last status line, the finding")
    func log() {
        let log = LibFuzzerLog(
            parsing: """
                INFO: Seed: 1
                #2	INITED cov: 100 ft: 200 corp: 1/1b exec/s: 0 rss: 30Mb
                #300	NEW    cov: 120 ft: 260 corp: 4/40b lim: 4 exec/s: 0 rss: 31Mb L: 3/4 MS: 1 ChangeBit-
                verdict: FAIL (misuse, control none): DEADLOCK
                ==rundown-harness== FINDING deadlock: DEADLOCK: no thread can run; blocked in a wait: T1, T2
                ==123== ERROR: libFuzzer: deadly signal
                artifact_prefix='findings/Misuse/'; Test unit written to findings/Misuse/crash-abc
                stat::number_of_executed_units: 1234
                stat::average_exec_per_sec:     617
                stat::new_units_added:          3
                """)
        #expect(log.executions == 1234)
        #expect(log.executionsPerSecond == 617)
        #expect(log.newInputs == 3)
        #expect(log.features == 260)
        #expect(log.corpusInputs == 4)
        #expect(log.artifact == "findings/Misuse/crash-abc")
        #expect(log.findingSummary == "deadlock: DEADLOCK: no thread can run; blocked in a wait: T1, T2")
        #expect(
            LibFuzzerLog(parsing: "SUMMARY: ThreadSanitizer: data race x.swift:1").findingSummary
                == "ThreadSanitizer: data race x.swift:1")
        #expect(LibFuzzerLog(parsing: "==1== libFuzzer: run interrupted; exiting").interrupted)
    }

    @Test("a fork-mode log: the parent's last status line, the new inputs, a worker's finding")
    func forkLog() {
        let log = LibFuzzerLog(
            parsing: """
                INFO: -fork=2: fuzzing in separate process(s)
                INFO: -fork=2: 1395 seed inputs, starting to fuzz in /tmp/libFuzzerTemp.FuzzWithFork1.dir
                #3663: cov: 1773 ft: 8459 corp: 1395 exec/s: 1831 oom/timeout/crash: 0/0/0 time: 2s job: 1 dft_time: 0
                #108585: cov: 1774 ft: 8652 corp: 1527 exec/s: 3765 oom/timeout/crash: 0/0/1 time: 21s job: 7 dft_time: 0
                INFO: log from the inner process:
                #300	NEW    cov: 120 ft: 260 corp: 4/40b lim: 4 exec/s: 0 rss: 31Mb L: 3/4 MS: 1 ChangeBit-
                ==rundown-harness== FINDING model: the wait returned while 1 protection was outstanding
                artifact_prefix='findings/Interleavings/'; Test unit written to findings/Interleavings/crash-abc
                stat::number_of_executed_units: 1234
                stat::average_exec_per_sec:     617
                INFO: exiting: 1 time: 21s
                """)
        #expect(log.forkMode)
        #expect(log.executions == 108_585)
        #expect(log.executionsPerSecond == 108_585 / 21)
        #expect(log.features == 8652)
        #expect(log.newInputs == 1527 - 1395)
        #expect(log.artifact == "findings/Interleavings/crash-abc")
        #expect(log.findingSummary == "model: the wait returned while 1 protection was outstanding")
        #expect(LibFuzzerRun.workerFlags(jobs: 1).isEmpty)
        #expect(LibFuzzerRun.workerFlags(jobs: 2).contains("-fork=2"))
    }

    @Test("line coverage from llvm-cov's lcov export")
    func lineCoverage() throws {
        let coverage = try LineCoverage(
            lcov: "SF:/nowhere/a.swift\nDA:1,3\nDA:2,0\nDA:5,1\nend_of_record\n", root: "/nowhere")
        #expect(coverage.total == 3)
        #expect(coverage.covered == 2)
        #expect(coverage.uncovered.map { "\($0.file):\($0.line)" } == ["a.swift:2"])
        #expect(throws: ToolFailure.self) { try LineCoverage(lcov: "SF:/x\nDA:x\n", root: "/") }
    }

    @Test("the image's build flags: its SWIFTFLAGS and SANITIZER, or a usage error naming what is missing")
    func imageFlags() throws {
        let setup = try FuzzBuildSetup.image(environment: [
            "SANITIZER": "address", "SWIFTFLAGS": "-Xswiftc -parse-as-library  -Xcc=-O1",
        ])
        #expect(setup.swiftFlags == ["-Xswiftc", "-parse-as-library", "-Xcc=-O1"] + FuzzBuildSetup.libFuzzerMain)
        #expect(setup.checkedSanitizer == .address)
        #expect(setup.scratchPath == ".build-oss-fuzz-address")
        #expect(
            try FuzzBuildSetup.image(environment: ["SANITIZER": "coverage", "SWIFTFLAGS": "-g"]).checkedSanitizer == nil
        )
        #expect(throws: UsageError.self) { try FuzzBuildSetup.image(environment: ["SANITIZER": "address"]) }
        #expect(throws: UsageError.self) { try FuzzBuildSetup.image(environment: ["SWIFTFLAGS": "-g"]) }
        #expect(FuzzBuildSetup.libFuzzer(.thread).swiftFlags.contains("-sanitize=fuzzer,thread"))
        #expect(FuzzBuildSetup.libFuzzer(.address).binary("Misuse") == ".build-fuzz/release/Misuse")
    }

    @Test("a merge control file: the features of all inputs and of the chosen ones")
    func mergeControl() throws {
        let control = try MergeControlFile(
            text: """
                3
                0
                a/1
                b/2
                b/3
                STARTED 0 4
                FT 0 1 2 3
                COV 0 9
                STARTED 1 4
                FT 1 3 4
                STARTED 2 4
                FT 2 5
                """, file: "control")
        #expect(control.features(ofInputsWhere: { _ in true }) == 5)
        #expect(control.features(ofInputsWhere: { $0 != "b/3" }) == 4)
        #expect(throws: ToolFailure.self) { try MergeControlFile(text: "x", file: "control") }
    }
}

@Suite("recap")
struct RecapTests {
    func result(_ name: String, _ verdict: CampaignResult.Verdict) throws -> CampaignResult {
        CampaignResult(
            target: try FuzzTarget.named(name), verdict: verdict, log: "findings/logs/x/\(name).log",
            figures: LibFuzzerLog(parsing: "stat::number_of_executed_units: 1234567\nstat::average_exec_per_sec: 20576")
        )
    }

    @Test("all clean: exit status 0, one row per target, the clean verdict")
    func clean() throws {
        let recap = CampaignRecap(
            seconds: 60, control: .none, results: try ["APISequence", "Misuse"].map { try result($0, .clean) },
            logFolder: "findings/logs/x")
        #expect(recap.exitStatus(interruptedStatus: 130) == 0)
        let text = recap.lines.joined(separator: "\n")
        #expect(text.contains("1,234,567"))
        #expect(text.contains("verdict: CLEAN: 2 of 2 targets"))
    }

    @Test("a finding: exit status 1, its file and the exact replay command")
    func found() throws {
        let recap = CampaignRecap(
            seconds: 60, control: .signalBeforeZero,
            results: [
                try result("APISequence", .clean),
                try result("Misuse", .found(artifact: "findings/Misuse/crash-1", summary: "deadlock: x")),
            ],
            logFolder: "findings/logs/x")
        #expect(recap.exitStatus(interruptedStatus: 130) == 1)
        let text = recap.lines.joined(separator: "\n")
        #expect(text.contains("replay: ci/fuzz replay Misuse findings/Misuse/crash-1 --control signal-before-zero"))
        #expect(text.contains("NOT CLEAN: 1 of 2"))
    }

    @Test("an interrupted campaign exits with the signal's status after its recap")
    func interrupted() throws {
        let recap = CampaignRecap(
            seconds: 60, control: .none,
            results: [try result("APISequence", .interrupted), try result("Misuse", .notRun)],
            logFolder: "findings/logs/x")
        #expect(recap.exitStatus(interruptedStatus: 130) == 130)
        #expect(recap.lines.joined(separator: "\n").contains("Misuse NOT RUN"))
        #expect(recap.lines.joined(separator: "\n").contains("verdict: INTERRUPTED: 0 of 2 targets ran to the end"))
    }
}

@Suite("generated inputs")
struct GeneratedInputTests {
    @Test("the throughput inputs are the same every time and all decode")
    func deterministic() throws {
        let first = Throughput.inputs(count: 200), second = Throughput.inputs(count: 200)
        #expect(first == second)
        for bytes in first { _ = try InputDecoder(mode: .interleavings).decode(bytes) }
    }
}
