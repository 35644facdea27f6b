#if canImport(Glibc)
    import Glibc
#endif

extension BenchmarkProgram {
    /// The body of the `Benchmarks` libFuzzer target: decodes the input (program id byte, then
    /// schedule bytes), runs it, and on a failure prints the interleaving and the finding line
    /// the front-end reads, then aborts (libFuzzer keeps the input). 0 otherwise.
    package static func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        let bytes = size > 0 ? Array(UnsafeBufferPointer(start: data, count: size)) : []
        guard let (program, schedule) = decode(bytes) else { return 0 }
        guard let failure = program.run(schedule: schedule).failure else { return 0 }
        let outcome = program.run(schedule: schedule, traced: true)
        let text =
            "program \(program.id): \(program.name)\n" + outcome.trace.joined(separator: "\n")
            + "\n==rundown-harness== FINDING \(failure.name): \(failure)\n"
        writeToStandardError(text)
        abort()
    }
}
