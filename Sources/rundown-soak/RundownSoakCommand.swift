import ArgumentParser
import Foundation
import RundownSoak

/// `rundown-soak`: endurance runs of the rundown refs on real threads, and the throughput sweep.
@main
struct RundownSoakCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rundown-soak",
        abstract: "Endurance runs for rundown protection: many owners and workers on every CPU, for as long as you like.",
        discussion: """
            Exit status: 0 SUCCESS, 1 FAILURE, 130 when SIGINT ended the run (143 for SIGTERM), \
            64 for bad options, 74 when the JSON summary could not be written; a crash (a broken \
            variant can crash) prints FAILURE (crash) and dies of its signal. See docs/soak.md.
            """,
        subcommands: [Run.self, Sweep.self, List.self],
        defaultSubcommand: Run.self)
}

extension RundownSoakCommand {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the soak: owners publish objects behind refs, workers acquire, use and release them, owners wait, check and retire them, again and again.")

        @Option(help: "Implementation: mixed (all three kinds of ref), cache-aware, cache-aware-caller-memory, plain, or a negative control (see `rundown-soak list`).")
        var implementation = "mixed"
        @Option(help: "Seconds to run; 0 runs until SIGINT or SIGTERM.")
        var duration: Double = 60
        @Option(help: "Worker threads (default: 2 x the CPUs this process may use).")
        var workers: Int?
        @Option(help: "Owner threads (default: half the CPUs, at least 2).")
        var owners: Int?
        @Option(help: "Refs each owner cycles through (default: 2).")
        var refsPerOwner: Int?
        @Option(help: "Seed of every random choice.")
        var seed: UInt64 = 1
        @Option(help: "Seconds between stutters (all workers pause for a tenth of it; default: 5); 0 turns stutter off.")
        var stutter: Double?
        @Option(help: "Seconds between shuffles (workers move so that each CPU idles in turn; default: 3); 0 turns shuffle off.")
        var shuffle: Double?
        @Option(help: "Share of protections released on another CPU than they were acquired on (0 to 1; default: 0.1).")
        var crossCpuRelease: Double?
        @Option(help: "Hold one protection in this many for --long-hold-us (default: 2000; 0: never).")
        var longHoldEvery: Int?
        @Option(help: "Length of a long hold, in microseconds (default: 5000).")
        var longHoldUs: Int?
        @Option(help: "Share of acquires that take several protections at once (the Ex routines), 0 to 1 (default: 0.1).")
        var exShare: Double?
        @Option(help: "Largest count an Ex acquire takes (default: 8).")
        var maxExCount: Int?
        @Option(help: "Mean time an owner leaves a ref open before it waits, in microseconds (default: 200).")
        var openUs: Int?
        @Option(help: "A wait that has not returned, or a thread that made no progress, after this many seconds is a watchdog FAILURE (default: 10).")
        var waitTimeout: Double?
        @Option(help: "Seconds between statistics lines (default: 10).")
        var statsInterval: Double?
        @Flag(help: "Record each acquire's call stack, so that a watchdog FAILURE shows who holds protection (slower).")
        var checked = false
        @Option(help: "Delay one operation of the platform seam in this many (a power of two; default: 64; 0 runs the production platform without any delay).")
        var jitter: Int?
        @Option(help: "Also write the summary as JSON to this file (schema: docs/soak-summary.schema.json).")
        var json: String?

        func soakConfiguration() -> SoakConfiguration {
            var c = SoakConfiguration.defaults()
            c.implementation = implementation
            c.durationSeconds = duration
            c.seed = seed
            c.checked = checked
            if let workers { c.workers = workers }
            if let owners { c.owners = owners }
            if let refsPerOwner { c.refsPerOwner = refsPerOwner }
            if let stutter { c.stutterSeconds = stutter }
            if let shuffle { c.shuffleSeconds = shuffle }
            if let crossCpuRelease { c.crossCPUReleaseShare = crossCpuRelease }
            if let longHoldEvery { c.longHoldEvery = longHoldEvery }
            if let longHoldUs { c.longHoldMicroseconds = longHoldUs }
            if let exShare { c.exShare = exShare }
            if let maxExCount { c.maxExCount = maxExCount }
            if let openUs { c.openMicroseconds = openUs }
            if let waitTimeout { c.waitTimeoutSeconds = waitTimeout }
            if let statsInterval { c.statsIntervalSeconds = statsInterval }
            if let jitter { c.jitter = jitter }
            return c
        }

        func validate() throws {
            let problems = soakConfiguration().problems
            if !problems.isEmpty { throw ValidationError(problems.joined(separator: "\n")) }
            if let json { try SummaryFile.checkWritable(json) }
        }

        func run() throws {
            SoakConsole.installSignalHandlers()
            let summary = SoakRun(configuration: soakConfiguration(), output: .standard()).run()
            if let json {
                do {
                    try SummaryFile.write(summary, to: json)
                } catch {
                    SoakConsole.error("rundown-soak: could not write the JSON summary to \(json): \(error)\n")
                    throw ExitCode(74)
                }
            }
            throw ExitCode(summary.exitStatus)
        }
    }

    struct Sweep: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Throughput against worker count (1 to 2 x CPUs) for the cache-aware ref, the plain ref and a mutex; prints a table, writes a chart.")

        @Option(help: "Seconds each point runs.")
        var secondsPerPoint: Double = 1
        @Option(help: "Largest worker count (default: 2 x the CPUs this process may use).")
        var maxWorkers: Int?
        @Option(help: "Write the chart as SVG to this file.")
        var svg: String?
        @Option(help: "Write the table as Markdown to this file.")
        var markdown: String?
        @Option(help: "Describes the machine in the chart's title, e.g. \"2-core VM\".")
        var label: String?

        var cpus: Int { SoakConsole.cpus }

        func validate() throws {
            if secondsPerPoint <= 0 || secondsPerPoint > 3600 { throw ValidationError("--seconds-per-point must be more than 0 and at most 3600 (got \(secondsPerPoint))") }
            if let maxWorkers, maxWorkers < 1 || maxWorkers > 1024 { throw ValidationError("--max-workers must be 1...1024 (got \(maxWorkers))") }
            for path in [svg, markdown].compactMap({ $0 }) { try SummaryFile.checkWritable(path) }
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
            if let svg { try SummaryFile.writeText(SweepChart.svg(points, title: title), to: svg) }
            if let markdown { try SummaryFile.writeText("\(title)\n\n\(table)\n", to: markdown) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the implementations and negative controls --implementation accepts.")

        func run() {
            for name in SoakImplementation.allNames { print(name) }
        }
    }
}

/// Output files: checked before a run starts (so that hours of soak are not lost to a typo),
/// written whole to a temporary file and renamed into place (so that a dashboard never reads
/// half a file).
enum SummaryFile {
    static func checkWritable(_ path: String) throws {
        let directory = (URL(fileURLWithPath: path).deletingLastPathComponent().path as NSString).standardizingPath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("cannot write \(path): the folder \(directory) does not exist; create it first")
        }
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw ValidationError("cannot write \(path): the folder \(directory) is not writable")
        }
    }

    static func write(_ summary: SoakSummary, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var data = try encoder.encode(summary)
        data.append(0x0A)
        try writeData(data, to: path)
    }

    static func writeText(_ text: String, to path: String) throws { try writeData(Data(text.utf8), to: path) }

    static func writeData(_ data: Data, to path: String) throws {
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
