import Foundation

/// Builds the fuzz targets: every product of ``FuzzTarget/all`` with libFuzzer and its
/// sanitizer, in release mode, with the coverage flags the Swift code needs; then checks that
/// the build really carries the sanitizer and the coverage counters.
package struct FuzzBuild {
    package let workspace: Workspace

    package init(workspace: Workspace) { self.workspace = workspace }

    /// Coverage for the Swift code: without these flags libFuzzer sees almost none of it.
    static let coverageFlags = ["-Xswiftc", "-sanitize-coverage=edge,trace-cmp,pc-table,inline-8bit-counters"]
    /// A build's coverage counters below this mean the coverage flags did not apply.
    static let minimumCounters = 500

    /// The `swift build` arguments of `product` with `sanitizer`.
    ///
    /// SwiftPM passes each `--sanitize` to swiftc as its own `-sanitize=` flag, in an order
    /// that changes from one build to the next, and swiftc keeps only the last one: half of the
    /// builds had no sanitizer in the Swift code. One combined flag, passed last, settles it.
    package static func arguments(product: String, sanitizer: FuzzSanitizer) -> [String] {
        [
            "build", "--scratch-path", sanitizer.scratchPath, "-c", "release", "--sanitize=fuzzer",
            "--sanitize=\(sanitizer.rawValue)",
        ]
            + coverageFlags + ["-Xswiftc", "-sanitize=fuzzer,\(sanitizer.rawValue)", "--product", product]
    }

    /// Builds every target (each build's output into a log file, shown only when it fails),
    /// then checks each build.
    package func run(targets: [FuzzTarget], stop: StopSignal, log: (String) -> Void) throws {
        let logs = workspace.newLogFolder("build")
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        var built: [String] = []
        for target in targets {
            let key = "\(target.product)/\(target.sanitizer.rawValue)"
            if built.contains(key) { continue }
            built.append(key)
            let logFile = "\(logs)/\(target.product)-\(target.sanitizer.rawValue).log"
            log(
                "== building \(target.product) (libFuzzer + \(target.sanitizer.reportName), release) into \(target.sanitizer.scratchPath); log: \(logFile)"
            )
            let termination = try Subprocess.run(
                "swift", FuzzBuild.arguments(product: target.product, sanitizer: target.sanitizer),
                environment: ["RUNDOWN_FUZZ_TARGETS": "1"], output: .file(logFile), stop: stop)
            if stop.isRequested { throw StopRequested("the build was stopped (log: \(logFile))") }
            guard termination.succeeded else {
                let text = Workspace.text(of: logFile)
                log(text.split(separator: "\n", omittingEmptySubsequences: false).suffix(40).joined(separator: "\n"))
                throw ToolFailure(
                    "swift build of \(target.product) with \(target.sanitizer.reportName) failed (\(termination.description)); the end of its log is above, all of it in \(logFile)"
                )
            }
        }
        for sanitizer in Set(targets.map(\.sanitizer)).sorted(by: { $0.rawValue < $1.rawValue }) {
            try checkInstrumentation(sanitizer)
            log("\(sanitizer.scratchPath): Rundown and RundownHarness carry \(sanitizer.reportName) checks")
        }
        for target in targets {
            let counters = try coverageCounters(target)
            log("\(target.name): \(counters) inline 8-bit counters")
            guard counters >= FuzzBuild.minimumCounters else {
                throw ToolFailure(
                    "\(target.name) has only \(counters) coverage counters (expected \(FuzzBuild.minimumCounters) or more): the coverage flags did not apply"
                )
            }
        }
    }

    /// Fails unless the objects of the library and the harness call the sanitizer's checks.
    func checkInstrumentation(_ sanitizer: FuzzSanitizer) throws {
        for module in ["Rundown", "RundownHarness"] {
            let folder = "\(sanitizer.scratchPath)/release/\(module).build"
            let objects = Workspace.files(in: folder).filter { $0.hasSuffix(".o") }
            guard !objects.isEmpty else {
                throw ToolFailure("no objects in \(folder): the build did not produce \(module)")
            }
            let (termination, symbols) = try Subprocess.capture("nm", ["--undefined-only"] + objects)
            guard termination.succeeded else {
                throw ToolFailure("nm failed on \(folder) (\(termination.description))")
            }
            let instrumented = sanitizer.checkSymbolPrefixes.contains { prefix in symbols.contains(" U \(prefix)") }
            guard instrumented else {
                throw ToolFailure(
                    "the \(module) objects in \(folder) have no \(sanitizer.reportName) checks: the sanitizer flag did not apply"
                )
            }
        }
    }

    /// The inline 8-bit counters libFuzzer finds in the target's binary.
    func coverageCounters(_ target: FuzzTarget) throws -> Int {
        let (_, output) = try Subprocess.capture(
            target.binaryPath, ["-runs=0"], environment: ["SWIFT_BACKTRACE": "enable=no"])
        for line in output.split(separator: "\n") {
            guard let range = line.range(of: "Loaded 1 modules") else { continue }
            let rest = line[range.upperBound...].drop { !$0.isNumber }
            return Int(rest.prefix { $0.isNumber }) ?? 0
        }
        return 0
    }
}
