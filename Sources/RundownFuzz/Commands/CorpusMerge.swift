import Foundation
import Rundown

/// The only way the committed corpus changes: libFuzzer's merge of the committed corpus and
/// the working corpora into a fresh folder, which replaces `Corpus/<Name>/` only when the merge
/// completed and kept every coverage feature that the inputs had together.
package struct CorpusMerge {
    package let workspace: Workspace
    package let stop: StopSignal

    package init(workspace: Workspace, stop: StopSignal) {
        self.workspace = workspace
        self.stop = stop
    }

    /// Merges into `Corpus/<Name>/` the working corpora of every target that shares it.
    package func run(_ target: FuzzTarget, log: (String) -> Void) throws {
        let fuzzer = try LibFuzzerRun(target: target, workspace: workspace, control: .none)
        let committed = workspace.committedCorpus(target)
        let working = FuzzTarget.all.filter { $0.corpusName == target.corpusName }.map { workspace.workingCorpus($0) }
            .filter { FileManager.default.fileExists(atPath: $0) }
        let scratch = try workspace.scratchFolder("merge-\(target.corpusName)")
        // Removed only when nothing in it is needed any more (see swap).
        var keepScratch = false
        defer { if !keepScratch { try? FileManager.default.removeItem(atPath: scratch) } }
        let fresh = "\(scratch)/merged", control = "\(scratch)/control"
        try FileManager.default.createDirectory(atPath: fresh, withIntermediateDirectories: true)
        let logFile = "\(scratch)/merge.log"
        let (termination, _) = try fuzzer.run(
            ["-merge=1", "-merge_control_file=\(control)", fresh, committed] + working, log: logFile, stop: stop)
        if stop.isRequested { throw StopRequested("merge of \(target.name) stopped; \(committed) is unchanged") }
        guard termination.succeeded else {
            let tail = Workspace.text(of: logFile).split(separator: "\n").suffix(5)
                .joined(separator: "\n")
            throw ToolFailure(
                "merge of \(target.name) did not complete (\(termination.description)); \(committed) is unchanged. Last lines:\n\(tail)"
            )
        }
        let inputsBefore = Workspace.files(in: committed).count
        let workingInputs = working.map { Workspace.files(in: $0).count }.reduce(0, +)
        let features = try MergeControlFile(path: control)
        let chosen = Set(Workspace.files(in: fresh).compactMap { FileManager.default.contents(atPath: $0) })
        let all = features.features(ofInputsWhere: { _ in true })
        let kept = features.features(ofInputsWhere: { path in
            FileManager.default.contents(atPath: path).map(chosen.contains) ?? false
        })
        log(
            "\(target.name): \(inputsBefore) committed + \(workingInputs) working inputs, \(all) features -> \(chosen.count) inputs, \(kept) features"
        )
        guard kept >= all else {
            throw ToolFailure(
                "merge of \(target.name) would lose features (\(all) -> \(kept)); \(committed) is unchanged")
        }
        // Inputs named by hand (regression inputs, not libFuzzer's content hashes) stay as they are.
        for file in Workspace.files(in: committed)
        where !CorpusMerge.isContentHashName((file as NSString).lastPathComponent) {
            try FileManager.default.copyItem(atPath: file, toPath: "\(fresh)/\((file as NSString).lastPathComponent)")
        }
        do {
            try swap(committed, with: fresh, old: "\(scratch)/old")
        } catch {
            keepScratch = true
            throw error
        }
        log("\(committed) now holds the merged corpus (review with git status, commit it to keep it)")
    }
}

extension CorpusMerge {
    /// Replaces folder `committed` by `fresh` with two renames; if the second fails, the first
    /// is undone, so `committed` always ends up holding one whole corpus.
    func swap(_ committed: String, with fresh: String, old: String) throws {
        try FileManager.default.moveItem(atPath: committed, toPath: old)
        do {
            try FileManager.default.moveItem(atPath: fresh, toPath: committed)
        } catch {
            do {
                try FileManager.default.moveItem(atPath: old, toPath: committed)
            } catch {
                throw ToolFailure(
                    "could not put the merged corpus in place, nor the old one back: it is in \(old) (move it to \(committed))"
                )
            }
            throw ToolFailure("could not put the merged corpus in place (\(error)); \(committed) is unchanged")
        }
    }

    /// Whether `name` is a libFuzzer corpus name (the SHA-1 of the content, 40 hex digits).
    static func isContentHashName(_ name: String) -> Bool {
        name.utf8.count == 40 && name.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}

/// libFuzzer's merge control file: the inputs it merged, in order, and each one's coverage
/// features (`FT <index> <feature>...`), which it records as it runs them.
package struct MergeControlFile {
    package var inputs: [String] = []
    package var featuresByInput: [Int: Set<UInt64>] = [:]

    package init(path: String) throws {
        try self.init(text: String(contentsOfFile: path, encoding: .utf8), file: path)
    }

    package init(text: String, file: String) throws {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 2, let count = Int(lines[0]), lines.count >= 2 + count else {
            throw ToolFailure("\(file) is not a libFuzzer merge control file")
        }
        inputs = lines[2..<2 + count].map(String.init)
        for line in lines[(2 + count)...] where line.hasPrefix("FT ") {
            let fields = line.split(separator: " ")
            guard fields.count >= 2, let index = Int(fields[1]) else { continue }
            featuresByInput[index, default: []].formUnion(fields.dropFirst(2).compactMap { UInt64($0) })
        }
    }

    /// The number of distinct features of the inputs whose path passes `include`.
    package func features(ofInputsWhere include: (String) -> Bool) -> Int {
        var union = Set<UInt64>()
        for (index, path) in inputs.enumerated() where include(path) { union.formUnion(featuresByInput[index] ?? []) }
        return union.count
    }
}
