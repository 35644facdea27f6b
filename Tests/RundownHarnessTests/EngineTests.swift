import Rundown
import RundownHarness
import RundownTestKit
import Synchronization
import Testing

/// The engine's own behaviour: deterministic, named failures, readable reports.
@Suite("controlled scheduler", .serialized)
struct EngineTests {
    /// Owner waits while two workers acquire, touch and release on two CPU slots.
    let busy = input(
        workers: 2, program: [op(1, 0, 1), op(2, 0), op(0, 0), op(1, 2), op(2, 2), op(1, 5, 3), op(2, 5)],
        schedule: [0, 1, 2, 1, 0, 2, 2, 1, 0, 0, 1, 2, 1, 1, 0, 2, 0, 1])

    @Test("the same input takes the same decisions twice", arguments: InputDecoder.Mode.allCases)
    func deterministic(mode: InputDecoder.Mode) {
        var random = SplitMix64(seed: 11)
        for _ in 0..<200 {
            let workers: UInt8 =
                mode == .apiSequence ? 0 : UInt8.random(in: 1...(mode == .misuse ? 2 : 4), using: &random)
            let program = (0..<Int.random(in: 1...20, using: &random)).map { _ in
                UInt8.random(in: 0...255, using: &random)
            }
            let schedule = (0..<Int.random(in: 0...40, using: &random)).map { _ in
                UInt8.random(in: 0...255, using: &random)
            }
            let bytes = input(
                kind: UInt8.random(in: 0...2, using: &random), cpus: UInt8.random(in: 1...4, using: &random),
                workers: workers, program: program, schedule: schedule)
            let first = Harness.run(bytes, mode: mode)
            let second = Harness.run(bytes, mode: mode)
            #expect(first.trace == second.trace)
            #expect(first.failure == nil, "\(Harness.report(first, mode: mode, fault: .none))")
        }
    }

    @Test("a lost wake-up is a named deadlock")
    func deadlock() {
        // Owner closes the ref with one protection out, then a release drains it between the
        // owner's add and its (late) event reset: the signal is lost.
        let found = (0..<400).contains { seed -> Bool in
            var random = SplitMix64(seed: UInt64(seed))
            let schedule = (0..<40).map { _ in UInt8.random(in: 0...255, using: &random) }
            let bytes = input(kind: 1, cpus: 2, workers: 1, program: [op(1, 0), op(0, 0)], schedule: schedule)
            if case .deadlock? = Harness.run(bytes, mode: .interleavings, fault: .eventPreparedAfterPublish).failure {
                return true
            }
            return false
        }
        #expect(found)
    }

    @Test("a release that writes into a wait block after its wait returned is a named wait-block-lifetime finding")
    func waitBlockLifetime() {
        // Two workers hold one protection each while the owner waits (found by a seed search
        // like the one above). T2's release starts (the model counts it as done) and reads the
        // block's marker; T1's drain then wakes the owner too early (signal-before-zero: at 1;
        // drain-subtracts-word-delta: it subtracts 2), the wait returns, and T2 drains the dead
        // block. Before the check existed both controls passed this input.
        let schedule: [UInt8] = [
            247, 129, 134, 138, 217, 222, 164, 251, 94, 83, 25, 170, 13, 97, 249, 69, 237, 175, 48, 183, 190, 157, 12,
            17, 0, 150, 248, 73, 30, 139, 52, 233, 104, 50, 11, 11, 104, 20, 115, 152, 53, 58, 203, 118, 104, 242, 212,
            107,
        ]
        let bytes = input(kind: 0, cpus: 1, workers: 2, program: [op(1, 0), op(2, 0), op(0, 0)], schedule: schedule)
        for fault in [RundownFault.signalBeforeZero, .drainSubtractsWordDelta] {
            let failure = Harness.run(bytes, mode: .interleavings, fault: fault, feedsCounters: false).failure
            #expect(
                failure?.name == "wait-block-lifetime",
                "\(fault.rawValue): \(failure.map(String.init(describing:)) ?? "no finding")")
            #expect(
                failure?.description
                    == "WAIT-BLOCK LIFETIME: T2 (release r0 x1) wrote into T0's wait block (wait r0) after that wait"
                    + " returned at step 39 (add on its count)")
        }
        #expect(Harness.run(bytes, mode: .interleavings, feedsCounters: false).failure == nil)
    }

    @Test("a release that drains a wait block no wait published is a named wait-block-lifetime finding, not a crash")
    func strayWaitBlock() {
        // The finding `explore-rundown --control acquire-ignores-active --strategy pct3 --seed 1
        // --memory sc Corpus/WeakMemoryControls/relaxed-acquire` wrote. The owner's wait on the
        // cache-aware r1 found nothing outstanding and stored run-down (1) into every slot; before
        // it returns, T2's acquire r1 x4 adds 8 to slot 1 (1 + 8 = 9), and its release reads 9 as a
        // wait block's marker and drains "the block" at address 8. Before the check this run died
        // of SIGSEGV in ControlledPlatform.wrappingAdd.
        let bytes: [UInt8] = [
            1, 26, 2, 7, 254, 254, 207, 253, 37, 73, 111, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 2, 1, 1,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1,
        ]
        let failure = Harness.run(bytes, mode: .interleavings, fault: .acquireIgnoresActive, feedsCounters: false)
            .failure
        #expect(
            failure?.description
                == "WAIT-BLOCK LIFETIME: T2 (release r1 x4) wrote into a wait block at 0x8 that no wait in progress"
                + " published (add): the rundown word it read held no live block's marker")
        #expect(Harness.run(bytes, mode: .interleavings, feedsCounters: false).failure == nil)
    }

    @Test("the step bound turns a run that never ends into a named livelock")
    func livelock() throws {
        let outcome = Harness.run(busy, mode: .interleavings, stepBound: 10)
        #expect(outcome.failure == .livelock(steps: 10))
        // The engine is usable again after an abandoned run.
        #expect(Harness.run(busy, mode: .interleavings).failure == nil)
    }

    @Test("the fibers serve run after run, whether their threads finish or are abandoned mid-frame")
    func fiberReuse() {
        // Every run reuses the process's fibers. Under ThreadSanitizer each fiber has a shadow
        // call stack of fixed size (64 Ki frames) that nothing bounds-checks: a frame a run left
        // on it stays for every later run, and enough of them overflow it into a SEGV (see
        // fiber.c). These runs leave far more than 64 Ki frames if a finished thread leaves one
        // or an abandoned one is not given a fresh context; everywhere else they only check
        // that the fibers keep working.
        let event = RundownEventWord.allocate(capacity: 1)
        event.initialize(to: Atomic(0))
        let word = RundownWord.allocate(capacity: 1)
        word.initialize(to: Atomic(0))
        defer {
            event.deallocate()
            word.deallocate()
        }
        var unexpected = 0
        for _ in 0..<20_000 {
            // Both threads sleep on an event nobody signals: a deadlock abandons both mid-frame.
            let failure = ControlledRun.run(threads: 2, schedule: [], readsFrom: nil) { _ in
                ControlledPlatform.waitForEvent(event)
            }
            if case .deadlock? = failure {} else { unexpected += 1 }
        }
        for _ in 0..<70_000 {
            let failure = ControlledRun.run(threads: 1, schedule: [], readsFrom: nil) { _ in
                _ = ControlledPlatform.wrappingAdd(word, 1, ordering: .relaxed)
            }
            if failure != nil { unexpected += 1 }
        }
        #expect(unexpected == 0)
        #expect(word.pointee.load(ordering: .relaxed) == 70_000)
    }

    @Test("the report shows the program, one column per thread, and the verdict")
    func report() {
        let outcome = Harness.run(busy, mode: .interleavings)
        let text = Harness.report(outcome, mode: .interleavings, fault: .none)
        #expect(text.contains("T0 owner : create r0; wait r0"))
        #expect(text.contains("T1 worker"))
        #expect(text.contains("T2 worker"))
        #expect(text.contains("> acquire r0 x2"))
        #expect(text.contains("on cpu "))
        #expect(text.contains("verdict: PASS"))
    }

    @Test("misuse programs: the checked mode reports exactly the misuse committed, under any schedule")
    func misuse() {
        /// The misuses reported over 300 schedules of `program`; every run must agree with the model.
        func reported(kind: UInt8, workers: UInt8 = 1, _ program: [UInt8]) -> [RundownMisuse] {
            var random = SplitMix64(seed: 5)
            var seen: [RundownMisuse] = []
            for _ in 0..<300 {
                let schedule = (0..<24).map { _ in UInt8.random(in: 0...255, using: &random) }
                let outcome = Harness.run(
                    input(kind: kind, workers: workers, program: program, schedule: schedule), mode: .misuse)
                #expect(outcome.failure == nil, "\(Harness.report(outcome, mode: .misuse, fault: .none))")
                for case let .misuse(_, misuse) in outcome.trace where !seen.contains(misuse) { seen.append(misuse) }
            }
            return seen
        }
        #expect(reported(kind: 1, [op(1, 4)]).contains(.releaseWithoutAcquire(released: 1, outstanding: 0)))
        #expect(reported(kind: 1, [op(1, 0), op(0, 3)]).contains(.reinitializeWithoutWait(outstanding: 1)))
        #expect(reported(kind: 0, [op(1, 0), op(0, 2)]).contains(.completedWithoutWait(outstanding: 1)))
        #expect(reported(kind: 1, [op(1, 0, 2), op(0, 4)]).contains(.freeWithProtectionsOutstanding(outstanding: 3)))
        #expect(reported(kind: 1, [op(0, 4), op(1, 0)]).contains(.useAfterFree))
        #expect(reported(kind: 2, [op(0, 4)]).contains(.freeCallerInitialized))
        #expect(reported(kind: 0, [op(1, 0), op(0, 5)]).contains(.initializeLiveRef(outstanding: 1)))
        #expect(
            reported(kind: 2, [op(0, 5, 3)]).contains {
                if case .sizeTooSmall = $0 { return true } else { return false }
            })
        // T1 holds protection while the owner waits; T2 waits too.
        #expect(reported(kind: 1, workers: 2, [op(1, 0), op(0, 0), op(2, 3)]).contains(.secondWaiter))
        #expect(reported(kind: 1, [op(0, 0), op(1, 4)]).contains(.releaseAfterRundown(released: 1)))
    }

    @Test("allocation failure: Allocate returns nil, the program skips the ref, nothing leaks")
    func allocationFailure() {
        for failing: UInt8 in 1...4 {
            let bytes = input(
                kind: 1, twoRefs: true, workers: 0, failing: failing,
                program: [op(0, 0), op(0, 2), op(0, 0, 1), op(0, 5), op(0, 5, 1)], schedule: [])
            let outcome = Harness.run(bytes, mode: .apiSequence)
            #expect(outcome.failure == nil, "\(Harness.report(outcome, mode: .apiSequence, fault: .none))")
            #expect(outcome.trace.contains { if case .skipped = $0 { return true } else { return false } })
        }
        #expect(RundownPool.usage(tag: Runner.tag) == PoolUsage())
    }
}
