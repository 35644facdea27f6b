import Foundation
import Rundown
import RundownHarness
import RundownTestKit
import Testing

/// The fast path (restartable per-CPU sections and the barrier) under the controlled scheduler's
/// model of them (RestartableSections.swift): every committed input, sequentially consistent and
/// weak-memory, and a few thousand generated ones run without a finding.
@Suite("fast-path model")
struct FastPathModelTests {
    @Test(
        "every file under Corpus/<Target>/ replays on the fast-path model twice, identically, without a finding",
        arguments: targetModes.map(\.name))
    func replay(target: String) throws {
        let mode = targetModes.first { $0.name == target }!.mode
        for file in files(under: "Corpus/\(target)") {
            let bytes = [UInt8](try Data(contentsOf: file))
            let first = Harness.run(bytes, mode: mode, feedsCounters: false, fastPath: true)
            let second = Harness.run(bytes, mode: mode, feedsCounters: false, fastPath: true)
            #expect(first.trace == second.trace, "\(file.lastPathComponent) took different decisions on its second run")
            #expect(
                first.failure == nil, "\(file.lastPathComponent): \(Harness.report(first, mode: mode, fault: .none))")
        }
    }

    /// Generated programs (three threads of eight operations on a cache-aware ref, random
    /// schedules and, in weak-memory mode, reads-from streams), as the throughput command builds them.
    @Test(
        "generated inputs run on the fast-path model without a finding",
        arguments: [
            InputDecoder.Mode.interleavings, .weakMemory,
        ])
    func generated(mode: InputDecoder.Mode) {
        var random = SplitMix64(seed: 0x5EC7_10A5)
        var ran = 0
        for _ in 0..<1500 {
            let bytes = Self.generatedInput(mode: mode, &random)
            let outcome = Harness.run(bytes, mode: mode, feedsCounters: false, fastPath: true)
            if case .rejected = outcome { continue }
            ran += 1
            #expect(outcome.failure == nil, "\(Harness.report(outcome, mode: mode, fault: .none))")
            if outcome.failure != nil { return }
        }
        #expect(ran > 1000)
    }

    /// Each fast-path control fails on some of the same generated inputs (its committed
    /// regression input, Corpus/Controls/<control>, is the first one; with
    /// RUNDOWN_WRITE_CONTROL_INPUTS=1 this test writes it there).
    @Test(
        "each fast-path control is found among generated interleavings",
        arguments: RundownFault.controls.filter(\.needsFastPath))
    func controlFound(fault: RundownFault) throws {
        var random = SplitMix64(seed: 0x5EC7_10A5)
        for _ in 0..<1500 {
            let bytes = Self.generatedInput(mode: .interleavings, &random)
            let outcome = Harness.run(bytes, mode: .interleavings, fault: fault, feedsCounters: false)
            guard outcome.failure != nil else { continue }
            if ProcessInfo.processInfo.environment["RUNDOWN_WRITE_CONTROL_INPUTS"] == "1" {
                let url = repositoryRoot.appendingPathComponent("Corpus/Controls/\(fault.rawValue)")
                try Data(bytes).write(to: url)
            }
            return
        }
        Issue.record("\(fault.rawValue) not found in 1500 generated inputs")
    }

    /// A generated input: three threads of eight operations on a cache-aware ref, a random
    /// schedule, a reads-from stream in weak-memory mode (as the throughput command builds them).
    static func generatedInput(mode: InputDecoder.Mode, _ random: inout SplitMix64) -> [UInt8] {
        var program = (0..<3).flatMap { thread in
            (0..<8).map { _ in
                InputEncoding.operation(thread: thread, kind: random.below(8), argument: random.below(4))
            }
        }
        for index in stride(from: program.count - 1, to: 0, by: -1) { program.swapAt(index, random.below(index + 1)) }
        let schedule = (0..<40).map { _ in UInt8(random.below(256)) }
        let stream = mode == .weakMemory ? (0..<16).map { _ in UInt8(random.below(256)) } : nil
        return InputEncoding.input(
            kind: random.below(2) == 0 ? .cacheAwareAllocated : .cacheAwareCallerMemory, cpus: 1 + random.below(4),
            twoRefs: random.below(2) == 1, workers: 2, program: program, readsFrom: stream, schedule: schedule)
    }
}
