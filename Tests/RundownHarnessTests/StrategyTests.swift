import Rundown
import RundownTestKit
import Synchronization
import Testing

@testable import RundownHarness

/// The schedule strategies: each finds the seeded bug of a small ported program, the bounded
/// search counts what a hand count says, and every finding replays from its bytes.
@Suite("schedule strategies", .serialized)
struct StrategyTests {
    static func strategies(seed: UInt64) -> [any ScheduleStrategy] {
        [
            RandomWalk(seed: seed), PCT(depth: 3, seed: seed), POS(seed: seed),
            SelectivelyUniformWalk(seed: seed), SelectivelyUniformWalk(seed: seed, everyEvent: true),
        ]
    }

    @Test(
        "every strategy finds the bug of CS/reorder_4, CS/account, CS/wronglock_3 and two ConVul ports; it replays",
        arguments: [
            "CS/reorder_4", "CS/account", "CS/wronglock_3", "ConVul-CVE-Benchmarks/CVE-2016-9806",
            "ConVul-CVE-Benchmarks/CVE-2013-1792",
        ])
    func findsSeededBug(name: String) throws {
        let program = try #require(BenchmarkProgram.named(name))
        #expect(
            program.run(schedule: []).failure == nil, "\(name) fails on the default schedule: no test of a strategy")
        for strategy in Self.strategies(seed: 11) {
            let report = Exploration.sample(
                { program.run(schedule: [], strategy: $0) }, strategy: strategy, maxSchedules: 20_000)
            let finding = try #require(report.finding, "\(strategy.name) missed \(name) in 20,000 schedules")
            #expect(finding.failure.name == program.expectedFailure)
            #expect(program.run(schedule: finding.bytes).failure == finding.failure, "\(strategy.name) on \(name)")
            print("\(name) \(strategy.name): first failure at schedule \(finding.schedule)")
        }
        let bounded = Exploration.bounded(
            { program.run(schedule: $0, decisions: $2) }, bound: 2, maxSchedules: 200_000)
        let finding = try #require(bounded.finding, "bounded search (2 preemptions) missed \(name)")
        #expect(program.run(schedule: finding.bytes).failure == finding.failure)
    }

    /// Two threads, each one store: the runs a bound allows, counted by hand. Starting with T0
    /// (the first choice, free): T0 runs through (0 preemptions); T0 is preempted at its point
    /// and T1 runs through (1); T0 preempted, then T1 preempted back to T0 (2). The same three
    /// starting with T1: 2, 4 and 6 runs for bounds 0, 1 and 2, and 6 unbounded.
    @Test("bounded search on two one-store threads: 2, 4, 6 runs for bounds 0, 1, 2")
    func handCount() {
        func runs(bound: Int?) -> Int {
            let word = RundownWord.allocate(capacity: 1)
            word.initialize(to: Atomic(0))
            defer { word.deallocate() }
            func run(_ schedule: [UInt8], _ log: DecisionLog) {
                let failure = ControlledRun.run(threads: 2, schedule: schedule, readsFrom: nil, decisions: log) {
                    thread in
                    ControlledPlatform.store(word, UInt(thread + 1), ordering: .relaxed)
                }
                #expect(failure == nil)
            }
            var last: [DecisionLog.Decision]?
            if let bound {
                var search = BoundedSearch(bound: bound)
                while let (schedule, _) = search.next(after: last) {
                    let log = DecisionLog()
                    run(schedule, log)
                    last = log.decisions
                }
                return search.runs
            }
            var search = ExhaustiveSearch()
            while let (schedule, _) = search.next(after: last) {
                let log = DecisionLog()
                run(schedule, log)
                last = log.decisions
            }
            return search.runs
        }
        #expect(runs(bound: 0) == 2)
        #expect(runs(bound: 1) == 4)
        #expect(runs(bound: 2) == 6)
        #expect(runs(bound: 3) == 6)
        #expect(runs(bound: nil) == 6)
    }

    @Test("CS/reorder_3 needs one preemption: the bounded search with bound 0 explores all and finds nothing")
    func minimalBound() throws {
        let program = try #require(BenchmarkProgram.named("CS/reorder_3"))
        let none = Exploration.bounded({ program.run(schedule: $0, decisions: $2) }, bound: 0, maxSchedules: 100_000)
        #expect(
            none.exhausted && none.finding == nil,
            "bound 0: \(none.schedules) schedules, \(String(describing: none.finding))")
        let one = Exploration.bounded({ program.run(schedule: $0, decisions: $2) }, bound: 1, maxSchedules: 100_000)
        #expect(one.finding != nil, "bound 1: \(one.schedules) schedules without a failure")
    }

    @Test("PCT with depth 1 never preempts: it misses CS/reorder_3, which needs a preemption")
    func pctDepthOne() throws {
        let program = try #require(BenchmarkProgram.named("CS/reorder_3"))
        let report = Exploration.sample(
            { program.run(schedule: [], strategy: $0) }, strategy: PCT(depth: 1, seed: 5), maxSchedules: 500)
        #expect(report.finding == nil)
    }

    @Test("the reorder and twostage ports have their sources' default thread counts")
    func portThreadCounts() throws {
        let expected = [
            "CS/reorder_3": 4, "CS/reorder_10": 11, "CS/reorder_20": 21, "CS/reorder_50": 51, "CS/reorder_100": 101,
            "CS/twostage": 3, "CS/twostage_20": 21, "CS/twostage_50": 51, "CS/twostage_100": 101,
        ]
        for (name, threads) in expected {
            let program = try #require(BenchmarkProgram.named(name))
            #expect(program.threads == threads, "\(name)")
        }
        // Every thread the program allows is used: the run ends with each slot spawned.
        let reorder20 = try #require(BenchmarkProgram.named("CS/reorder_20"))
        #expect(reorder20.run(schedule: [], traced: true).trace.filter { $0.contains(" spawns ") }.count == 20)
    }

    /// The profile run decides the interesting-object candidates as the SURW artifact does:
    /// program data that half the threads touched and someone wrote, never a mutex's own word.
    @Test("SURW's candidates: reorder_10's a and b; twostage_20's data and lock pointers, not the mutexes")
    func surwCandidates() throws {
        let reorder = try #require(BenchmarkProgram.named("CS/reorder_10"))
        let surw = SelectivelyUniformWalk(seed: 3)
        _ = reorder.run(schedule: [], strategy: surw)
        // a and b are the run's first two cells (ids 1 and 2): every setter writes both.
        #expect(surw.candidateObjects == [1, 2])
        for _ in 0..<20 {
            _ = reorder.run(schedule: [], strategy: surw)
            #expect(surw.interestingObject == 1 || surw.interestingObject == 2)
        }
        let twostage = try #require(BenchmarkProgram.named("CS/twostage_20"))
        let other = SelectivelyUniformWalk(seed: 3)
        _ = twostage.run(schedule: [], strategy: other)
        // Creation order: data1 (1), data2 (2), the data1Lock pointer (3) and its mutex (4), the
        // data2Lock pointer (5) and its mutex (6). Main writes both pointers, every thread reads them.
        let candidates = Set(other.candidateObjects)
        #expect(candidates.isSubset(of: [1, 2, 3, 5]) && candidates.isSuperset(of: [3, 5]), "\(candidates)")
        let urw = SelectivelyUniformWalk(seed: 3, everyEvent: true)
        _ = twostage.run(schedule: [], strategy: urw)
        _ = twostage.run(schedule: [], strategy: urw)
        #expect(urw.interestingObject == nil)
    }

    @Test("SURW finds the bugs of reorder_20 and twostage_20 within 200 schedules (seeds 1 to 5)")
    func surwLargerPrograms() throws {
        for name in ["CS/reorder_20", "CS/twostage_20"] {
            let program = try #require(BenchmarkProgram.named(name))
            for seed in UInt64(1)...5 {
                let report = Exploration.sample(
                    { program.run(schedule: [], strategy: $0) }, strategy: SelectivelyUniformWalk(seed: seed),
                    maxSchedules: 200)
                #expect(report.finding != nil, "\(name), seed \(seed)")
            }
        }
    }

    @Test("a strategy's bytes replay: the same run, decision for decision")
    func strategyBytesReplay() throws {
        let program = try #require(BenchmarkProgram.named("CS/twostage"))
        let strategy = POS(seed: 9)
        for _ in 0..<50 {
            let sampled = program.run(schedule: [], strategy: strategy, traced: true)
            let replayed = program.run(schedule: sampled.schedule, traced: true)
            #expect(sampled.trace == replayed.trace)
        }
    }
}

/// Bounded exhaustive search on the rundown programs of the standard small set.
@Suite("bounded search on rundown programs", .serialized)
struct RundownBoundedTests {
    @Test("the small set decodes as owner + 2 workers on one ref, and its default schedule passes")
    func smallSet() {
        #expect(RundownSmallSet.members.count == 6)
        for member in RundownSmallSet.members {
            let program = RundownSmallSet.program(of: member)
            #expect(program.threads.count == 3 && program.refCount == 1, "\(member.name): \(program.listing)")
            #expect(Harness.run(member.input, mode: .interleavings, feedsCounters: false).failure == nil)
        }
    }

    @Test("plain ref, 1 CPU: every schedule up to 1 preemption passes; a control is found and replays")
    func plainExhaustive() throws {
        let member = try #require(RundownSmallSet.members.first { $0.name == "plain-1cpu" })
        let clean = RundownSmallSet.explore(member, bound: 1, fault: .none, maxSchedules: 200_000)
        #expect(
            clean.exhausted && clean.finding == nil,
            "\(clean.schedules) schedules, \(String(describing: clean.finding))")
        #expect(clean.schedules > 1)
        let control = try #require(RundownFault.controls.first { !$0.weakensOrdering })
        let found = try #require(
            RundownSmallSet.minimalBound(for: control, maxBound: 1, maxSchedules: 200_000),
            "\(control.rawValue) not found within 1 preemption")
        let finding = try #require(found.report.finding)
        let replay = Harness.run(
            found.member.input + finding.bytes, mode: .interleavings, fault: control, feedsCounters: false)
        #expect(replay.failure == finding.failure)
    }

    @Test("strategies on a rundown program: each finds a control that needs a preemption, and the finding replays")
    func strategiesOnRundown() throws {
        let member = try #require(RundownSmallSet.members.first { $0.name == "cacheAwareAllocated-2cpu" })
        let control = RundownFault.drainSubtractsWordDelta
        for strategy in StrategyTests.strategies(seed: 3) {
            let report = RundownSmallSet.sample(member, strategy: strategy, fault: control, maxSchedules: 20_000)
            let finding = try #require(
                report.finding, "\(strategy.name) missed \(control.rawValue) in 20,000 schedules")
            let replay = Harness.run(
                member.input + finding.bytes, mode: .interleavings, fault: control, feedsCounters: false)
            #expect(replay.failure == finding.failure, "\(strategy.name)")
            #expect(
                RundownSmallSet.sample(member, strategy: strategy, fault: .none, maxSchedules: 300).finding == nil,
                "\(strategy.name) fails the real implementation")
        }
    }

    @Test(
        "every strategy and the bounded search find each fast-path control on the small set, and it replays",
        arguments: RundownFault.controls.filter(\.needsFastPath))
    func fastPathControls(control: RundownFault) throws {
        // The small set's cache-aware members run on the fast path's model for these controls,
        // as Harness.run does when it replays them; without it they are never found.
        let member = try #require(RundownSmallSet.members.first { $0.name == "cacheAwareAllocated-1cpu" })
        var reports = (StrategyTests.strategies(seed: 1) + [PCT(depth: 10, seed: 1)]).map { strategy in
            (strategy.name, RundownSmallSet.sample(member, strategy: strategy, fault: control, maxSchedules: 2_000))
        }
        reports.append(("bounded3", RundownSmallSet.explore(member, bound: 3, fault: control, maxSchedules: 10_000)))
        for (name, report) in reports {
            let finding = try #require(report.finding, "\(name) missed \(control.rawValue)")
            let replay = Harness.run(
                member.input + finding.bytes, mode: .interleavings, fault: control, feedsCounters: false)
            #expect(replay.failure == finding.failure, "\(name)")
        }
    }

    @Test("a member made of a file whose length byte runs past its end replays its findings on its own program")
    func memberOfShortFile() throws {
        // Corpus/WeakMemoryControls/relaxed-acquire: its length byte says 10 program bytes, 7
        // follow. Appended schedule bytes must not become program bytes on replay.
        let file: [UInt8] = [1, 26, 2, 10, 254, 254, 207, 253, 37, 73, 111]
        let member = try #require(RundownSmallSet.member(named: "relaxed-acquire", input: file))
        let report = RundownSmallSet.sample(
            member, strategy: PCT(depth: 3, seed: 1), fault: .acquireIgnoresActive, maxSchedules: 100)
        let finding = try #require(report.finding)
        let bytes = try #require(member.input(replaying: finding))
        let replay = Harness.run(bytes, mode: .interleavings, fault: .acquireIgnoresActive, feedsCounters: false)
        let replayed = try InputDecoder(mode: .interleavings).decodeInput(bytes).program
        #expect(replayed.listing == RundownSmallSet.program(of: member).listing)
        #expect(replay.failure == finding.failure)
    }
}
