import ArgumentParser
import Foundation
import RundownSoak

/// `rundown-soak sweep`: throughput against worker count, a table and a chart.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract:
            "Throughput against worker count (1 to 2 x CPUs) for the cache-aware ref, the plain ref and a mutex; prints a table, writes a chart."
    )

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Seconds each point runs (more than 0, at most 3600).", valueName: "seconds"))
    var secondsPerPoint: Double = 1
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Largest worker count, 1 to 1024 (default: 2 x the CPUs this process may use).", valueName: "count"))
    var maxWorkers: Int?
    @Option(
        help: ArgumentHelp(
            "Write the chart as SVG to this file (checked by creating it before the sweep starts).", valueName: "file"))
    var svg: String?
    @Option(
        help: ArgumentHelp(
            "Write the table as Markdown to this file (checked by creating it before the sweep starts).",
            valueName: "file"))
    var markdown: String?
    @Option(help: "Describes the machine in the chart's title, e.g. \"2-core VM\".")
    var label: String?

    var cpus: Int { SoakConsole.cpus }

    func validate() throws {
        var problems: [String] = []
        if !(secondsPerPoint > 0 && secondsPerPoint <= 3600) {
            problems.append(
                "--seconds-per-point must be more than 0 and at most 3600 (got \(SoakConfiguration.number(secondsPerPoint)))"
            )
        }
        if let maxWorkers, maxWorkers < 1 || maxWorkers > 1024 {
            problems.append("--max-workers must be 1...1024 (got \(maxWorkers))")
        }
        if let svg, let problem = OutputFile.problem(writing: svg, option: "--svg", example: "sweep.svg") {
            problems.append(problem)
        }
        if let markdown, let problem = OutputFile.problem(writing: markdown, option: "--markdown", example: "sweep.md")
        {
            problems.append(problem)
        }
        if !problems.isEmpty { throw ValidationError(problems.joined(separator: "\n")) }
    }

    func run() throws {
        let top = maxWorkers ?? 2 * cpus
        let title = "Throughput on \(label ?? "\(cpus) CPUs"): one shared ref, \(secondsPerPoint) s per point"
        SoakConsole.out("rundown-soak sweep: \(cpus) CPUs, 1 to \(top) workers, \(secondsPerPoint) s per point\n")
        let points = ThroughputSweep.run(maxWorkers: top, secondsPerPoint: secondsPerPoint) { point in
            let figures = ThroughputSweep.Contender.allCases.map { c in
                String(format: "%@ %.1f", c.rawValue, point.millionPairsPerSecond[c.rawValue] ?? 0)
            }
            SoakConsole.out("  \(point.workers) workers: \(figures.joined(separator: ", ")) M pairs/s\n")
        }
        let table = ThroughputSweep.markdownTable(points)
        SoakConsole.out(table + "\n")
        var written = true
        if let svg {
            written =
                OutputFile.writeOrKeep(Data(SweepChart.svg(points, title: title).utf8), to: svg, what: "the chart")
                && written
        }
        if let markdown {
            written =
                OutputFile.writeOrKeep(Data("\(title)\n\n\(table)\n".utf8), to: markdown, what: "the table") && written
        }
        if !written { throw ExitCode(74) }
    }
}
