// swift-tools-version: 6.1
import PackageDescription

/// The libFuzzer targets, a package of their own beside the root one (as swift-protobuf keeps
/// its `FuzzTesting/` package), so that the root manifest carries no unsafe flags and no
/// switch for them.
///
/// One executable per folder here, each a plain entry over `_RundownFuzzEntries` of the root
/// package. They link only with libFuzzer, which supplies `main`, so they are built only with
/// the fuzzer flags the OSS-Fuzz Swift image uses (`-parse-as-library`, static stdlib,
/// `-sanitize=fuzzer,...`): by `ci/fuzz build` and by `.clusterfuzzlite/build.sh`, never by a
/// plain `swift build`.
///
/// The folders are named here, not listed from the disk: SwiftPM caches a manifest's evaluation
/// keyed on the manifest's text and path, so a listing would go stale when a folder is added
/// under an unchanged manifest (a clone at a reused path then lacks the new product). The
/// front-end's target list (`FuzzTarget`) is the one place the targets are defined; a test
/// checks that this list, the folders and its products are the same.
let products = [
    "APISequence",
    "Benchmarks",
    "Interleavings",
    "Misuse",
    "Threads",
    "WeakMemory",
]

let package = Package(
    name: "RundownFuzzTargets",
    dependencies: [.package(name: "Rundown", path: "..")],
    targets: products.map { name in
        .executableTarget(
            name: name, dependencies: [.product(name: "_RundownFuzzEntries", package: "Rundown")], path: name)
    }
)
