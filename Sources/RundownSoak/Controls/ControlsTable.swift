import Foundation

/// The soak tester's column of the negative-controls table (docs/controls.md): per control,
/// the median time to FAILURE over its runs, or how often it was found, and how it showed.
package struct ControlsTable {
    /// One control's outcomes, in seed order (a control not found in a run is not run again,
    /// so only the last can be ``ControlOutcome/notFound``).
    package struct Row: Sendable {
        package var control: String
        package var outcomes: [ControlOutcome]
        package init(control: String, outcomes: [ControlOutcome]) {
            self.control = control
            self.outcomes = outcomes
        }
    }

    /// Runs per control and each run's limit in seconds.
    package let runs: Int
    package let limitSeconds: Double
    package var rows: [Row] = []

    package init(runs: Int, limitSeconds: Double) {
        self.runs = runs
        self.limitSeconds = limitSeconds
    }

    static let header = "| control | soak (default options) | how it shows |\n|---|---|---|"

    /// The whole table as Markdown.
    package var markdown: String { ([ControlsTable.header] + rows.map(line)).joined(separator: "\n") }

    /// One row: `| `control` | median | how |`.
    package func line(_ row: Row) -> String {
        var seconds: [Double] = [], hows: [String] = []
        for case let .found(s, how) in row.outcomes {
            seconds.append(s)
            hows.append(how)
        }
        let cell: String
        if seconds.isEmpty {
            cell = "not found in \(SoakConfiguration.number(limitSeconds)) s"
        } else if seconds.count < runs {
            cell = "found \(seconds.count)/\(runs)"
        } else {
            cell = String(format: "%.2f s", ControlsTable.median(seconds))
        }
        let how = ControlsTable.tally(hows)
        return "| `\(row.control)` | \(cell) | \(how.isEmpty ? "-" : how) |"
    }

    /// The median (the mean of the middle two for an even count).
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// "kind xN, other xM": most frequent first, ties by name.
    static func tally(_ hows: [String]) -> String {
        let counts = Dictionary(hows.map { ($0, 1) }, uniquingKeysWith: +)
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.key) x\($0.value)" }.joined(separator: ", ")
    }
}
