/// A concurrency benchmark ported to the runtime: a `main` closure for ``Runtime/run(threads:schedule:strategy:readsFrom:stepBound:traced:decisions:main:)``
/// with the number of logical threads it needs. Its id is the first byte of a `Benchmarks`
/// fuzz input, so ids never change once given (new programs take new ids).
package struct BenchmarkProgram: Sendable {
    /// The input's first byte.
    package let id: UInt8
    /// The name the benchmark has in its suite ("CS/reorder_10").
    package let name: String
    /// Logical threads, `main` included.
    package let threads: Int
    /// The failure the program's bug ends a run with.
    package let expectedFailure: String
    /// Builds a fresh `main` for one run (the shared objects are created inside it).
    package let main: @Sendable () -> Void

    /// Runs the program once.
    package func run(
        schedule: [UInt8], strategy: (any ScheduleStrategy)? = nil, traced: Bool = false,
        decisions: DecisionLog? = nil
    ) -> RuntimeOutcome {
        Runtime.run(
            threads: threads, schedule: schedule, strategy: strategy, stepBound: 20_000, traced: traced,
            decisions: decisions, main: main)
    }
}

extension BenchmarkProgram {
    /// Every ported program, by id.
    package static let all: [BenchmarkProgram] =
        SCTBench.reorderSizes.enumerated().map { index, size in
            BenchmarkProgram(
                id: UInt8(index), name: "CS/reorder_\(size.name)", threads: size.setters + size.checkers + 1,
                expectedFailure: "assertion", main: { SCTBench.reorder(setters: size.setters, checkers: size.checkers) }
            )
        }
        + SCTBench.twostageSizes.enumerated().map { index, size in
            BenchmarkProgram(
                id: UInt8(16 + index), name: size.name == 2 ? "CS/twostage" : "CS/twostage_\(size.name)",
                threads: size.writers + size.readers + 1, expectedFailure: "assertion",
                main: { SCTBench.twostage(writers: size.writers, readers: size.readers) })
        } + [
            BenchmarkProgram(
                id: 32, name: "CS/account", threads: 4, expectedFailure: "assertion", main: { SCTBench.account() }),
            BenchmarkProgram(
                id: 33, name: "CS/wronglock", threads: 9, expectedFailure: "assertion",
                main: { SCTBench.wronglock(first: 1, second: 7) }),
            BenchmarkProgram(
                id: 34, name: "CS/wronglock_3", threads: 5, expectedFailure: "assertion",
                main: { SCTBench.wronglock(first: 1, second: 3) }),
            BenchmarkProgram(
                id: 35, name: "CS/stack", threads: 3, expectedFailure: "assertion", main: { SCTBench.stack() }),
            BenchmarkProgram(
                id: 36, name: "CS/bluetooth_driver", threads: 2, expectedFailure: "assertion",
                main: { SCTBench.bluetoothDriver() }),
            BenchmarkProgram(
                id: 48, name: "ConVul-CVE-Benchmarks/CVE-2016-9806", threads: 3, expectedFailure: "assertion",
                main: { ConVul.cve2016_9806() }),
            BenchmarkProgram(
                id: 49, name: "ConVul-CVE-Benchmarks/CVE-2013-1792", threads: 3, expectedFailure: "assertion",
                main: { ConVul.cve2013_1792() }),
        ]

    /// The program with `id`, if any.
    package static func with(id: UInt8) -> BenchmarkProgram? { all.first { $0.id == id } }

    /// The program called `name` (its suite name, or the part after the slash), if any.
    package static func named(_ name: String) -> BenchmarkProgram? {
        all.first { $0.name == name || $0.name.split(separator: "/").last.map(String.init) == name }
    }
}

extension BenchmarkProgram {
    /// The `Benchmarks` fuzz input that runs this program with `schedule`: the id byte, then
    /// the schedule bytes.
    package func input(schedule: [UInt8]) -> [UInt8] { [id] + schedule }

    /// Decodes a `Benchmarks` input: the program its first byte names (an id no program has
    /// picks `all[id % count]`, so every input runs something) and the schedule bytes; nil for
    /// an empty input.
    package static func decode(_ bytes: [UInt8]) -> (program: BenchmarkProgram, schedule: [UInt8])? {
        guard let first = bytes.first else { return nil }
        let program = with(id: first) ?? all[Int(first) % all.count]
        return (program, Array(bytes.dropFirst()))
    }
}
