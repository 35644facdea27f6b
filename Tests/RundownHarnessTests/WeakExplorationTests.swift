import Rundown
import RundownTestKit
import Testing

@testable import RundownHarness

/// The schedule sources under the weak-memory model: the strategies (and the bounded search)
/// make the reads-from choices, find the ordering controls on the small set, raise no false
/// alarm on the real implementation, and their bytes replay decision for decision.
@Suite("schedule strategies under weak memory", .serialized)
struct WeakExplorationTests {
    /// The member the lost wake-up of `relaxed-count-publication` shows on (a cache-aware waiter).
    static let cacheAware = RundownSmallSet.members.first { $0.name == "cacheAwareAllocated-1cpu" }!

    /// A random walk whose loads always read the newest store: the reads-from choices left out.
    final class NewestOnly: ScheduleStrategy {
        let walk: RandomWalk
        init(seed: UInt64) { walk = RandomWalk(seed: seed) }
        var name: String { "newest-only" }
        func beginRun(threads: Int) { walk.beginRun(threads: threads) }
        func chooseThread(_ point: DecisionPoint) -> Int { walk.chooseThread(point) }
        func chooseValue(below arity: Int) -> Int { walk.chooseValue(below: arity) }
        func chooseReadsFrom(below choices: Int) -> Int { 0 }
    }

    /// `finding` replayed from the input written for it, on the WeakMemory target's decoder.
    static func replay(_ finding: Exploration.Finding, on member: RundownSmallSet.Member, fault: RundownFault)
        -> Harness.Outcome?
    {
        guard let input = member.input(replaying: finding) else { return nil }
        return Harness.run(input, mode: .weakMemory, fault: fault, feedsCounters: false)
    }

    @Test("the default reads-from choice: always in range, the newest about half the time, every older store drawn")
    func defaultChoice() {
        let strategy = RandomWalk(seed: 4)
        var counts = [Int](repeating: 0, count: 8)
        for _ in 0..<8_000 { counts[strategy.chooseReadsFrom(below: 8)] += 1 }
        #expect((3_600...4_400).contains(counts[0]), "\(counts)")
        #expect(counts.dropFirst().allSatisfy { (400...740).contains($0) }, "\(counts)")
        #expect((0..<1_000).allSatisfy { _ in (0..<2).contains(strategy.chooseReadsFrom(below: 2)) })
    }

    @Test("every strategy finds relaxed-count-publication (a store placed behind a newer one) and it replays")
    func strategiesFindOrderingControl() throws {
        let control = RundownFault.relaxedCountPublication
        for strategy in StrategyTests.strategies(seed: 5) + [PCT(depth: 10, seed: 5)] {
            let report = RundownSmallSet.sample(
                Self.cacheAware, strategy: strategy, fault: control, maxSchedules: 2_000, weakMemory: true)
            let finding = try #require(report.finding, "\(strategy.name) missed \(control.rawValue)")
            #expect(finding.readsFrom?.contains { $0 != 0 } == true, "\(strategy.name): no stale choice")
            let replay = try #require(Self.replay(finding, on: Self.cacheAware, fault: control))
            #expect(replay.failure == finding.failure, "\(strategy.name)")
        }
        // Without stale choices the same walk never finds it: the strategy's choices are what do.
        let newest = RundownSmallSet.sample(
            Self.cacheAware, strategy: NewestOnly(seed: 5), fault: control, maxSchedules: 2_000, weakMemory: true)
        #expect(newest.finding == nil, "\(String(describing: newest.finding?.failure))")
    }

    @Test("every strategy finds relaxed-release on the small set under weak memory, and it replays")
    func strategiesFindRelaxedRelease() throws {
        let control = RundownFault.relaxedRelease
        for strategy in StrategyTests.strategies(seed: 2) {
            var finding: (member: RundownSmallSet.Member, finding: Exploration.Finding)?
            for member in RundownSmallSet.members where finding == nil {
                let report = RundownSmallSet.sample(
                    member, strategy: strategy, fault: control, maxSchedules: 500, weakMemory: true)
                finding = report.finding.map { (member, $0) }
            }
            let found = try #require(finding, "\(strategy.name) missed \(control.rawValue)")
            let replay = try #require(Self.replay(found.finding, on: found.member, fault: control))
            #expect(replay.failure == found.finding.failure, "\(strategy.name) on \(found.member.name)")
        }
    }

    @Test("the bounded search enumerates reads-from choices: relaxed-count-publication at bound 3, not 0")
    func boundedFindsOrderingControl() throws {
        let control = RundownFault.relaxedCountPublication
        let none = RundownSmallSet.explore(
            Self.cacheAware, bound: 0, fault: control, maxSchedules: 10_000, weakMemory: true)
        #expect(none.exhausted && none.finding == nil, "bound 0: \(none.schedules) schedules")
        let report = RundownSmallSet.explore(
            Self.cacheAware, bound: 3, fault: control, maxSchedules: 20_000, weakMemory: true)
        let finding = try #require(report.finding, "bound 3: \(report.schedules) schedules, no failure")
        let stale = finding.readsFrom?.filter { $0 != 0 }.count ?? 0
        #expect(stale >= 1, "the finding reads no stale store")
        let staleRead = DecisionLog.Decision(
            stream: .readsFrom, arity: 3, position: 1, defaultPosition: 0, preemptable: false)
        #expect(BoundedSearch.preemptions(in: [staleRead]) == 1, "a stale read counts against the bound")
        let replay = try #require(Self.replay(finding, on: Self.cacheAware, fault: control))
        #expect(replay.failure == finding.failure)
    }

    @Test("no false alarm: every strategy and the bounded search on the real implementation under weak memory")
    func noFalseAlarm() {
        for strategy in StrategyTests.strategies(seed: 7) {
            for member in RundownSmallSet.members {
                let report = RundownSmallSet.sample(
                    member, strategy: strategy, fault: .none, maxSchedules: 400, weakMemory: true)
                #expect(
                    report.finding == nil,
                    "\(strategy.name) on \(member.name): \(String(describing: report.finding?.failure))")
            }
        }
        let bounded = RundownSmallSet.explore(
            Self.cacheAware, bound: 2, fault: .none, maxSchedules: 3_000, weakMemory: true)
        #expect(bounded.finding == nil, "\(String(describing: bounded.finding?.failure))")
    }

    @Test("a strategy's weak-memory bytes replay decision for decision, both streams")
    func bytesReplay() throws {
        let program = RundownSmallSet.program(of: Self.cacheAware)
        let strategy = POS(seed: 3)
        var staleRuns = 0
        for _ in 0..<100 {
            let sampled = DecisionLog()
            let replayed = DecisionLog()
            let (outcome, again) = OneRunAtATime.run {
                let runner = Runner.shared
                runner.reset(program: program, mode: .weakMemory)
                let outcome = runner.run(
                    schedule: [], readsFrom: [], fault: .none, feedsCounters: false, decisions: sampled,
                    strategy: strategy)
                runner.reset(program: program, mode: .weakMemory)
                let again = runner.run(
                    schedule: outcome.produced, readsFrom: outcome.producedReadsFrom, fault: .none,
                    feedsCounters: false, decisions: replayed)
                return (outcome, again)
            }
            #expect(sampled.decisions == replayed.decisions)
            #expect(outcome.trace == again.trace)
            #expect(outcome.producedReadsFrom?.count == sampled.decisions.filter { $0.stream == .readsFrom }.count)
            if outcome.producedReadsFrom?.contains(where: { $0 != 0 }) == true { staleRuns += 1 }
        }
        #expect(staleRuns > 10, "only \(staleRuns) of 100 runs read a stale store")
    }
}
