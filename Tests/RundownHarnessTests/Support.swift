import Foundation
import RundownHarness

/// The repository's root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The fuzz targets and the decoder mode each one uses.
let targetModes: [(name: String, mode: InputDecoder.Mode)] = [
    ("APISequence", .apiSequence), ("Interleavings", .interleavings), ("Misuse", .misuse),
    ("WeakMemory", .weakMemory),
]

/// Every regular file under `folder` (relative to the repository root), sorted.
func files(under folder: String) -> [URL] {
    let url = repositoryRoot.appendingPathComponent(folder)
    guard let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey])
    else { return [] }
    return enumerator.compactMap { $0 as? URL }
        .filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
        .sorted { $0.path < $1.path }
}

/// An input in the version-1 format (see ``InputEncoding``), with the tests' short argument types.
func input(
    kind: UInt8 = 1, cpus: UInt8 = 2, twoRefs: Bool = false, workers: UInt8, failing: UInt8 = 0,
    program: [UInt8], schedule: [UInt8]
) -> [UInt8] {
    InputEncoding.input(
        kind: Program.RefKind(rawValue: kind)!, cpus: Int(cpus), twoRefs: twoRefs, workers: Int(workers),
        failingAllocation: Int(failing), program: program, schedule: schedule)
}

/// A program byte: `thread`, operation kind `kind` (0...7), argument 0...3.
func op(_ thread: UInt8, _ kind: UInt8, _ argument: UInt8 = 0) -> UInt8 {
    InputEncoding.operation(thread: Int(thread), kind: Int(kind), argument: Int(argument))
}
