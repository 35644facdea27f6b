import Rundown
import RundownTestKit
import Synchronization
import Testing

@testable import RundownHarness

/// The runtime for arbitrary programs: threads, cells, mutex, condition variable, assertions,
/// and the scheduler's deadlock and livelock findings, each with a program that must fail and
/// one that must not.
@Suite("runtime for arbitrary programs", .serialized)
struct RuntimeTests {
    /// Every schedule of `main` with at most `bound` preemptions; the failures, by name.
    static func failures(threads: Int, bound: Int, main: @escaping () -> Void) -> (names: Set<String>, runs: Int) {
        var names = Set<String>()
        let report = Exploration.bounded(
            { schedule, _, log in
                let outcome = Runtime.run(threads: threads, schedule: schedule, decisions: log, main: main)
                if let failure = outcome.failure { names.insert(failure.name) }
                return RuntimeOutcome(failure: nil, schedule: [], steps: outcome.steps, trace: [])
            }, bound: bound, maxSchedules: 100_000)
        #expect(report.exhausted, "the bounded search did not finish within 100,000 schedules")
        return (names, report.schedules)
    }

    /// Two threads add one to a counter twice each, by load then store; `locked` puts each
    /// increment under a mutex. Main checks the total after joining.
    static func counter(locked: Bool) -> () -> Void {
        {
            let count = SharedCell("count")
            let mutex = RuntimeMutex("m")
            let workers = (0..<2).map { _ in
                Runtime.spawn {
                    for _ in 0..<2 {
                        if locked { mutex.lock() }
                        count.store(count.load() + 1)
                        if locked { mutex.unlock() }
                    }
                }
            }
            workers.forEach(Runtime.join)
            Runtime.check(count.load() == 4, "lost update")
        }
    }

    @Test("a mutex makes increments atomic: the racy counter loses an update, the locked one never")
    func mutexCounter() {
        let racy = Self.failures(threads: 3, bound: 2, main: Self.counter(locked: false))
        #expect(racy.names == ["assertion"], "racy counter: \(racy.names) in \(racy.runs) schedules")
        let locked = Self.failures(threads: 3, bound: 2, main: Self.counter(locked: true))
        #expect(locked.names.isEmpty, "locked counter: \(locked.names) in \(locked.runs) schedules")
    }

    @Test("locks taken in opposite orders deadlock, and the finding names both mutexes")
    func lockOrderDeadlock() {
        var messages: [String] = []
        let report = Exploration.sample(
            { strategy in
                let outcome = Runtime.run(threads: 3, schedule: [], strategy: strategy) {
                    let a = RuntimeMutex("A")
                    let b = RuntimeMutex("B")
                    let first = Runtime.spawn {
                        a.lock()
                        b.lock()
                        b.unlock()
                        a.unlock()
                    }
                    let second = Runtime.spawn {
                        b.lock()
                        a.lock()
                        a.unlock()
                        b.unlock()
                    }
                    Runtime.join(first)
                    Runtime.join(second)
                }
                if let failure = outcome.failure { messages.append(failure.description) }
                return outcome
            }, strategy: RandomWalk(seed: 1), maxSchedules: 2_000)
        #expect(report.finding?.failure.name == "deadlock")
        let message = messages.first ?? ""
        #expect(message.contains("waiting on A") && message.contains("waiting on B"), "\(message)")
    }

    /// A bounded buffer of one slot between a producer and a consumer, with a condition
    /// variable; `loop` re-checks the condition after each wake-up, as it must with two
    /// consumers.
    static func handOff(consumers: Int, loop: Bool) -> () -> Void {
        {
            let m = RuntimeMutex("m")
            let changed = RuntimeCondition("changed")
            let slot = SharedCell("slot")
            let producer = Runtime.spawn {
                for item in 1...consumers {
                    m.lock()
                    while slot.load() != 0 { changed.wait(m) }
                    slot.store(item)
                    changed.broadcast()
                    m.unlock()
                }
            }
            let pool = (0..<consumers).map { _ in
                Runtime.spawn {
                    m.lock()
                    if loop {
                        while slot.load() == 0 { changed.wait(m) }
                    } else if slot.load() == 0 {
                        changed.wait(m)
                    }
                    Runtime.check(slot.load() != 0, "consumer woke to an empty slot")
                    slot.store(0)
                    changed.broadcast()
                    m.unlock()
                }
            }
            Runtime.join(producer)
            pool.forEach(Runtime.join)
        }
    }

    @Test("condition variable: the re-checking consumers never fail, the if-waiting ones do")
    func conditionVariable() {
        func sample(loop: Bool) -> Exploration.Report {
            Exploration.sample(
                { Runtime.run(threads: 4, schedule: [], strategy: $0, main: Self.handOff(consumers: 2, loop: loop)) },
                strategy: RandomWalk(seed: 4), maxSchedules: 3_000)
        }
        let good = sample(loop: true)
        #expect(good.finding == nil, "\(String(describing: good.finding))")
        let one = Self.failures(threads: 3, bound: 3, main: Self.handOff(consumers: 1, loop: true))
        #expect(one.names.isEmpty, "one consumer: \(one.names) in \(one.runs) schedules")
        let bad = sample(loop: false)
        #expect(bad.finding?.failure.name == "assertion", "\(bad.schedules) schedules without the empty-slot failure")
    }

    @Test("a spin on a flag nobody sets is a livelock")
    func livelock() {
        let outcome = Runtime.run(threads: 2, schedule: [], stepBound: 500) {
            let flag = SharedCell("flag")
            let spinner = Runtime.spawn { while flag.load() == 0 {} }
            Runtime.join(spinner)
        }
        #expect(outcome.failure == .livelock(steps: 500))
    }

    @Test("a failing run replays from its bytes: same failure, same trace")
    func replay() throws {
        let program = try #require(BenchmarkProgram.named("reorder_3"))
        let report = Exploration.sample(
            { program.run(schedule: [], strategy: $0) }, strategy: RandomWalk(seed: 3), maxSchedules: 10_000)
        let finding = try #require(report.finding)
        let first = program.run(schedule: finding.bytes, traced: true)
        let second = program.run(schedule: finding.bytes, traced: true)
        #expect(first.failure == finding.failure)
        #expect(first.trace == second.trace)
        #expect(first.trace.contains { $0.contains("store a = 1") || $0.contains("store b = -1") })
        #expect(first.trace.contains { $0.contains("fails: reorder") })
        let input = program.input(schedule: finding.bytes)
        let decoded = try #require(BenchmarkProgram.decode(input))
        #expect(decoded.program.id == program.id)
        #expect(decoded.program.run(schedule: decoded.schedule).failure == finding.failure)
        #expect(program.run(schedule: []).failure == nil, "the default schedule should pass")
    }

    @Test("weak memory: message passing with relaxed orderings can read stale data; release/acquire cannot")
    func weakMessagePassing() {
        func stale(_ store: AtomicStoreOrdering, _ load: AtomicLoadOrdering) -> Bool {
            var search = ExhaustiveSearch()
            var last: [DecisionLog.Decision]?
            var found = false
            while let (schedule, readsFrom) = search.next(after: last) {
                let log = DecisionLog()
                let outcome = Runtime.run(threads: 3, schedule: schedule, readsFrom: readsFrom, decisions: log) {
                    let data = SharedCell("data")
                    let flag = SharedCell("flag")
                    let writer = Runtime.spawn {
                        data.store(1, ordering: .relaxed)
                        flag.store(1, ordering: store)
                    }
                    let reader = Runtime.spawn {
                        if flag.load(ordering: load) == 1 {
                            Runtime.check(data.load(ordering: .relaxed) == 1, "stale data")
                        }
                    }
                    Runtime.join(writer)
                    Runtime.join(reader)
                }
                found = found || outcome.failure?.name == "assertion"
                last = log.decisions
                if search.runs > 50_000 { break }
            }
            return found
        }
        #expect(stale(.relaxed, .relaxed))
        #expect(!stale(.releasing, .acquiring))
    }
}
