/// One way of building the fuzz package (`FuzzTargets/`): its build folder, its `swift build`
/// flags, and whether the result is checked for a sanitizer and libFuzzer's coverage counters.
///
/// The flags are the ones the OSS-Fuzz Swift base image exports as `SWIFTFLAGS` (its
/// `precompile_swift` script: `-parse-as-library`, the static standard library, one combined
/// `-sanitize=fuzzer,<sanitizer>` flag, or the profile flags for a coverage build), so that
/// `ci/fuzz build` and the image's build.sh build the same thing. On top of them comes
/// `--sanitize=fuzzer` (``libFuzzerMain``), as the image's `SWIFT6_2FLAGS` has it: from tools
/// version 5.5 on, SwiftPM renames an executable module's entry point to `<Module>_main` and
/// links `main` to it, unless libFuzzer is among its sanitizers; the targets have no entry
/// point of their own (libFuzzer supplies `main`), so without it the link fails.
package struct FuzzBuildSetup: Sendable, Equatable {
    /// The build folder, relative to the repository root.
    package let scratchPath: String
    /// The `swift build` flags after `-c release`.
    package let swiftFlags: [String]
    /// The sanitizer the build must carry (checked after the build), if any.
    package let checkedSanitizer: FuzzSanitizer?
    /// What the build is, for messages (`libFuzzer + AddressSanitizer`).
    package let label: String

    /// The built executable of `product`, relative to the repository root.
    package func binary(_ product: String) -> String { "\(scratchPath)/release/\(product)" }

    /// The flag SwiftPM needs to leave the targets' `main` to libFuzzer (see the type's notes).
    package static let libFuzzerMain = ["--sanitize=fuzzer"]

    /// The image's `SWIFTFLAGS` common to every build: no `main` of the Swift code's own, and the
    /// Swift runtime linked in (the runner image has no Swift toolchain).
    package static let imageCommonFlags = [
        "-Xswiftc", "-parse-as-library", "-Xswiftc", "-static-stdlib", "--static-swift-stdlib",
    ]

    /// `ci/fuzz build`: libFuzzer with `sanitizer`, as the image builds with `SANITIZER=<sanitizer>`
    /// (less the image's C flags, `-Xcc=` each word of its `CFLAGS`). The combined
    /// `-sanitize=fuzzer,<sanitizer>` flag comes after SwiftPM's own `-sanitize=` flags, and
    /// swiftc keeps the last one: SwiftPM alone passes one flag per sanitizer in no fixed order
    /// (docs/fuzzing.md, "Sanitizer flags").
    package static func libFuzzer(_ sanitizer: FuzzSanitizer) -> FuzzBuildSetup {
        FuzzBuildSetup(
            scratchPath: sanitizer.scratchPath,
            swiftFlags: imageCommonFlags + [
                "-Xswiftc", "-sanitize=fuzzer,\(sanitizer.rawValue)", "--sanitize=\(sanitizer.rawValue)",
            ] + libFuzzerMain,
            checkedSanitizer: sanitizer, label: "libFuzzer + \(sanitizer.reportName)")
    }

    /// `ci/fuzz coverage`: source-based coverage, as the image builds with `SANITIZER=coverage`
    /// (libFuzzer's `main` runs the corpus; no sanitizer).
    package static let coverage = FuzzBuildSetup(
        scratchPath: ".build-coverage",
        swiftFlags: imageCommonFlags + [
            "-Xswiftc", "-profile-generate", "-Xswiftc", "-profile-coverage-mapping", "-Xswiftc", "-sanitize=fuzzer",
        ] + libFuzzerMain,
        checkedSanitizer: nil, label: "source-based coverage")

    /// Inside the OSS-Fuzz or ClusterFuzzLite builder (`ci/fuzz oss-fuzz-build`): the image's own
    /// `SWIFTFLAGS` for its `SANITIZER`, split at white space as build.sh's shell would split
    /// `$SWIFTFLAGS`, plus ``libFuzzerMain``.
    package static func image(environment: [String: String]) throws(UsageError) -> FuzzBuildSetup {
        guard let sanitizer = environment["SANITIZER"], !sanitizer.isEmpty else {
            throw UsageError(
                "SANITIZER is not set: oss-fuzz-build runs in the OSS-Fuzz Swift builder image (or ci/clusterfuzzlite-local), which sets SANITIZER and SWIFTFLAGS"
            )
        }
        guard sanitizer.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw UsageError("SANITIZER='\(sanitizer)' is not a sanitizer name (address, coverage, ...)")
        }
        let flags = (environment["SWIFTFLAGS"] ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
            .map(String.init)
        guard !flags.isEmpty else {
            throw UsageError(
                "SWIFTFLAGS is not set: source the image's precompile_swift first (build.sh does: . precompile_swift)")
        }
        return FuzzBuildSetup(
            scratchPath: ".build-oss-fuzz-\(sanitizer)", swiftFlags: flags + libFuzzerMain,
            checkedSanitizer: FuzzSanitizer(rawValue: sanitizer),
            label: "the image's SWIFTFLAGS, SANITIZER=\(sanitizer)")
    }
}
