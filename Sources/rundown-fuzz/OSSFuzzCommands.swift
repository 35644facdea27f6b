import ArgumentParser
import Foundation
import RundownFuzz

extension RundownFuzzCommand {
    /// `ci/fuzz oss-fuzz-build`: what `.clusterfuzzlite/build.sh` runs in the builder image.
    struct OSSFuzzBuild: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "oss-fuzz-build",
            abstract:
                "Build every target with the OSS-Fuzz image's $SWIFTFLAGS and lay out --out as OSS-Fuzz and ClusterFuzzLite expect.",
            discussion: """
                Run by .clusterfuzzlite/build.sh inside the builder image (base-builder-swift), which sets \
                SANITIZER and, through its precompile_swift script, SWIFTFLAGS; ci/clusterfuzzlite-local sets \
                them the same way without Docker. Writes, per product: the binary, <product>_seed_corpus.zip \
                (Corpus/<Name>/), <product>.dict and <product>.options (Corpus/<Name>.dict, .options).
                """)
        @Option(help: ArgumentHelp("The output folder (default: $OUT).", valueName: "folder")) var out: String?

        func run() throws {
            try reportingErrors {
                let environment = ProcessInfo.processInfo.environment
                guard let folder = out ?? environment["OUT"], !folder.isEmpty else {
                    throw UsageError("no output folder: pass --out FOLDER or set OUT (the builder image sets it)")
                }
                let build = RundownFuzz.OSSFuzzBuild(
                    workspace: try Workspace.current(), out: folder,
                    setup: try FuzzBuildSetup.image(environment: environment))
                show(try build.run(stop: StopSignal.install(), log: say).joined(separator: "\n"))
            }
        }
    }

    /// `ci/fuzz coverage`: the committed corpus's line coverage of the library.
    struct Coverage: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Line coverage of Sources/Rundown by the committed corpus: a table, HTML, and every line of Sources/Rundown/Algorithm never reached.",
            discussion: """
                Builds the targets with source-based coverage (as OSS-Fuzz's SANITIZER=coverage build), \
                runs each over Corpus/<Name>/ once, merges the profiles with llvm-profdata and reports with \
                llvm-cov into .fuzz/coverage/ (ignored by git).
                """)

        func run() throws {
            try reportingErrors {
                let report = CoverageReport(workspace: try Workspace.current(), stop: StopSignal.install())
                show(try report.run(log: say).joined(separator: "\n"))
            }
        }
    }
}
