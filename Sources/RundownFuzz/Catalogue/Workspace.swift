import Foundation

/// Where the fuzzing workflow keeps its files, relative to the repository root (the tool's
/// working directory). Every path of the workflow is defined here and nowhere else.
///
/// - `Corpus/<Name>/`: the committed corpus. Only ``CorpusMerge`` writes it; a campaign copies
///   it into the working corpus and never touches it.
/// - `.fuzz/corpus/<Target>/`: the working corpus of a target (ignored by git): the seeds plus
///   every input the campaigns kept. libFuzzer writes, reduces and deletes only here.
/// - `findings/<Target>/`: what a campaign found (libFuzzer's crash, timeout and leak files).
/// - `findings/explore/`: the first failure `explore` found, as an input `replay` accepts.
/// - `findings/logs/<UTC time>-<command>/<target>.log`: the full output of each run of a
///   command (a campaign's libFuzzer logs, a build's swift build logs, a check's runs).
package struct Workspace: Sendable {
    /// The repository root, as an absolute path.
    package let root: String

    /// The repository root is the current directory: it must hold Package.swift and Corpus/.
    package static func current() throws(UsageError) -> Workspace {
        let root = FileManager.default.currentDirectoryPath
        for required in ["Package.swift", "Corpus", fuzzPackage + "/Package.swift"]
        where !FileManager.default.fileExists(atPath: root + "/" + required) {
            throw UsageError(
                "\(root) is not the repository root (no \(required) here); run the tool as ci/fuzz, or from the root")
        }
        return Workspace(root: root)
    }

    package init(root: String) { self.root = root }

    package func committedCorpus(_ target: FuzzTarget) -> String { "Corpus/\(target.corpusName)" }
    package func workingCorpus(_ target: FuzzTarget) -> String { "\(Workspace.workFolder)/corpus/\(target.name)" }
    package func findings(_ target: FuzzTarget) -> String { "findings/\(target.name)" }
    package func optionsFile(_ target: FuzzTarget) -> String { "Corpus/\(target.corpusName).options" }
    package func dictionary(_ target: FuzzTarget) -> String { "Corpus/\(target.corpusName).dict" }
    /// Where `explore` writes the first failure it finds: a replay file per program and source.
    package var explorations: String { "findings/explore" }
    /// A real-thread input per ordering control.
    package var threadControls: String { "Corpus/ThreadsControls" }

    /// The fuzz targets' own package (a manifest beside the root one, one folder per product).
    package static let fuzzPackage = "FuzzTargets"

    /// The ignored folder of working corpora and scratch files.
    package static let workFolder = ".fuzz"

    /// A new folder for one command's logs: `findings/logs/<UTC time>-<kind>` (the caller makes it).
    package func newLogFolder(_ kind: String) -> String { "findings/logs/\(Workspace.stamp())-\(kind)" }

    /// A scratch folder under `.fuzz/tmp` (removed by the caller).
    package func scratchFolder(_ purpose: String) throws -> String {
        let path =
            "\(Workspace.workFolder)/tmp/\(purpose)-\(ProcessInfo.processInfo.processIdentifier)-\(Workspace.stamp())"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The time now, UTC, as `20261130T170501Z`.
    package static func stamp(_ date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }

    /// The text of a log file, with any byte that is not UTF-8 replaced (a sanitizer report may
    /// hold raw bytes; one of them must not lose the whole log); empty if it cannot be read.
    package static func text(of path: String) -> String {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// Regular files directly in `folder` (sorted); empty if the folder does not exist.
    package static func files(in folder: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.sorted().map { "\(folder)/\($0)" }.filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
                && !(path as NSString).lastPathComponent.hasPrefix(".")
        }
    }

    /// Copies every file of `source` that `destination` lacks (by name) into `destination`;
    /// returns how many it copied.
    @discardableResult
    package static func seed(_ destination: String, from source: String) throws -> Int {
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
        var copied = 0
        for file in files(in: source) {
            let target = destination + "/" + (file as NSString).lastPathComponent
            if FileManager.default.fileExists(atPath: target) { continue }
            try FileManager.default.copyItem(atPath: file, toPath: target)
            copied += 1
        }
        return copied
    }
}
