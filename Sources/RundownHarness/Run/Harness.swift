import Rundown
import _RundownShims
import RundownTestKit
#if canImport(Glibc)
    import Glibc
#endif

/// The testing engine's front door, shared by the fuzz targets, the tests and the tools:
/// bytes in, a verdict out.
package enum Harness {
    /// What one input did.
    package enum Outcome {
        /// The decoder refused the bytes (libFuzzer is told -1: not worth keeping).
        case rejected(InputDecoder.Rejection)
        /// The program ran and every oracle agreed.
        case passed(program: Program, trace: [TraceEvent])
        /// A finding.
        case failed(program: Program, trace: [TraceEvent], failure: Failure)

        package var failure: Failure? {
            if case let .failed(_, _, failure) = self { return failure }
            return nil
        }

        package var isRejected: Bool {
            if case .rejected = self { return true }
            return false
        }

        /// The run's trace (empty when rejected).
        package var trace: [TraceEvent] {
            switch self {
            case .rejected: return []
            case let .passed(_, trace), let .failed(_, trace, _): return trace
            }
        }
    }

    /// The negative control to run against, from `RUNDOWN_CONTROL` (a ``RundownFault`` raw
    /// value); `.none` when unset. An unknown name is a usage error: the process prints the
    /// valid names and exits with status 64 (never a crash, which libFuzzer would record as a
    /// finding). The fuzz targets read it in `LLVMFuzzerInitialize`, before any input runs.
    package static let selectedFault: RundownFault = {
        let name = getenv(controlVariable).map { String(cString: $0) } ?? ""
        guard let fault = control(named: name) else {
            writeToStandardError(unknownControlMessage(name, source: controlVariable) + "\n")
            exit(64)
        }
        return fault
    }()

    /// A fuzz target's `LLVMFuzzerInitialize`: reads the environment before any input runs, so
    /// that a bad `RUNDOWN_CONTROL` stops the process with a usage error first.
    package static func initializeTarget() -> Int32 {
        _ = selectedFault
        return 0
    }

    /// The environment variable that selects a negative control.
    package static let controlVariable = "RUNDOWN_CONTROL"

    /// The control called `name`: `.none` for "" or "none", nil for a name that is not a control.
    package static func control(named name: String) -> RundownFault? {
        name.isEmpty || name == "none" ? RundownFault.none : RundownFault.controls.first { $0.rawValue == name }
    }

    /// Every name ``control(named:)`` accepts.
    package static var controlNames: [String] { ["none"] + RundownFault.controls.map(\.rawValue) }

    /// The one-line usage error for an unknown control name given through `source`.
    package static func unknownControlMessage(_ name: String, source: String) -> String {
        let close = RundownFault.controls.min { editDistance($0.rawValue, name) < editDistance($1.rawValue, name) }
            .flatMap { editDistance($0.rawValue, name) <= 3 ? $0 : nil }
        return "\(source)=\(name) is not a negative control" + (close.map { " (did you mean \($0.rawValue)?)" } ?? "")
            + "; valid: " + controlNames.joined(separator: ", ")
    }

    /// Whether the interleaving features feed libFuzzer (`RUNDOWN_EXTRA_COUNTERS=0` turns them off).
    package static let feedsCounters: Bool = {
        getenv("RUNDOWN_EXTRA_COUNTERS").map { String(cString: $0) != "0" } ?? true
    }()

    /// Decodes and runs one input. One run at a time per process (``OneRunAtATime``): the engine
    /// (scheduler, runner, the library's misuse interceptor) is process-wide.
    package static func run(
        _ bytes: [UInt8], mode: InputDecoder.Mode, fault: RundownFault = .none, feedsCounters: Bool = true,
        stepBound: Int = Runner.stepBound, fastPath: Bool = false
    ) -> Outcome {
        OneRunAtATime.run {
            runAlone(
                bytes, mode: mode, fault: fault, feedsCounters: feedsCounters, stepBound: stepBound, fastPath: fastPath)
        }
    }

    private static func runAlone(
        _ bytes: [UInt8], mode: InputDecoder.Mode, fault: RundownFault, feedsCounters: Bool, stepBound: Int,
        fastPath: Bool
    ) -> Outcome {
        let decoded: InputDecoder.Decoded
        do {
            decoded = try InputDecoder(mode: mode).decodeInput(bytes)
        } catch {
            return .rejected(error)
        }
        let program = decoded.program
        let runner = Runner.shared
        runner.reset(program: program, mode: mode)
        let result = runner.run(
            schedule: decoded.schedule, readsFrom: decoded.readsFrom, fault: fault, feedsCounters: feedsCounters,
            stepBound: stepBound, fastPath: fastPath || fault.needsFastPath)
        if let failure = result.failure {
            return .failed(program: program, trace: result.trace, failure: failure)
        }
        return .passed(program: program, trace: result.trace)
    }

    /// The readable account of an outcome: the program, the interleaving as it ran, the verdict.
    package static func report(_ outcome: Outcome, mode: InputDecoder.Mode, fault: RundownFault) -> String {
        switch outcome {
        case let .rejected(why):
            return "input rejected by the \(mode.rawValue) decoder: \(why)"
        case let .passed(program, trace):
            return program.listing + "\n\n" + TraceRenderer.render(trace, threads: program.threads.count)
                + "\n\nverdict: PASS (\(mode.rawValue), control \(fault.rawValue)): " + passReason(mode)
        case let .failed(program, trace, failure):
            return program.listing + "\n\n" + TraceRenderer.render(trace, threads: program.threads.count)
                + "\n\nverdict: FAIL (\(mode.rawValue), control \(fault.rawValue)): \(failure)"
        }
    }

    /// What a pass means in `mode`: every oracle that ran agreed.
    static func passReason(_ mode: InputDecoder.Mode) -> String {
        switch mode {
        case .misuse:
            return
                "every misuse the program committed was reported by the checked mode exactly as the reference model predicts, and nothing else was"
        case .weakMemory:
            return
                "the reference model agreed with every result, the invariants held at every scheduling point, every use of a protected object"
                + " or a wait block was ordered by happens-before after its creation and before its end, and every allocation was freed"
        case .apiSequence, .interleavings:
            return
                "the reference model agreed with every result, the invariants held at every scheduling point, no thread touched an object after"
                + " its owner's wait returned or a wait block after its wait returned, and every allocation was freed"
        }
    }

    /// The whole body of a libFuzzer target: 0 for a kept input, -1 for a rejected one; a
    /// finding prints its report and aborts, which libFuzzer records as a crash.
    package static func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int, mode: InputDecoder.Mode) -> Int32 {
        let bytes = size > 0 ? Array(UnsafeBufferPointer(start: data, count: size)) : []
        let outcome = run(bytes, mode: mode, fault: selectedFault, feedsCounters: feedsCounters)
        switch outcome {
        case .rejected: return -1
        case .passed: return 0
        case let .failed(_, _, failure):
            let text =
                report(outcome, mode: mode, fault: selectedFault)
                + "\n==rundown-harness== FINDING \(failure.name): \(failure)\n"
            writeToStandardError(text)
            abort()
        }
    }
}

extension Harness {
    /// Decodes `bytes` for a real-thread run: the Interleavings program and its thread plan.
    package static func decodeThreads(_ bytes: [UInt8]) throws(InputDecoder.Rejection) -> (Program, ThreadPlan) {
        let (program, schedule) = try InputDecoder(mode: .interleavings).decode(bytes)
        return (program, ThreadPlan(program: program, schedule: schedule))
    }

    /// The body of the Threads libFuzzer target: 0 for a kept input, -1 for a rejected one.
    package static func fuzzThreads(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        let bytes = size > 0 ? Array(UnsafeBufferPointer(start: data, count: size)) : []
        guard let (program, plan) = try? decodeThreads(bytes) else { return -1 }
        if let problem = ThreadRunner(program: program, plan: plan).run(fault: selectedFault) {
            writeToStandardError(
                program.listing + "\n" + plan.listing(for: program)
                    + "\n==rundown-harness== FINDING threads: \(problem)\n")
            abort()
        }
        return 0
    }
}

/// Writes `text` to file descriptor 2 in full (no buffering to lose on abort).
func writeToStandardError(_ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        if written <= 0 { return }
        bytes = bytes.dropFirst(written)
    }
}

/// The number of single-character insertions, deletions and substitutions that turn `a` into
/// `b` (for "did you mean" hints).
package func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in stride(from: 1, through: b.count, by: 1) {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return a.isEmpty ? b.count : previous[b.count]
}
