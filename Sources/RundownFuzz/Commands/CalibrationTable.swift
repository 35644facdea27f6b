import Foundation
import RundownHarness

/// `calibrate`: for each ported program and each sampling source, the schedules to the first
/// bug over `trials` trials (seeds 1...trials) with a cap per trial: mean ± standard deviation
/// over the trials that found it, and how many did; then the bounded search's schedules to the
/// first bug at preemption bound 2; beside each, the published figure of the same source. The
/// last columns compare our best source with the best published figure of any column: whether
/// ours is within twice it (the calibration goal).
package struct CalibrationTable {
    package let programs: [BenchmarkProgram]
    package let trials: Int
    package let cap: Int

    package init(programs: [BenchmarkProgram], trials: Int, cap: Int) {
        self.programs = programs
        self.trials = trials
        self.cap = cap
    }

    /// One cell: schedules to the first bug per trial that found it.
    package struct Cell: Sendable {
        package var found: [Int]
        package var trials: Int

        /// The mean over the trials that found the bug; nil when none did.
        package var mean: Double? {
            found.isEmpty ? nil : Double(found.reduce(0, +)) / Double(found.count)
        }

        package var text: String {
            guard !found.isEmpty else { return "- (0/\(trials))" }
            let mean = Double(found.reduce(0, +)) / Double(found.count)
            let variance =
                found.count > 1
                ? found.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(found.count - 1) : 0
            let partial = found.count < trials ? " (\(found.count)/\(trials))" : ""
            return "\(Int(mean.rounded()))±\(Int(variance.squareRoot().rounded()))" + partial
        }
    }

    /// Runs every trial; returns the table's lines (a header, then a row per program). `progress`
    /// hears about each program as it starts.
    package func run(progress: (String) -> Void) -> [String] {
        let sources = ScheduleSource.sampling
        var rows: [[String]] = [
            ["program"]
                + sources.flatMap { source -> [String] in
                    let published = PublishedFigures.columns.contains { $0.source == source }
                    return published ? ["\(source)", "(paper)"] : ["\(source)"]
                } + ["bounded2", "best", "best (paper)", "within 2x"]
        ]
        for program in programs {
            progress("calibrating \(program.name)")
            let published = PublishedFigures.table[program.name]
            var row = [program.name]
            var cells: [(source: ScheduleSource, cell: Cell)] = []
            for source in sources {
                var cell = Cell(found: [], trials: trials)
                for trial in 1...trials {
                    let report = source.explore(program, seed: UInt64(trial), schedules: cap, seconds: nil)
                    if let finding = report.finding { cell.found.append(finding.schedule) }
                }
                row.append(cell.text)
                cells.append((source, cell))
                if let column = PublishedFigures.columns.firstIndex(where: { $0.source == source }) {
                    row.append("(\(published.map { PublishedFigures.text($0[column]) } ?? "n/a"))")
                }
            }
            let bounded = ScheduleSource.bounded(bound: 2).explore(program, seed: 0, schedules: cap, seconds: nil)
            row.append(bounded.finding.map { "\($0.schedule)" } ?? (bounded.exhausted ? "none" : ">\(cap)"))
            row += Self.verdict(cells, published: PublishedFigures.best(of: program.name))
            rows.append(row)
        }
        return Table.render(rows)
    }

    /// Our best source (the smallest mean among those that found the bug in every trial), the
    /// best published figure, and whether ours is at most twice it ("yes"; "no"; "-" when
    /// neither found it). A source that missed some trials is never our best: its mean is over
    /// the lucky ones.
    static func verdict(
        _ cells: [(source: ScheduleSource, cell: Cell)], published: (column: String, figure: PublishedFigures.Figure)?
    ) -> [String] {
        let complete = cells.filter { $0.cell.found.count == $0.cell.trials }
        let ours = complete.min { $0.cell.mean! < $1.cell.mean! }
        let oursText = ours.map { "\($0.source) \(Int($0.cell.mean!.rounded()))" } ?? "-"
        let paperText = published.map { "\($0.column) \($0.figure.mean)" + ($0.figure.partial ? "*" : "") } ?? "-"
        let within: String
        switch (ours, published) {
        case (nil, nil): within = "-"
        case (nil, _): within = "no"
        case (_, nil): within = "yes"
        case let (ours?, published?): within = ours.cell.mean! <= 2 * Double(published.figure.mean) ? "yes" : "no"
        }
        return [oursText, paperText, within]
    }
}
