import Rundown

/// The one verdict at the end of a campaign: a row per target (executions, executions per
/// second, new inputs, coverage features, verdict), each finding with its file and the exact
/// command that replays it, where the logs and the new inputs are, and the exit status.
package struct CampaignRecap {
    package let seconds: Int
    package let control: RundownFault
    package let results: [CampaignResult]
    package let logFolder: String
    /// Worker processes per target.
    package let jobs: Int

    package init(
        seconds: Int, control: RundownFault, results: [CampaignResult], logFolder: String, jobs: Int = 1
    ) {
        self.seconds = seconds
        self.control = control
        self.results = results
        self.logFolder = logFolder
        self.jobs = jobs
    }

    /// 0 when every target ran clean; 1 when something was found or a target failed to run;
    /// `interruptedStatus` (128 + the signal) when a stop signal cut the campaign short.
    package func exitStatus(interruptedStatus: Int32) -> Int32 {
        if results.contains(where: {
            if case .found = $0.verdict { true } else if case .error = $0.verdict { true } else { false }
        }) {
            return 1
        }
        if results.contains(where: { if case .clean = $0.verdict { false } else { true } }) { return interruptedStatus }
        return 0
    }

    /// The recap as lines of text.
    package var lines: [String] {
        var rows: [[String]] = [["target", "execs", "exec/s", "new inputs", "features", "verdict"]]
        for result in results {
            let f = result.figures
            rows.append([
                result.target.name, number(f?.executions), number(f?.executionsPerSecond), number(f?.newInputs),
                number(f?.features), result.verdict.word,
            ])
        }
        let workers = jobs > 1 ? " on \(jobs) workers (libFuzzer -fork=\(jobs))" : ""
        var lines = ["", "rundown-fuzz recap: \(seconds) s per target\(workers), control \(control.rawValue)"]
        lines += Table.render(rows, rightAligned: [1, 2, 3, 4])
        var details: [String] = []
        for result in results {
            switch result.verdict {
            case let .found(artifact, summary):
                details.append("\(result.target.name) FOUND: \(summary)")
                details.append("  input:  \(artifact)")
                let control = control == .none ? "" : " --control \(control.rawValue)"
                details.append("  replay: ci/fuzz replay \(result.target.name) \(artifact)\(control)")
                details.append("  shrink: ci/fuzz minimize \(result.target.name) \(artifact)\(control)")
            case let .error(why):
                details.append("\(result.target.name) ERROR: \(why) (log: \(result.log ?? "none"))")
            case .interrupted:
                details.append("\(result.target.name) INTERRUPTED by a stop signal; figures up to the stop")
            case .notRun:
                details.append("\(result.target.name) NOT RUN (the campaign was stopped first)")
            case .clean:
                break
            }
        }
        if !details.isEmpty { lines += [""] + details }
        let clean = results.filter { if case .clean = $0.verdict { true } else { false } }.count
        lines.append("")
        lines.append("libFuzzer logs: \(logFolder)/<target>.log")
        lines.append(
            "new inputs stay in the working corpora (\(Workspace.workFolder)/corpus/<target>, ignored by git);"
                + " keep them in Corpus/ with `ci/fuzz merge`, drop them with `ci/fuzz clean`")
        let failed = results.filter {
            if case .found = $0.verdict { true } else if case .error = $0.verdict { true } else { false }
        }.count
        lines.append(
            "verdict: "
                + (clean == results.count
                    ? "CLEAN: \(results.count) of \(results.count) targets ran \(seconds) s with no finding"
                    : failed > 0
                        ? "NOT CLEAN: \(failed) of \(results.count) targets found something or could not run (see above)"
                        : "INTERRUPTED: \(clean) of \(results.count) targets ran to the end, none found anything"))
        return lines
    }

    func number(_ value: Int?) -> String { value.map { Table.grouped($0) } ?? "-" }
}

/// Plain-text tables and numbers for terminal output.
package enum Table {
    /// Columns padded to their widest cell, two spaces apart; `rightAligned` columns by index.
    package static func render(_ rows: [[String]], rightAligned: Set<Int> = []) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column)
                    ? padding + cell : (column == row.count - 1 ? cell : cell + padding)
            }.joined(separator: "  ")
        }
    }

    /// `1234567` as `1,234,567`.
    package static func grouped(_ value: Int) -> String {
        let digits = Array(String(value.magnitude))
        var out = value < 0 ? "-" : ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }
}
