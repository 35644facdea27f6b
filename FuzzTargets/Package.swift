// swift-tools-version: 6.1
import Foundation
import PackageDescription

/// The libFuzzer targets, a package of their own beside the root one (as swift-protobuf keeps
/// its `FuzzTesting/` package), so that the root manifest carries no unsafe flags and no
/// switch for them.
///
/// One executable per folder here (the front-end's target list names each; a test keeps the
/// two in step), each a plain entry over `_RundownFuzzEntries` of the root package. They link
/// only with libFuzzer, which supplies `main`, so they are built only with the fuzzer flags the
/// OSS-Fuzz Swift image uses (`-parse-as-library`, static stdlib, `-sanitize=fuzzer,...`):
/// by `ci/fuzz build` and by `.clusterfuzzlite/build.sh`, never by a plain `swift build`.
let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
let folders = ((try? FileManager.default.contentsOfDirectory(atPath: here)) ?? []).sorted().filter { name in
    var isFolder: ObjCBool = false
    return !name.hasPrefix(".") && FileManager.default.fileExists(atPath: here + "/" + name, isDirectory: &isFolder)
        && isFolder.boolValue
}

let package = Package(
    name: "RundownFuzzTargets",
    dependencies: [.package(name: "Rundown", path: "..")],
    targets: folders.map { name in
        .executableTarget(
            name: name, dependencies: [.product(name: "_RundownFuzzEntries", package: "Rundown")], path: name)
    }
)
