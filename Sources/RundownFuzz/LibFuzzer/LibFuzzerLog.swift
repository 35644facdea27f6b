/// What one libFuzzer run printed, read back for the recap: its final statistics
/// (`-print_final_stats=1`), its last status line, the file it wrote a finding to, and the
/// finding's one-line summary (the harness's `FINDING` line, or a sanitizer's `SUMMARY`).
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

    package init(parsing text: String) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if let value = LibFuzzerLog.statistic("stat::number_of_executed_units:", in: line) {
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
