import Rundown
import RundownTestKit
import Testing

@testable import RundownHarness

/// The weak-memory mode on the rundown programs: no false alarm on the real implementation, the
/// ordering controls found, the format's version 2 decoded, findings replayed identically.
@Suite("weak-memory mode", .serialized)
struct WeakMemoryTests {
    /// A random weak-memory input (format version 2) for `seed`.
    static func randomInput(_ random: inout SplitMix64) -> [UInt8] {
        let program = (0..<Int.random(in: 1...20, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random)
        }
        let readsFrom = (0..<Int.random(in: 0...24, using: &random)).map { _ in
            UInt8.random(in: 0...255, using: &random)
        }
        let schedule = (0..<Int.random(in: 0...60, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random)
        }
        return InputEncoding.input(
            kind: Program.RefKind(rawValue: UInt8.random(in: 0...2, using: &random))!,
            cpus: Int.random(in: 1...4, using: &random), twoRefs: Bool.random(using: &random),
            workers: Int.random(in: 1...4, using: &random), program: program, readsFrom: readsFrom, schedule: schedule)
    }

    @Test("random weak-memory runs of the real implementation: no finding, same trace twice")
    func noFalseAlarm() {
        var random = SplitMix64(seed: 2026)
        for _ in 0..<3_000 {
            let bytes = Self.randomInput(&random)
            let first = Harness.run(bytes, mode: .weakMemory, feedsCounters: false)
            #expect(first.failure == nil, "\(Harness.report(first, mode: .weakMemory, fault: .none))")
            if first.failure != nil { return }
            let second = Harness.run(bytes, mode: .weakMemory, feedsCounters: false)
            #expect(first.trace == second.trace)
        }
    }

    @Test(
        "every ordering control is found by random weak-memory runs",
        arguments: RundownFault.controls.filter(\.weakensOrdering))
    func orderingControls(control: RundownFault) {
        var random = SplitMix64(seed: 99)
        var found: Harness.Outcome?
        var tries = 0
        while found == nil && tries < 20_000 {
            tries += 1
            let outcome = Harness.run(
                Self.randomInput(&random), mode: .weakMemory, fault: control, feedsCounters: false)
            if outcome.failure != nil { found = outcome }
        }
        #expect(found != nil, "\(control.rawValue) not found in \(tries) random weak-memory runs")
        if let found {
            print("\(control.rawValue): found after \(tries) runs: \(found.failure!)")
        }
    }
}
