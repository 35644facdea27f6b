import ArgumentParser
import Foundation
import RundownSoak

/// `rundown-soak`: endurance runs of the rundown refs on real threads, the throughput sweep,
/// and the negative controls' table.
@main
struct RundownSoakCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rundown-soak",
        abstract:
            "Endurance runs for rundown protection: many owners and workers on every CPU, for as long as you like.",
        discussion: """
            Exit status: 0 SUCCESS, 1 FAILURE, 130 when SIGINT ended the run (143 for SIGTERM), \
            64 for bad options (refused before anything runs), 74 when a successful run's output \
            file could not be written (it is then written to the temporary folder instead, or printed); a crash \
            (a broken variant can crash) prints FAILURE (crash) and dies of its signal. \
            Stopping: more SIGINTs or SIGTERMs within \(RunCommand.stopWindow) s of the first \
            change nothing (the summary is still printed and written); one later than that kills \
            the run at once. See docs/soak.md.
            """,
        subcommands: [RunCommand.self, SweepCommand.self, ControlsCommand.self, ListCommand.self],
        defaultSubcommand: RunCommand.self)

    /// ArgumentParser's main, except that a usage error is one line per problem on standard
    /// error ("rundown-soak: ..."), exit status 64, without the usage text after it.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            for line in message(for: error).split(separator: "\n") where !line.isEmpty {
                SoakConsole.error("rundown-soak: \(line)\n")
            }
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
    }
}

/// `rundown-soak list`.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the implementations and negative controls --implementation accepts.")

    func run() {
        for name in SoakImplementation.allNames { print(name) }
    }
}
