import Foundation

/// Builds the fuzz targets from their own package (`FuzzTargets/`): every product of
/// ``FuzzTarget/all`` with libFuzzer and its sanitizer, in release mode, with the flags the
/// OSS-Fuzz Swift image uses (``FuzzBuildSetup``); then checks that the build really carries the
/// sanitizer and libFuzzer's coverage counters.
package struct FuzzBuild {
    package let workspace: Workspace

    package init(workspace: Workspace) { self.workspace = workspace }

    /// A build's coverage counters below this mean the coverage instrumentation did not apply.
    static let minimumCounters = 500

    /// The environment of every fuzz build: no libunwind. The targets never take call stacks
    /// (only the soak tester does), and a binary linked against a library the runner image
    /// lacks would not start there (see Package.swift).
    static let environment = ["RUNDOWN_LIBUNWIND": "0"]

    /// The `swift build` arguments of `product` in `setup`.
    package func arguments(product: String, setup: FuzzBuildSetup) -> [String] {
        [
            "build", "--package-path", Workspace.fuzzPackage, "--scratch-path",
            workspace.root + "/" + setup.scratchPath,
            "-c", "release",
        ] + setup.swiftFlags + ["--product", product]
    }

    /// Builds every target with libFuzzer and its sanitizer (each build's output into a log
    /// file, shown only when it fails), then checks each build.
    package func run(targets: [FuzzTarget], stop: StopSignal, log: (String) -> Void) throws {
        let logs = workspace.newLogFolder("build")
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        var sanitizers: [FuzzSanitizer] = []
        for target in targets where !sanitizers.contains(target.sanitizer) { sanitizers.append(target.sanitizer) }
        for sanitizer in sanitizers {
            var products: [String] = []
            for target in targets where target.sanitizer == sanitizer && !products.contains(target.product) {
                products.append(target.product)
            }
            try build(products: products, setup: .libFuzzer(sanitizer), logs: logs, stop: stop, log: log)
        }
        for target in targets {
            let counters = try coverageCounters(binary: target.binaryPath)
            log("\(target.name): \(counters) inline 8-bit counters")
            guard counters >= FuzzBuild.minimumCounters else {
                throw ToolFailure(
                    "\(target.name) has only \(counters) coverage counters (expected \(FuzzBuild.minimumCounters) or more): the coverage instrumentation did not apply"
                )
            }
        }
    }

    /// Builds `products` with `setup` (logs under `logs`), then, when the setup names a
    /// sanitizer, checks that the library and the engine carry its checks.
    package func build(
        products: [String], setup: FuzzBuildSetup, logs: String, stop: StopSignal, log: (String) -> Void
    ) throws {
        for product in products {
            let logFile = "\(logs)/\(product)\(setup.scratchPath.dropFirst(".build".count)).log"
            log("== building \(product) (\(setup.label), release) into \(setup.scratchPath); log: \(logFile)")
            let termination = try Subprocess.run(
                "swift", arguments(product: product, setup: setup), environment: FuzzBuild.environment,
                output: .file(logFile), stop: stop)
            if stop.isRequested { throw StopRequested("the build was stopped (log: \(logFile))") }
            guard termination.succeeded else {
                let text = Workspace.text(of: logFile)
                log(text.split(separator: "\n", omittingEmptySubsequences: false).suffix(40).joined(separator: "\n"))
                throw ToolFailure(
                    "swift build of \(product) (\(setup.label)) failed (\(termination.description)); the end of its log is above, all of it in \(logFile)"
                )
            }
            guard FileManager.default.isExecutableFile(atPath: setup.binary(product)) else {
                throw ToolFailure("swift build of \(product) succeeded but left no executable \(setup.binary(product))")
            }
        }
        if let sanitizer = setup.checkedSanitizer {
            try checkInstrumentation(sanitizer, scratchPath: setup.scratchPath)
            log("\(setup.scratchPath): Rundown and RundownHarness carry \(sanitizer.reportName) checks")
        }
    }

    /// Fails unless the objects of the library and the harness call the sanitizer's checks.
    func checkInstrumentation(_ sanitizer: FuzzSanitizer, scratchPath: String) throws {
        for module in ["Rundown", "RundownHarness"] {
            let folder = "\(scratchPath)/release/\(module).build"
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

    /// The inline 8-bit counters libFuzzer finds in a target's binary.
    package func coverageCounters(binary: String) throws -> Int {
        let (_, output) = try Subprocess.capture(binary, ["-runs=0"], environment: ["SWIFT_BACKTRACE": "enable=no"])
        for line in output.split(separator: "\n") {
            guard let range = line.range(of: "Loaded 1 modules") else { continue }
            let rest = line[range.upperBound...].drop { !$0.isNumber }
            return Int(rest.prefix { $0.isNumber }) ?? 0
        }
        return 0
    }
}
