import Foundation

/// What the build.sh of OSS-Fuzz and ClusterFuzzLite runs (`ci/fuzz oss-fuzz-build`): every
/// product of the fuzz package built with the builder image's flags (``FuzzBuildSetup/image(environment:)``:
/// its `SWIFTFLAGS` for its one `SANITIZER`), and the output folder (`$OUT`) laid out as their
/// runners expect it, each file named after the binary:
///
/// - `<product>`: the libFuzzer binary;
/// - `<product>_seed_corpus.zip`: the committed corpus `Corpus/<Name>/`, flat;
/// - `<product>.dict`: the committed dictionary `Corpus/<Name>.dict`;
/// - `<product>.options`: the committed options file `Corpus/<Name>.options`, parsed first, so a
///   file the front-end would refuse never reaches a runner.
///
/// Every product is built with the image's sanitizer, the real-thread one included (OSS-Fuzz
/// builds Swift with AddressSanitizer only; `Threads-tsan` runs in the project's own nightly job).
package struct OSSFuzzBuild {
    package let workspace: Workspace
    package let out: String
    package let setup: FuzzBuildSetup

    package init(workspace: Workspace, out: String, setup: FuzzBuildSetup) {
        self.workspace = workspace
        self.out = out
        self.setup = setup
    }

    /// One target per product: the one whose corpus, dictionary and options the product uses.
    /// Calibration targets are left out: their programs fail on purpose.
    package static var products: [FuzzTarget] {
        var chosen: [FuzzTarget] = []
        for target in FuzzTarget.all
        where !target.isCalibration && !chosen.contains(where: { $0.product == target.product }) {
            chosen.append(target)
        }
        return chosen
    }

    /// Builds, then writes the output folder; returns one line per file written.
    package func run(stop: StopSignal, log: (String) -> Void) throws -> [String] {
        let logs = workspace.newLogFolder("oss-fuzz-build")
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            throw ToolFailure("cannot create the output folder \(out): \(error.localizedDescription)")
        }
        let targets = OSSFuzzBuild.products
        try FuzzBuild(workspace: workspace).build(
            products: targets.map(\.product), setup: setup, logs: logs, stop: stop, log: log)
        var written: [String] = []
        for target in targets {
            let product = target.product
            try copy(setup.binary(product), to: "\(out)/\(product)")
            _ = try TargetOptions.of(target, in: workspace)
            try copy(workspace.optionsFile(target), to: "\(out)/\(product).options")
            try copy(workspace.dictionary(target), to: "\(out)/\(product).dict")
            let seeds = try zipCorpus(target, into: "\(out)/\(product)_seed_corpus.zip", logs: logs, stop: stop)
            written.append(
                "\(out)/\(product): binary, \(product)_seed_corpus.zip (\(seeds) inputs), \(product).dict, \(product).options"
            )
        }
        return written
    }

    /// Copies `source` over `destination` (replacing an older copy).
    func copy(_ source: String, to destination: String) throws {
        guard FileManager.default.fileExists(atPath: source) else {
            throw ToolFailure("\(source) does not exist: every product needs it in \(out)")
        }
        do {
            if FileManager.default.fileExists(atPath: destination) {
                try FileManager.default.removeItem(atPath: destination)
            }
            try FileManager.default.copyItem(atPath: source, toPath: destination)
        } catch {
            throw ToolFailure("cannot copy \(source) to \(destination): \(error.localizedDescription)")
        }
    }

    /// Zips the committed corpus of `target`, flat, into `zip`; returns how many inputs it holds.
    func zipCorpus(_ target: FuzzTarget, into zip: String, logs: String, stop: StopSignal) throws -> Int {
        let inputs = Workspace.files(in: workspace.committedCorpus(target))
        guard !inputs.isEmpty else { throw ToolFailure("\(workspace.committedCorpus(target)) holds no inputs") }
        if FileManager.default.fileExists(atPath: zip) {
            do { try FileManager.default.removeItem(atPath: zip) } catch {
                throw ToolFailure("cannot replace \(zip): \(error.localizedDescription)")
            }
        }
        let logFile = "\(logs)/\(target.product)-zip.log"
        let termination = try Subprocess.run(
            "zip", ["-q", "-j", "-X", zip] + inputs, output: .file(logFile), stop: stop)
        guard termination.succeeded else {
            throw ToolFailure(
                "zip of \(workspace.committedCorpus(target)) failed (\(termination.description); exit status 127: zip is not installed, ci/setup installs it); log: \(logFile)"
            )
        }
        return inputs.count
    }
}
