// swift-tools-version: 6.1
import Foundation
import PackageDescription

/// The rundown-protection library and the tools that hammer it.
///
/// - `Rundown`: plain and cache-aware rundown refs (Swift API and the Windows `Ex*` C names).
/// - `_RundownShims`: the library's thin C layer (futex, current CPU, checked-mode switch, the
///   stop for a failed system call); only what the library uses, since C programs link it.
/// - `_ToolShims`: the tools' C layer (fibers, libFuzzer counters, threads and CPU pinning,
///   signals, call stacks, clocks) for the harness, the soak tester, the fuzz front-end, the
///   benchmark and the tests.
/// - `RundownCAPI`: the public C header `rundown.h` for C callers of the `Ex*` routines; `Rundown`
///   imports it and implements each routine with `@c @implementation`, checked against it.
/// - `rundown-bench`: the release-build benchmark that prints the cost table.
/// - `RundownFuzz` and `rundown-fuzz`: the fuzzing workflow's front-end (`ci/fuzz`).
/// - `_RundownFuzzEntries`: one public entry function per libFuzzer target, for the fuzz targets'
///   own package (`FuzzTargets/Package.swift`, a path dependency on this one). Not API: public only
///   because `package` access does not cross packages. The targets are a package of their own so
///   that this manifest needs no unsafe flags and no switch: they link only with libFuzzer's main.
/// - `RundownSoak` and `rundown-soak`: the many-core endurance tester and its command line.
/// - `RundownTestKit`: what every testing driver shares (no product): the ref kinds, the one
///   any-ref over the `Ex*` entry points, the forwarding platform, pthread threads and locks,
///   the seeded generator.

/// Call stacks in the soak tester's watchdog reports (`_ToolShims`) come from libunwind when its
/// headers are installed (Debian `libunwind-dev`; `ci/setup` installs it), and from glibc's
/// `backtrace()` otherwise, so the package builds either way. `RUNDOWN_LIBUNWIND=0` forces the fallback (CI
/// uses it to test the path a machine without libunwind takes).
let libunwindHeaders = [
    "/usr/include/libunwind.h", "/usr/include/x86_64-linux-gnu/libunwind.h",
    "/usr/include/aarch64-linux-gnu/libunwind.h",
]
let useLibunwind =
    ProcessInfo.processInfo.environment["RUNDOWN_LIBUNWIND"] != "0"
    && libunwindHeaders.contains { FileManager.default.fileExists(atPath: $0) }

let package = Package(
    name: "Rundown",
    products: [
        .library(name: "Rundown", targets: ["Rundown"]),
        // A shared object for C programs: link `-lRundownShared` and include `rundown.h`.
        .library(name: "RundownShared", type: .dynamic, targets: ["Rundown"]),
        .executable(name: "rundown-bench", targets: ["rundown-bench"]),
        .executable(name: "rundown-fuzz", targets: ["rundown-fuzz"]),
        .executable(name: "rundown-soak", targets: ["rundown-soak"]),
        // For FuzzTargets/Package.swift only (see above); the library `Rundown` does not carry it.
        .library(name: "_RundownFuzzEntries", targets: ["_RundownFuzzEntries"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
    ],
    targets: [
        .target(
            name: "_RundownShims",
            cSettings: [
                // Checked mode defaults to on in debug builds (see RundownChecking).
                .define("RUNDOWN_CHECKED_DEFAULT", to: "1", .when(configuration: .debug)),
                .define("_GNU_SOURCE"),
            ]
        ),
        .target(name: "RundownCAPI"),
        .target(
            name: "_ToolShims",
            dependencies: ["_RundownShims"],
            cSettings: useLibunwind
                ? [.define("RUNDOWN_HAVE_LIBUNWIND", to: "1"), .define("_GNU_SOURCE")] : [.define("_GNU_SOURCE")],
            linkerSettings: useLibunwind ? [.linkedLibrary("unwind"), .linkedLibrary("dl")] : [.linkedLibrary("dl")]
        ),
        .target(name: "RundownTestKit", dependencies: ["Rundown", "_ToolShims", "_RundownShims"]),
        .target(name: "RundownHarness", dependencies: ["Rundown", "RundownTestKit", "_ToolShims", "_RundownShims"]),
        .target(name: "Rundown", dependencies: ["_RundownShims", "RundownCAPI"]),
        .executableTarget(name: "rundown-bench", dependencies: ["Rundown", "_RundownShims", "_ToolShims"]),
        .target(name: "_RundownFuzzEntries", dependencies: ["RundownHarness"]),
        .target(
            name: "RundownFuzz",
            dependencies: ["Rundown", "RundownHarness", "RundownTestKit", "_ToolShims", "_RundownShims"]),
        .executableTarget(
            name: "rundown-fuzz",
            dependencies: [
                // RundownSoak: the soak tester's output-file probe and writer (one copy for both tools).
                "Rundown", "RundownHarness", "RundownFuzz", "RundownSoak",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "RundownSoak",
            dependencies: [
                "Rundown", "RundownTestKit", "_RundownShims", "_ToolShims",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .executableTarget(
            name: "rundown-soak",
            dependencies: ["RundownSoak", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(
            name: "RundownTests",
            dependencies: ["Rundown", "RundownCAPI", "RundownTestKit", "_RundownShims", "_ToolShims"]),
        .testTarget(name: "RundownHarnessTests", dependencies: ["RundownHarness", "RundownTestKit", "Rundown"]),
        .testTarget(name: "RundownSoakTests", dependencies: ["RundownSoak", "Rundown"]),
        .testTarget(
            name: "RundownFuzzTests", dependencies: ["RundownFuzz", "RundownHarness", "RundownTestKit", "Rundown"]),
    ]
)
