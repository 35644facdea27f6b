import Foundation
import _RundownShims

/// Runs another program (a fuzz target, `swift build`, `nm`) and waits for it, passing a stop
/// signal on: when the user interrupts the tool, the running child gets SIGINT too (libFuzzer
/// then prints its final statistics and exits), so that the recap still comes.
package enum Subprocess {
    /// Where the child's standard output and error go.
    package enum Output {
        /// Both into this file (created or truncated).
        case file(String)
    }

    /// How the child ended: its exit status, or 128 + the signal that killed it (as shells say).
    package struct Termination: Equatable, Sendable {
        package var status: Int32
        package var signalled: Bool
        package var succeeded: Bool { status == 0 && !signalled }
        package var description: String { signalled ? "killed by signal \(status - 128)" : "exit status \(status)" }
    }

    /// Runs `program` (found on PATH unless it contains a slash) with `arguments`, the tool's
    /// environment plus `environment`, and waits for it.
    package static func run(
        _ program: String, _ arguments: [String], environment: [String: String] = [:], output: Output,
        stop: StopSignal? = nil
    ) throws -> Termination {
        let process = Process()
        if program.contains("/") {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [program] + arguments
        }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        var logHandle: FileHandle?
        switch output {
        case let .file(path):
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw ToolFailure("cannot create the log file \(path)")
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            logHandle = handle
            process.standardOutput = handle
            process.standardError = handle
        }
        defer { try? logHandle?.close() }
        do {
            try process.run()
        } catch {
            throw ToolFailure("cannot start \(program): \(error.localizedDescription)")
        }
        var forwarded = false
        while process.isRunning {
            // EINTR (a stop signal) only ends this poll's sleep early.
            if usleep(20_000) != 0 && errno != EINTR { rundown_fatal_errno("usleep", errno) }
            if let stop, stop.isRequested, !forwarded, process.isRunning {
                // The terminal or `timeout` usually signals the child too; this covers a signal
                // sent to the tool alone.
                process.interrupt()
                forwarded = true
            }
        }
        process.waitUntilExit()
        let signalled = process.terminationReason == .uncaughtSignal
        return Termination(
            status: signalled ? 128 + process.terminationStatus : process.terminationStatus, signalled: signalled)
    }

    /// Runs `program` and returns what it printed on standard output and error (for short
    /// outputs: a tool's version, `nm`'s symbols, libFuzzer's start-up lines).
    package static func capture(_ program: String, _ arguments: [String], environment: [String: String] = [:]) throws
        -> (termination: Termination, output: String)
    {
        let file =
            NSTemporaryDirectory()
            + "rundown-fuzz-capture-\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0 ... .max))"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let termination = try run(program, arguments, environment: environment, output: .file(file))
        let output = Workspace.text(of: file)
        return (termination, output)
    }
}
