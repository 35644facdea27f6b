import Rundown
import RundownTestKit
import Synchronization
import Testing

@testable import RundownHarness

/// The memory model's own proof of teeth and of soundness: the classic litmus tests, each with
/// relaxed and with stronger orderings. Every outcome C11 allows must be reached within a bounded
/// number of random schedules; every outcome it forbids must never appear in an exhaustive run
/// (every schedule and every reads-from choice of the small program).
@Suite("memory-model litmus tests", .serialized)
struct LitmusTests {
    /// A litmus program: `threads` bodies over `variables` words (all 0 at the start), each
    /// writing what it observed into its results; the outcome is every result and the final
    /// value of every variable.
    struct Litmus {
        let name: String
        let threads: Int
        let variables: Int
        let results: Int
        /// Thread `t`'s body, given the words and the result slots.
        let body: (Int, [RundownWord], UnsafeMutablePointer<UInt>) -> Void
    }

    typealias Outcome = [UInt]

    /// Runs `litmus` once with `schedule` and `readsFrom`; returns its outcome.
    static func outcome(
        of litmus: Litmus, schedule: [UInt8], readsFrom: [UInt8], decisions: DecisionLog? = nil
    ) -> Outcome {
        let words = (0..<litmus.variables).map { _ -> RundownWord in
            let word = RundownWord.allocate(capacity: 1)
            word.initialize(to: Atomic(0))
            return word
        }
        let results = UnsafeMutablePointer<UInt>.allocate(capacity: max(litmus.results, 1))
        results.initialize(repeating: UInt.max, count: max(litmus.results, 1))
        defer {
            words.forEach { $0.deallocate() }
            results.deallocate()
        }
        let failure = ControlledRun.run(
            threads: litmus.threads, schedule: schedule, readsFrom: readsFrom, variables: words, decisions: decisions
        ) { thread in litmus.body(thread, words, results) }
        #expect(failure == nil, "\(litmus.name): \(failure.map(String.init(describing:)) ?? "")")
        return (0..<litmus.results).map { results[$0] } + words.map { $0.pointee.load(ordering: .relaxed) }
    }

    /// Every outcome of `litmus` over all of its runs.
    static func exhaustive(_ litmus: Litmus) -> (outcomes: Set<Outcome>, runs: Int) {
        var search = ExhaustiveSearch()
        var outcomes = Set<Outcome>()
        var last: [DecisionLog.Decision]?
        while let (schedule, readsFrom) = search.next(after: last) {
            let log = DecisionLog()
            outcomes.insert(outcome(of: litmus, schedule: schedule, readsFrom: readsFrom, decisions: log))
            last = log.decisions
            #expect(search.runs < 200_000, "\(litmus.name): the exhaustive run does not end")
            if search.runs >= 200_000 { break }
        }
        return (outcomes, search.runs)
    }

    /// Every outcome of `litmus` over `runs` random runs.
    static func random(_ litmus: Litmus, runs: Int, seed: UInt64) -> Set<Outcome> {
        var random = SplitMix64(seed: seed)
        var outcomes = Set<Outcome>()
        for _ in 0..<runs {
            let schedule = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
            let readsFrom = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
            outcomes.insert(outcome(of: litmus, schedule: schedule, readsFrom: readsFrom))
        }
        return outcomes
    }

    static func load(_ word: RundownWord, _ ordering: AtomicLoadOrdering) -> UInt {
        ControlledPlatform.load(word, ordering: ordering)
    }

    static func store(_ word: RundownWord, _ value: UInt, _ ordering: AtomicStoreOrdering) {
        ControlledPlatform.store(word, value, ordering: ordering)
    }

    /// Checks `litmus`: `allowed` all reached by random runs, `forbidden` never in the exhaustive
    /// run (made when there is something forbidden, or when `exhaustively` says so).
    static func check(_ litmus: Litmus, allowed: Set<Outcome>, forbidden: Set<Outcome>, exhaustively: Bool = true) {
        guard exhaustively || !forbidden.isEmpty else {
            let sampled = random(litmus, runs: 2_000, seed: 7)
            #expect(
                allowed.isSubset(of: sampled), "\(litmus.name): 2,000 random runs miss \(allowed.subtracting(sampled))")
            return
        }
        let (all, runs) = exhaustive(litmus)
        #expect(
            all.isDisjoint(with: forbidden),
            "\(litmus.name): forbidden outcome(s) \(all.intersection(forbidden)) in \(runs) runs")
        #expect(allowed.isSubset(of: all), "\(litmus.name): the exhaustive run misses \(allowed.subtracting(all))")
        let sampled = random(litmus, runs: 2_000, seed: 7)
        #expect(allowed.isSubset(of: sampled), "\(litmus.name): 2,000 random runs miss \(allowed.subtracting(sampled))")
        print("\(litmus.name): \(runs) runs, outcomes \(all.sorted { $0.lexicographicallyPrecedes($1) })")
    }

    /// Message passing: data, then flag; the reader sees the flag, then reads the data.
    static func messagePassing(store: AtomicStoreOrdering, load: AtomicLoadOrdering) -> Litmus {
        Litmus(name: "MP \(store)/\(load)", threads: 2, variables: 2, results: 2) { thread, v, r in
            if thread == 0 {
                Self.store(v[0], 1, .relaxed)
                Self.store(v[1], 1, store)
            } else {
                r[0] = Self.load(v[1], load)
                r[1] = Self.load(v[0], .relaxed)
            }
        }
    }

    @Test("message passing: relaxed may see the flag without the data; release/acquire may not")
    func messagePassing() {
        Self.check(
            Self.messagePassing(store: .relaxed, load: .relaxed),
            allowed: [[0, 0, 1, 1], [0, 1, 1, 1], [1, 1, 1, 1], [1, 0, 1, 1]], forbidden: [])
        Self.check(
            Self.messagePassing(store: .releasing, load: .acquiring),
            allowed: [[0, 0, 1, 1], [0, 1, 1, 1], [1, 1, 1, 1]], forbidden: [[1, 0, 1, 1]])
    }

    /// Store buffering: each thread stores to one variable, then loads the other.
    static func storeBuffering(store: AtomicStoreOrdering, load: AtomicLoadOrdering) -> Litmus {
        Litmus(name: "SB \(store)/\(load)", threads: 2, variables: 2, results: 2) { thread, v, r in
            Self.store(v[thread], 1, store)
            r[thread] = Self.load(v[1 - thread], load)
        }
    }

    @Test("store buffering: both loads may miss both stores unless everything is sequentially consistent")
    func storeBuffering() {
        let all: Set<Outcome> = [[0, 0, 1, 1], [0, 1, 1, 1], [1, 0, 1, 1], [1, 1, 1, 1]]
        Self.check(Self.storeBuffering(store: .relaxed, load: .relaxed), allowed: all, forbidden: [])
        Self.check(Self.storeBuffering(store: .releasing, load: .acquiring), allowed: all, forbidden: [])
        Self.check(
            Self.storeBuffering(store: .sequentiallyConsistent, load: .sequentiallyConsistent),
            allowed: all.subtracting([[0, 0, 1, 1]]), forbidden: [[0, 0, 1, 1]])
    }

    @Test("coherence of read-read (CoRR): a thread never reads a location backwards, even relaxed")
    func coherenceReadRead() {
        let litmus = Litmus(name: "CoRR relaxed", threads: 2, variables: 1, results: 2) { thread, v, r in
            if thread == 0 {
                Self.store(v[0], 1, .relaxed)
            } else {
                r[0] = Self.load(v[0], .relaxed)
                r[1] = Self.load(v[0], .relaxed)
            }
        }
        Self.check(litmus, allowed: [[0, 0, 1], [0, 1, 1], [1, 1, 1]], forbidden: [[1, 0, 1]])
    }

    @Test("coherence of write-write (CoWW): one thread's two stores stay in order, for every reader")
    func coherenceWriteWrite() {
        let litmus = Litmus(name: "CoWW relaxed", threads: 2, variables: 1, results: 2) { thread, v, r in
            if thread == 0 {
                Self.store(v[0], 1, .relaxed)
                Self.store(v[0], 2, .relaxed)
            } else {
                r[0] = Self.load(v[0], .relaxed)
                r[1] = Self.load(v[0], .relaxed)
            }
        }
        var forbidden: Set<Outcome> = [[2, 1, 2], [2, 0, 2], [1, 0, 2]]
        for a: UInt in 0...2 { for b: UInt in 0...2 { forbidden.insert([a, b, 1]) } }
        Self.check(
            litmus, allowed: [[0, 0, 2], [0, 1, 2], [0, 2, 2], [1, 1, 2], [1, 2, 2], [2, 2, 2]], forbidden: forbidden)
    }

    /// Independent reads of independent writes: two writers, two readers reading in opposite orders.
    static func iriw(load: AtomicLoadOrdering, store: AtomicStoreOrdering) -> Litmus {
        Litmus(name: "IRIW \(store)/\(load)", threads: 4, variables: 2, results: 4) { thread, v, r in
            switch thread {
            case 0, 1: Self.store(v[thread], 1, store)
            case 2:
                r[0] = Self.load(v[0], load)
                r[1] = Self.load(v[1], load)
            default:
                r[2] = Self.load(v[1], load)
                r[3] = Self.load(v[0], load)
            }
        }
    }

    @Test("IRIW: readers may disagree on the order of independent writes unless sequentially consistent")
    func independentReadsOfIndependentWrites() {
        let disagree: Outcome = [1, 0, 1, 0, 1, 1]
        // Nothing is forbidden with weaker orderings: random runs only (the exhaustive runs take 120,960 runs each).
        Self.check(
            Self.iriw(load: .relaxed, store: .relaxed), allowed: [disagree, [1, 1, 1, 1, 1, 1]], forbidden: [],
            exhaustively: false)
        Self.check(
            Self.iriw(load: .acquiring, store: .releasing), allowed: [disagree], forbidden: [], exhaustively: false)
        Self.check(
            Self.iriw(load: .sequentiallyConsistent, store: .sequentiallyConsistent),
            allowed: [[1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 1, 1]], forbidden: [disagree])
    }

    /// 2+2W: each thread stores to both variables, in opposite orders.
    static func twoPlusTwoWrites(_ ordering: AtomicStoreOrdering) -> Litmus {
        Litmus(name: "2+2W \(ordering)", threads: 2, variables: 2, results: 0) { thread, v, _ in
            Self.store(v[thread], 1, ordering)
            Self.store(v[1 - thread], 2, ordering)
        }
    }

    @Test("2+2W: both first stores may end last, unless sequentially consistent")
    func twoPlusTwoWrites() {
        let sc: Set<Outcome> = [[2, 1], [1, 2], [2, 2]]
        Self.check(Self.twoPlusTwoWrites(.relaxed), allowed: sc.union([[1, 1]]), forbidden: [])
        Self.check(Self.twoPlusTwoWrites(.releasing), allowed: sc.union([[1, 1]]), forbidden: [])
        Self.check(Self.twoPlusTwoWrites(.sequentiallyConsistent), allowed: sc, forbidden: [[1, 1]])
    }

    @Test("read-modify-writes are atomic, and continue a release sequence")
    func readModifyWrites() {
        let atomicity = Litmus(name: "two relaxed adds", threads: 2, variables: 1, results: 0) { _, v, _ in
            _ = ControlledPlatform.wrappingAdd(v[0], 1, ordering: .relaxed)
        }
        Self.check(atomicity, allowed: [[2]], forbidden: [[1]])
        // T0 writes data, then releases the flag; T1 bumps the flag relaxed; T2 acquires the flag:
        // reading T1's bump, it still synchronises with T0 (the bump continues T0's release sequence).
        let sequence = Litmus(name: "release sequence", threads: 3, variables: 2, results: 2) { thread, v, r in
            switch thread {
            case 0:
                Self.store(v[0], 1, .relaxed)
                Self.store(v[1], 1, .releasing)
            case 1:
                _ = ControlledPlatform.wrappingAdd(v[1], 1, ordering: .relaxed)
            default:
                r[0] = Self.load(v[1], .acquiring)
                r[1] = Self.load(v[0], .relaxed)
            }
        }
        // r0 = 1 with the data unseen is allowed only when the 1 is T1's bump of the initial 0
        // (T0's store then ends last: the flag ends 1).
        Self.check(
            sequence, allowed: [[2, 1, 1, 2], [1, 1, 1, 2], [0, 0, 1, 2], [1, 0, 1, 1]],
            forbidden: [[2, 0, 1, 2], [1, 0, 1, 2]])
    }
}
