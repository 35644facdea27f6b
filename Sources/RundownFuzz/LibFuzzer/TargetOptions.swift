import Foundation

/// A target's `Corpus/<Name>.options` file: the `[libfuzzer]` section becomes libFuzzer flags,
/// the `[asan]` and `[tsan]` sections the sanitizer runtimes' options (the same file OSS-Fuzz
/// and ClusterFuzzLite read).
package struct TargetOptions: Equatable, Sendable {
    /// `key = value` pairs per section, in file order.
    package var sections: [String: [(key: String, value: String)]]

    package static func == (a: TargetOptions, b: TargetOptions) -> Bool {
        a.sections.mapValues { $0.map { "\($0.key)=\($0.value)" } }
            == b.sections.mapValues { $0.map { "\($0.key)=\($0.value)" } }
    }

    /// Parses the text of an options file. Comments (`#`) and blank lines are skipped; any other
    /// line outside `key = value` or `[section]` is an error naming the line.
    package init(parsing text: String, file: String) throws(UsageError) {
        sections = [:]
        var section: String?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast())
                continue
            }
            guard let equals = line.firstIndex(of: "="), let current = section else {
                throw UsageError("\(file):\(index + 1): expected '[section]' or 'key = value', found '\(line)'")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            sections[current, default: []].append((key, value))
        }
    }

    /// The options of `target`, from its file (none if the file does not exist).
    package static func of(_ target: FuzzTarget, in workspace: Workspace) throws -> TargetOptions {
        let path = workspace.optionsFile(target)
        guard FileManager.default.fileExists(atPath: path) else { return try TargetOptions(parsing: "", file: path) }
        return try TargetOptions(parsing: String(contentsOfFile: path, encoding: .utf8), file: path)
    }

    /// The `[libfuzzer]` section as flags (`-timeout=5`).
    package var libFuzzerFlags: [String] {
        (sections["libfuzzer"] ?? []).map { "-\($0.key)=\($0.value)" }
    }

    /// The value of a `[libfuzzer]` option, if set.
    package func libFuzzer(_ key: String) -> String? {
        sections["libfuzzer"]?.last { $0.key == key }?.value
    }

    /// The environment a run of `target` needs: its sanitizer's options (the file's section,
    /// then whatever the caller's environment already has, which wins), and no Swift crash backtracer (it
    /// reads memory in a way AddressSanitizer reports; libFuzzer prints the stack itself).
    package func environment(for target: FuzzTarget, inheriting inherited: [String: String]) -> [String: String] {
        var environment: [String: String] = ["SWIFT_BACKTRACE": "enable=no"]
        let variable = target.sanitizer.optionsVariable
        let own = (sections[target.sanitizer.optionsSection] ?? []).map { "\($0.key)=\($0.value)" }
        let parts = own + [inherited[variable]].compactMap { $0 }.filter { !$0.isEmpty }
        environment[variable] = parts.joined(separator: ":")
        return environment
    }
}
