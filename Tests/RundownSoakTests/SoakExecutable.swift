import Foundation
import Testing

/// The built `rundown-soak` executable, run as a child process: what a person or a CI script
/// sees (options, exit status, the lines on each stream, signals). `swift build` and
/// `swift test` put it next to the test bundle.
struct SoakExecutable {
    let process = Process()
    let folder: String
    var stdoutPath: String { folder + "/stdout.txt" }
    var stderrPath: String { folder + "/stderr.txt" }

    /// The executable's path, next to this test process's own.
    static func path() throws -> String {
        let me = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let path = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("rundown-soak").path
        try #require(
            FileManager.default.isExecutableFile(atPath: path),
            "no rundown-soak at \(path): build it with `swift build`")
        return path
    }

    /// A new empty folder for one test's files.
    static func temporaryFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "rundown-soak-test-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        return path
    }

    /// Starts `rundown-soak arguments...` with its output going to files in `folder`.
    init(_ arguments: [String], folder: String, environment: [String: String] = [:]) throws {
        self.folder = folder
        process.executableURL = URL(fileURLWithPath: try SoakExecutable.path())
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        for path in [stdoutPath, stderrPath] {
            try #require(FileManager.default.createFile(atPath: path, contents: nil), "cannot create \(path)")
        }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
    }

    /// Runs `rundown-soak arguments...` to the end (at most 60 s).
    static func run(_ arguments: [String], folder: String, environment: [String: String] = [:]) throws -> SoakExecutable
    {
        let child = try SoakExecutable(arguments, folder: folder, environment: environment)
        try #require(child.waitForExit(seconds: 60), "rundown-soak \(arguments) did not end within 60 s")
        return child
    }

    /// Waits until the child exits; false (and the child is killed) if it takes longer.
    func waitForExit(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return false
        }
        process.waitUntilExit()
        return true
    }

    /// Waits until standard output contains `text` (at most `seconds`).
    func waitForOutput(_ text: String, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if stdout.contains(text) { return true }
            usleep(20_000)
        }
        return false
    }

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
    /// Standard error's lines, without empty ones.
    var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
    var exitStatus: Int32? { process.terminationReason == .exit ? process.terminationStatus : nil }
    var deathSignal: Int32? { process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil }
}
