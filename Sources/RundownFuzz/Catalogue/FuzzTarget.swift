import RundownHarness

/// The sanitizer a target is built with, beside libFuzzer. Each has its own build folder, so that
/// both builds of the real-thread target exist side by side.
package enum FuzzSanitizer: String, Sendable, CaseIterable {
    case address
    case thread

    /// The build folder of every target built with this sanitizer.
    package var scratchPath: String {
        switch self {
        case .address: ".build-fuzz"
        case .thread: ".build-fuzz-tsan"
        }
    }

    /// The environment variable the sanitizer's runtime reads its options from.
    package var optionsVariable: String {
        switch self {
        case .address: "ASAN_OPTIONS"
        case .thread: "TSAN_OPTIONS"
        }
    }

    /// The section of `Corpus/<Name>.options` with this sanitizer's runtime options.
    package var optionsSection: String {
        switch self {
        case .address: "asan"
        case .thread: "tsan"
        }
    }

    /// Symbols that an object compiled with this sanitizer calls (the build checks for them:
    /// SwiftPM once dropped the sanitizer from half of the builds, see docs/fuzzing.md).
    package var checkSymbolPrefixes: [String] {
        switch self {
        case .address: ["__asan_report_load", "__asan_report_store"]
        case .thread: ["__tsan_read", "__tsan_write"]
        }
    }

    /// What the runtime reports, for messages.
    package var reportName: String {
        switch self {
        case .address: "AddressSanitizer"
        case .thread: "ThreadSanitizer"
        }
    }
}

/// How a target runs its inputs.
package enum FuzzEngine: Sendable, Equatable {
    /// The controlled scheduler, with the decoder mode of the target.
    case controlled(InputDecoder.Mode)
    /// Real OS threads (the Interleavings format and a thread plan).
    case realThreads
    /// The ported concurrency benchmarks on the runtime (a program id byte, then schedule bytes).
    case benchmarks
}

/// One libFuzzer target: its name on the command line, the executable it is built as, the
/// sanitizer it is built with, and the committed corpus it starts from.
///
/// This list is the one place that names the targets; the scripts, the tests and the docs ask
/// for it (`rundown-fuzz list`). The fuzz package (`FuzzTargets/Package.swift`) names an
/// executable per folder of `FuzzTargets/`, and a test checks that its list and those folders are
/// exactly the products below.
package struct FuzzTarget: Sendable, Hashable, CustomStringConvertible {
    /// The name users type (`Threads-tsan`).
    package let name: String
    /// The executable product, a folder of the fuzz package `FuzzTargets/` (`Threads`).
    package let product: String
    package let sanitizer: FuzzSanitizer
    package let engine: FuzzEngine
    /// One line on what the target checks.
    package let summary: String

    package var description: String { name }

    /// `Corpus/<corpusName>/`, `.options` and `.dict`: shared by the two builds of a product.
    package var corpusName: String { product }

    /// The built executable, relative to the repository root.
    package var binaryPath: String { FuzzBuildSetup.libFuzzer(sanitizer).binary(product) }

    /// Whether findings are timings on real threads (a replay repeats them) rather than schedules.
    package var runsOnRealThreads: Bool { engine == .realThreads }

    /// Whether the target's programs have bugs on purpose (the ported benchmarks, for
    /// calibrating the strategies and libFuzzer): a finding there is expected, so campaigns,
    /// the controls table and ClusterFuzzLite leave it out unless named.
    package var isCalibration: Bool { engine == .benchmarks }

    package static func == (a: FuzzTarget, b: FuzzTarget) -> Bool { a.name == b.name }
    package func hash(into hasher: inout Hasher) { hasher.combine(name) }

    /// Every target, in the order campaigns run them.
    package static let all: [FuzzTarget] = [
        FuzzTarget(
            name: "APISequence", product: "APISequence", sanitizer: .address, engine: .controlled(.apiSequence),
            summary: "one thread calls everything; differential against the reference model, allocation failures"),
        FuzzTarget(
            name: "Interleavings", product: "Interleavings", sanitizer: .address, engine: .controlled(.interleavings),
            summary: "owner + up to 4 workers under the controlled scheduler; model, invariants, object lifetime"),
        FuzzTarget(
            name: "WeakMemory", product: "WeakMemory", sanitizer: .address, engine: .controlled(.weakMemory),
            summary: "the Interleavings programs under the C11 memory model: stale reads, happens-before checks"),
        FuzzTarget(
            name: "Misuse", product: "Misuse", sanitizer: .address, engine: .controlled(.misuse),
            summary: "programs that break the contract on purpose; the checked mode must name each misuse"),
        FuzzTarget(
            name: "Threads-tsan", product: "Threads", sanitizer: .thread, engine: .realThreads,
            summary: "the Interleavings programs on real threads under ThreadSanitizer (data races)"),
        FuzzTarget(
            name: "Threads-asan", product: "Threads", sanitizer: .address, engine: .realThreads,
            summary: "the Interleavings programs on real threads under AddressSanitizer (use after free)"),
        FuzzTarget(
            name: "Benchmarks", product: "Benchmarks", sanitizer: .address, engine: .benchmarks,
            summary: "calibration: ported SCTBench programs with known bugs (program id byte, then schedule bytes)"),
    ]

    /// The targets a campaign runs when none is named: every target but the calibration ones.
    package static var campaignTargets: [FuzzTarget] { all.filter { !$0.isCalibration } }

    /// The executable products, each built once per sanitizer that needs it.
    package static var products: [String] {
        var seen: [String] = []
        for target in all where !seen.contains(target.product) { seen.append(target.product) }
        return seen
    }

    /// The target called `name`, or a usage error listing the valid names.
    package static func named(_ name: String) throws(UsageError) -> FuzzTarget {
        guard let target = all.first(where: { $0.name == name }) else {
            throw UsageError(
                "unknown target '\(name)'" + (suggestion(for: name).map { " (did you mean \($0.name)?)" } ?? "")
                    + "; targets: \(all.map(\.name).joined(separator: ", "))")
        }
        return target
    }

    /// The target a mistyped `name` probably means, if any.
    package static func suggestion(for name: String) -> FuzzTarget? {
        all.first { $0.name.lowercased() == name.lowercased() || $0.product == name }
            ?? all.min { editDistance($0.name, name) < editDistance($1.name, name) }.flatMap {
                editDistance($0.name, name) <= 3 ? $0 : nil
            }
    }

    /// The targets called `names`, or `defaults` (every target unless told) when `names` is
    /// empty; duplicates dropped.
    package static func selection(_ names: [String], defaults: [FuzzTarget] = all) throws(UsageError) -> [FuzzTarget] {
        if names.isEmpty { return defaults }
        var chosen: [FuzzTarget] = []
        for name in names {
            let target = try named(name)
            if !chosen.contains(target) { chosen.append(target) }
        }
        return chosen
    }
}
