/// What one libFuzzer run printed, read back for the recap: its final statistics
/// (`-print_final_stats=1`), its last status line, the file it wrote a finding to, and the
/// finding's one-line summary (the harness's `FINDING` line, or a sanitizer's `SUMMARY`).
///
/// A run on several workers (fork mode, `-fork=N`) prints no final statistics of its own: its
/// figures come from the parent's last status line (`#RUNS: cov: .. ft: .. corp: .. time: Ns`;
/// executions per second are RUNS / N, the same average a single process reports, since the
/// line's own `exec/s` is the last job's), and its new inputs are the corpus at the end less the
/// seed inputs it started from. A finding's
/// lines come from the worker's log, which the parent prints after it.
package struct LibFuzzerLog: Equatable, Sendable {
    /// Inputs executed.
    package var executions: Int?
    /// Average executions per second.
    package var executionsPerSecond: Int?
    /// Inputs the run added to its corpus.
    package var newInputs: Int?
    /// Coverage features (`ft:`) and inputs in the corpus (`corp:`) at the last status line.
    package var features: Int?
    package var corpusInputs: Int?
    /// The file libFuzzer wrote the finding's input to.
    package var artifact: String?
    /// One line saying what was found.
    package var findingSummary: String?
    /// libFuzzer said it was interrupted (SIGINT) and exited.
    package var interrupted = false
    /// The run was on several workers (fork mode): the figures above are the parent's.
    package var forkMode = false

    /// The parent's last status line in fork mode, and the seed inputs it started from.
    struct ForkStatus: Equatable, Sendable {
        var executions: Int
        var executionsPerSecond: Int?
        var features: Int?
        var corpusInputs: Int?
    }

    package init(parsing text: String) {
        var fork: ForkStatus?
        var seedInputs: Int?
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if let status = LibFuzzerLog.forkStatus(line) {
                fork = status
            } else if line.hasPrefix("INFO: -fork="), let range = line.range(of: " seed inputs") {
                seedInputs = Int(line[..<range.lowerBound].split(separator: " ").last ?? "")
            } else if let value = LibFuzzerLog.statistic("stat::number_of_executed_units:", in: line) {
                executions = value
            } else if let value = LibFuzzerLog.statistic("stat::average_exec_per_sec:", in: line) {
                executionsPerSecond = value
            } else if let value = LibFuzzerLog.statistic("stat::new_units_added:", in: line) {
                newInputs = value
            } else if line.hasPrefix("#"), let ft = LibFuzzerLog.field("ft:", in: line) {
                features = ft
                if let corpus = LibFuzzerLog.field("corp:", in: line) { corpusInputs = corpus }
            } else if let range = line.range(of: "Test unit written to ") {
                artifact = String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces)
            } else if let range = line.range(of: "==rundown-harness== FINDING ") {
                findingSummary = String(line[range.upperBound...])
            } else if line.hasPrefix("SUMMARY: "), findingSummary == nil {
                findingSummary = String(line.dropFirst("SUMMARY: ".count))
            } else if let range = line.range(of: "ERROR: libFuzzer: "), findingSummary == nil {
                findingSummary = "libFuzzer: " + line[range.upperBound...]
            } else if line.contains("libFuzzer: run interrupted") {
                interrupted = true
            }
        }
        if let fork {
            forkMode = true
            executions = fork.executions
            executionsPerSecond = fork.executionsPerSecond
            features = fork.features
            corpusInputs = fork.corpusInputs
            newInputs = fork.corpusInputs.flatMap { end in seedInputs.map { max(0, end - $0) } }
        }
    }

    /// A fork-mode parent's status line: `#` and the executions, then a colon (a single
    /// process's lines have a tab or a space there).
    static func forkStatus(_ line: Substring) -> ForkStatus? {
        guard line.hasPrefix("#") else { return nil }
        let digits = line.dropFirst().prefix { $0.isNumber }
        guard !digits.isEmpty, line.dropFirst(1 + digits.count).hasPrefix(": cov: "), let executions = Int(digits)
        else { return nil }
        // Its `exec/s` is the last job's own rate (one worker's); the run's is executions over time.
        let seconds = field("time:", in: line)
        return ForkStatus(
            executions: executions, executionsPerSecond: seconds.map { executions / max(1, $0) },
            features: field("ft:", in: line), corpusInputs: field("corp:", in: line))
    }

    /// The number after `prefix` on a `stat::` line.
    static func statistic(_ prefix: String, in line: Substring) -> Int? {
        guard line.hasPrefix(prefix) else { return nil }
        return Int(line.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces))
    }

    /// The number after `name` in a status line (`ft: 123`, `corp: 45/6Kb`).
    static func field(_ name: String, in line: Substring) -> Int? {
        guard let range = line.range(of: " " + name + " ") else { return nil }
        let digits = line[range.upperBound...].prefix { $0.isNumber }
        return Int(digits)
    }
}
