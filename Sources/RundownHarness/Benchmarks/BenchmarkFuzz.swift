#if canImport(Glibc)
    import Glibc
#endif
import Foundation

extension BenchmarkProgram {
    /// The body of the `Benchmarks` libFuzzer target: decodes the input (program id byte, then
    /// schedule bytes), runs it, and on a failure prints the interleaving and the finding line
    /// the front-end reads, then aborts (libFuzzer keeps the input). 0 otherwise.
    /// With `RUNDOWN_BENCHMARK=<program>` every input runs that program and is all schedule
    /// bytes (no id byte): calibration's executions to the first finding of one program. To
    /// replay such a finding, put the program's id byte in front of it.
    package static func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        let bytes = size > 0 ? Array(UnsafeBufferPointer(start: data, count: size)) : []
        let decoded = pinned.map { ($0, bytes) } ?? decode(bytes)
        guard let (program, schedule) = decoded else { return 0 }
        guard let failure = program.run(schedule: schedule).failure else { return 0 }
        let outcome = program.run(schedule: schedule, traced: true)
        let text =
            "program \(program.id): \(program.name)\n" + outcome.trace.joined(separator: "\n")
            + "\n==rundown-harness== FINDING \(failure.name): \(failure)\n"
        writeToStandardError(text)
        abort()
    }

    /// The environment variable that pins the `Benchmarks` target to one program.
    package static let pinVariable = "RUNDOWN_BENCHMARK"

    /// The program `RUNDOWN_BENCHMARK` names (nil when unset or empty); a name that is no
    /// program stops the process with a usage error (exit 64) listing the programs.
    package static let pinned: BenchmarkProgram? = {
        guard let name = ProcessInfo.processInfo.environment[pinVariable], !name.isEmpty else { return nil }
        guard let program = named(name) else {
            writeToStandardError(
                "\(pinVariable)=\(name) is not a ported program; programs: "
                    + all.map(\.name).joined(separator: ", ") + "\n")
            exit(64)
        }
        return program
    }()

    /// The `Benchmarks` target's LLVMFuzzerInitialize: the control and the pinned program are
    /// checked before any input.
    package static func initializeTarget() -> Int32 {
        _ = pinned
        return Harness.initializeTarget()
    }
}
