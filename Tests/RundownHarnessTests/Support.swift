import Foundation
import RundownHarness

/// The repository's root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The fuzz targets and the decoder mode each one uses.
let targetModes: [(name: String, mode: Decoder.Mode)] = [("APISequence", .apiSequence), ("Interleavings", .interleavings), ("Misuse", .misuse)]

/// Every regular file under `folder` (relative to the repository root), sorted.
func files(under folder: String) -> [URL] {
    let url = repositoryRoot.appendingPathComponent(folder)
    guard let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
    return enumerator.compactMap { $0 as? URL }
        .filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
        .sorted { $0.path < $1.path }
}

/// A small deterministic generator for test inputs (SplitMix64).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// An input in the version-1 format.
func input(kind: UInt8 = 1, cpus: UInt8 = 2, twoRefs: Bool = false, workers: UInt8, failing: UInt8 = 0,
           program: [UInt8], schedule: [UInt8]) -> [UInt8] {
    [1, kind | (cpus - 1) << 2 | (twoRefs ? 0x10 : 0), workers | failing << 3, UInt8(program.count)] + program + schedule
}

/// A program byte: `thread`, operation kind `kind` (0...7), argument 0...3.
func op(_ thread: UInt8, _ kind: UInt8, _ argument: UInt8 = 0) -> UInt8 { thread | kind << 3 | argument << 6 }
