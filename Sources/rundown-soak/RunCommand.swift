import ArgumentParser
import Foundation
import RundownSoak

/// `rundown-soak run` (the default subcommand). Every numeric option takes its value
/// unconditionally, so that `--duration -5` reaches the validation (which names the option and
/// the allowed range) instead of being read as an option.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract:
            "Run the soak: owners publish objects behind refs, workers acquire, use and release them, owners wait, check and retire them, again and again.",
        discussion: """
            SIGINT or SIGTERM ends the run cleanly: the summary is printed and --json written, \
            verdict INTERRUPTED (exit status 130 or 143). More of them within \(stopWindow) s of \
            the first are part of the same stop; one later than that kills the run at once.
            """)

    /// The stop window in seconds, as the help text shows it.
    static let stopWindow = String(format: "%g", SoakConsole.stopWindowSeconds)

    @Option(
        help:
            "Implementation: mixed (all three kinds of ref), cache-aware, cache-aware-caller-memory, plain, or a negative control (see `rundown-soak list`)."
    )
    var implementation = "mixed"
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Seconds to run; 0 runs until SIGINT or SIGTERM.", valueName: "seconds"))
    var duration: Double = 60
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Worker threads (default: 2 x the CPUs this process may use).", valueName: "count"))
    var workers: Int?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Owner threads (default: half the CPUs, at least 2).", valueName: "count"))
    var owners: Int?
    @Option(
        parsing: .unconditional, help: ArgumentHelp("Refs each owner cycles through (default: 2).", valueName: "count"))
    var refsPerOwner: Int?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Seed of every random choice (a whole number, 0 or more).", valueName: "seed"))
    var seed: UInt64 = 1
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Seconds between stutters (all workers pause for a tenth of it; default: 5); 0 turns stutter off.",
            valueName: "seconds"))
    var stutter: Double?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Seconds between shuffles (workers move so that each CPU idles in turn; default: 3); 0 turns shuffle off.",
            valueName: "seconds"))
    var shuffle: Double?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Share of protections released on another CPU than they were acquired on (0 to 1; default: 0.1).",
            valueName: "share"))
    var crossCpuRelease: Double?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Hold one protection in this many for --long-hold-us (default: 2000; 0: never).", valueName: "count"))
    var longHoldEvery: Int?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Length of a long hold, in microseconds (default: 5000).", valueName: "microseconds"))
    var longHoldUs: Int?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Share of acquires that take several protections at once (the Ex routines), 0 to 1 (default: 0.1).",
            valueName: "share"))
    var exShare: Double?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Largest count an Ex acquire takes (default: 8).", valueName: "count"))
    var maxExCount: Int?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Mean time an owner leaves a ref open before it waits, in microseconds (default: 200).",
            valueName: "microseconds"))
    var openUs: Int?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "A wait that has not returned, or a thread that made no progress, after this many seconds is a watchdog FAILURE (default: 10).",
            valueName: "seconds"))
    var waitTimeout: Double?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Seconds between statistics lines (default: 10).", valueName: "seconds"))
    var statsInterval: Double?
    @Flag(help: "Record each acquire's call stack, so that a watchdog FAILURE shows who holds protection (slower).")
    var checked = false
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Delay one operation of the platform seam in this many (a power of two; default: 64; 0 runs the production platform without any delay).",
            valueName: "n"))
    var jitter: Int?
    @Option(
        help: ArgumentHelp(
            "Also write the summary as JSON to this file (schema: docs/soak-summary.schema.json); checked by creating it before the run starts.",
            valueName: "file"))
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
        var problems = soakConfiguration().problems
        if let json, let problem = OutputFile.problem(writing: json, option: "--json", example: "summary.json") {
            problems.append(problem)
        }
        if !problems.isEmpty { throw ValidationError(problems.joined(separator: "\n")) }
    }

    func run() throws {
        if let problem = SoakConsole.installSignalHandlers() {
            SoakConsole.error(
                "rundown-soak: \(problem); the run goes on, but a stop signal will end it without a summary\n")
        }
        let summary = SoakRun(configuration: soakConfiguration(), output: .standard()).run()
        let written = json.map { write(summary, to: $0) } ?? true
        // The run's own verdict wins (a FAILURE or a stop must not read as a file problem);
        // 74 only says that a successful run's summary is not where it was asked to be.
        throw ExitCode(summary.exitStatus == 0 && !written ? 74 : summary.exitStatus)
    }

    /// Writes the summary (pretty, sorted keys, a final newline); false when it did not reach
    /// `path` (it is then kept elsewhere, and a line says where).
    func write(_ summary: SoakSummary, to path: String) -> Bool {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard var data = try? encoder.encode(summary) else {
            SoakConsole.error(
                "rundown-soak: could not encode the JSON summary (a value is not a finite number); the summary above is the only copy\n"
            )
            return false
        }
        data.append(0x0A)
        return OutputFile.writeOrKeep(data, to: path, what: "the JSON summary")
    }
}
