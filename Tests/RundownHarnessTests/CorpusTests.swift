import Foundation
import Rundown
import RundownHarness
import Testing

/// Every committed input replays through the harness (no libFuzzer): twice, with identical
/// decisions, and without a finding on the real implementation.
@Suite("corpus replay")
struct CorpusTests {
    @Test(
        "every file under Corpus/<Target>/ replays twice, identically, without a finding",
        arguments: targetModes.map(\.name))
    func replay(target: String) throws {
        let mode = targetModes.first { $0.name == target }!.mode
        let inputs = files(under: "Corpus/\(target)")
        #expect(!inputs.isEmpty, "Corpus/\(target) has no seed inputs")
        for file in inputs {
            let bytes = [UInt8](try Data(contentsOf: file))
            let first = Harness.run(bytes, mode: mode, feedsCounters: false)
            let second = Harness.run(bytes, mode: mode, feedsCounters: false)
            #expect(first.trace == second.trace, "\(file.lastPathComponent) took different decisions on its second run")
            #expect(
                first.failure == nil, "\(file.lastPathComponent): \(Harness.report(first, mode: mode, fault: .none))")
        }
    }

    /// Corpus/Controls/<control>: an Interleavings input on which that broken implementation
    /// fails and the real one passes: the controls stay caught, forever.
    @Test("each negative control is caught by its regression input, and the real implementation passes it")
    func controls() throws {
        let inputs = files(under: "Corpus/Controls")
        let covered = Set(inputs.compactMap { RundownFault(rawValue: $0.deletingPathExtension().lastPathComponent) })
        // Ordering controls change nothing a serialised scheduler can see: the real-thread
        // target (Threads) is the one that catches them.
        let scheduleControls = Set(RundownFault.controls.filter { !$0.weakensOrdering })
        #expect(
            covered == scheduleControls,
            "missing regression inputs for \(scheduleControls.subtracting(covered).map(\.rawValue))")
        for file in inputs {
            guard let fault = RundownFault(rawValue: file.deletingPathExtension().lastPathComponent) else {
                Issue.record("Corpus/Controls/\(file.lastPathComponent) is not named after a control")
                continue
            }
            let bytes = [UInt8](try Data(contentsOf: file))
            let broken = Harness.run(bytes, mode: .interleavings, fault: fault, feedsCounters: false)
            #expect(broken.failure != nil, "\(fault.rawValue) is no longer caught by its input")
            // A fast-path control's input must pass on the fast path's model too.
            for fastPath in fault.needsFastPath ? [false, true] : [false] {
                let real = Harness.run(bytes, mode: .interleavings, feedsCounters: false, fastPath: fastPath)
                #expect(
                    real.failure == nil,
                    "\(file.lastPathComponent) fails on the real implementation (fast path \(fastPath)): \(Harness.report(real, mode: .interleavings, fault: .none))"
                )
            }
        }
    }
}

/// Corpus/WeakMemoryControls/<control>: a weak-memory input for each ordering control, on which
/// that control fails (an unordered access, found with no sanitizer on this x86-64 machine) and
/// the real implementation passes, with the same trace twice.
@Suite("weak-memory controls")
struct WeakMemoryControlTests {
    @Test(
        "each ordering control is caught by its weak-memory input, deterministically, and the real implementation passes it"
    )
    func controls() throws {
        let inputs = files(under: "Corpus/WeakMemoryControls")
        let covered = Set(inputs.compactMap { RundownFault(rawValue: $0.lastPathComponent) })
        let orderingControls = Set(RundownFault.controls.filter(\.weakensOrdering))
        #expect(
            covered == orderingControls, "missing inputs for \(orderingControls.subtracting(covered).map(\.rawValue))")
        for file in inputs {
            guard let fault = RundownFault(rawValue: file.lastPathComponent) else {
                Issue.record("Corpus/WeakMemoryControls/\(file.lastPathComponent) is not named after a control")
                continue
            }
            let bytes = [UInt8](try Data(contentsOf: file))
            let broken = Harness.run(bytes, mode: .weakMemory, fault: fault, feedsCounters: false)
            let again = Harness.run(bytes, mode: .weakMemory, fault: fault, feedsCounters: false)
            // Each is caught as what it is: an unordered access, or (the count published without
            // release) a lost wake-up whose trace shows the signal placed behind the reset.
            let caught: Bool
            switch broken.failure {
            case .unordered?: caught = true
            case .deadlock?: caught = broken.trace.contains { if case .placed = $0 { true } else { false } }
            default: caught = false
            }
            guard caught else {
                Issue.record(
                    "\(fault.rawValue) is no longer caught as an unordered access or a lost wake-up: \(Harness.report(broken, mode: .weakMemory, fault: fault))"
                )
                continue
            }
            #expect(
                broken.trace == again.trace && broken.failure == again.failure, "\(fault.rawValue) replayed differently"
            )
            let real = Harness.run(bytes, mode: .weakMemory, feedsCounters: false)
            #expect(
                real.failure == nil,
                "\(file.lastPathComponent): \(Harness.report(real, mode: .weakMemory, fault: .none))")
        }
    }
}

/// The real-thread target: every input of Corpus/Threads decodes to the same decisions twice
/// (program, placements, delays) and runs to the end on real threads against the real
/// implementation (the sanitizer builds of ci/sanitizers and ci/fuzz judge the run itself).
@Suite("real-thread corpus")
struct ThreadCorpusTests {
    @Test("every file under Corpus/Threads/ decides the same twice and runs clean on real threads")
    func replay() throws {
        let inputs = files(under: "Corpus/Threads")
        #expect(!inputs.isEmpty)
        for file in inputs {
            let bytes = [UInt8](try Data(contentsOf: file))
            guard let (program, plan) = try? Harness.decodeThreads(bytes) else { continue }
            let again = try Harness.decodeThreads(bytes)
            #expect(
                again.0 == program && again.1 == plan,
                "\(file.lastPathComponent) decided differently on its second decoding")
            let problem = ThreadRunner(program: program, plan: plan).run(fault: .none)
            #expect(problem == nil, "\(file.lastPathComponent): \(problem ?? "")")
        }
    }

    /// Corpus/ThreadsControls/<control>: a real-thread input for each ordering control. Only
    /// ThreadSanitizer sees those controls (ci/fuzz check runs them under it); here: one input
    /// per ordering control, each decodes, and each runs clean on the real implementation.
    @Test("each ordering control has a real-thread input that decodes and runs clean without it")
    func orderingControls() throws {
        let inputs = files(under: "Corpus/ThreadsControls")
        let covered = Set(inputs.compactMap { RundownFault(rawValue: $0.lastPathComponent) })
        let orderingControls = Set(RundownFault.controls.filter(\.racesOnRealThreads))
        #expect(
            covered == orderingControls, "missing inputs for \(orderingControls.subtracting(covered).map(\.rawValue))")
        for file in inputs {
            #expect(
                RundownFault(rawValue: file.lastPathComponent)?.racesOnRealThreads == true,
                "Corpus/ThreadsControls/\(file.lastPathComponent) is not named after an ordering control ThreadSanitizer sees"
            )
            let (program, plan) = try Harness.decodeThreads([UInt8](try Data(contentsOf: file)))
            let problem = ThreadRunner(program: program, plan: plan).run(fault: .none)
            #expect(problem == nil, "\(file.lastPathComponent): \(problem ?? "")")
        }
    }
}
