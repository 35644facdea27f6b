import Foundation
import RundownHarness
import RundownTestKit
import Testing

/// A program's wait cycles, found from its finished operation lists alone (independently of the
/// decoder's incremental guard): every way of stopping each thread at one of its blocking points
/// (or not at all) is tried, and the threads stopped that way are searched for a cycle.
struct WaitCycleChecker {
    /// A point where a thread may be blocked: a wait on `ref`, or (ref -1) the owner's join.
    struct Stop {
        let ref: Int
        /// Bit r set: the thread may hold protection on ref r there (as if every acquire succeeded).
        let held: UInt8
        let index: Int
    }

    let stops: [[Stop]]

    /// `joins`: whether the owner's destroy joins every worker (every mode but misuse).
    init(_ program: Program, joins: Bool) {
        stops = program.threads.enumerated().map { thread, operations in
            var holds = Array(repeating: 0, count: program.refCount)
            var found: [Stop] = []
            for (index, operation) in operations.enumerated() {
                let ref: Int
                switch operation {
                case let .acquire(r, count): holds[r] += count; continue
                case let .release(r, count): holds[r] = max(0, holds[r] - count); continue
                case let .wait(r): ref = r
                case .destroy where thread == 0 && joins: ref = -1
                default: continue
                }
                var held: UInt8 = 0
                for r in holds.indices where holds[r] > 0 { held |= 1 << r }
                found.append(Stop(ref: ref, held: held, index: index))
            }
            return found
        }
    }

    /// A description of one cycle ("T1 at op 4 (wait r0, holding r1), ..."), or nil when there is none.
    func cycle() -> String? {
        var chosen = Array(repeating: -1, count: stops.count)
        return search(thread: 0, chosen: &chosen)
    }

    /// Tries every choice (no point, or one of its points) for `thread` and the threads after it.
    private func search(thread: Int, chosen: inout [Int]) -> String? {
        if thread == stops.count { return cycle(among: chosen) }
        for choice in -1..<stops[thread].count {
            chosen[thread] = choice
            if let found = search(thread: thread + 1, chosen: &chosen) { return found }
        }
        chosen[thread] = -1
        return nil
    }

    /// A cycle among the stopped threads (`chosen[t]`: index of t's point, -1 if not stopped):
    /// peel off every thread that waits for nobody still in the set; whatever is left waits in
    /// a cycle.
    private func cycle(among chosen: [Int]) -> String? {
        var stopped: UInt8 = 0
        for t in chosen.indices where chosen[t] >= 0 { stopped |= 1 << t }
        // waitsFor >> (8 * a) & 0xFF: the threads that a waits for (at most 8 threads).
        var waitsFor: UInt64 = 0
        for a in chosen.indices where chosen[a] >= 0 {
            let stop = stops[a][chosen[a]]
            for b in chosen.indices where chosen[b] >= 0 {
                if stop.ref < 0 ? a != b : stops[b][chosen[b]].held & (1 << stop.ref) != 0 {
                    waitsFor |= 1 << (8 * a + b)
                }
            }
        }
        var left = stopped
        var changed = true
        while changed {
            changed = false
            for a in chosen.indices
            where left & (1 << a) != 0 && UInt8(truncatingIfNeeded: waitsFor >> (8 * a)) & left == 0 {
                left &= ~(1 << a)
                changed = true
            }
        }
        guard left != 0 else { return nil }
        return chosen.indices.filter { left & (1 << $0) != 0 }.map { t in
            let stop = stops[t][chosen[t]]
            return "T\(t) at op \(stop.index) (" + (stop.ref >= 0 ? "wait r\(stop.ref)" : "join") + ", holding refs 0b"
                + String(stop.held, radix: 2) + ")"
        }.joined(separator: ", ")
    }
}

@Suite("wait cycles")
struct WaitCycleTests {
    /// The Misuse input the main campaign minimised to a false DEADLOCK: T1 waited on r0 holding
    /// r1 while T2 waited on r1 holding r0.
    static let falseDeadlock = Data(
        base64Encoded:
            "ARQCQEFBhYWFhdqFhQGFhYWFhYUZGZSUlJSUlJSUlJSUlJSUlJSUlJSUlJSUlAFu//////////8lJSUlT3B0a29uIW4hAG9ubgA=")!

    @Test("the campaign's false deadlock decodes without a wait cycle and runs without a finding")
    func campaignInput() throws {
        let bytes = [UInt8](Self.falseDeadlock)
        #expect(bytes.count == 74)
        let (program, _) = try InputDecoder(mode: .misuse).decode(bytes)
        #expect(WaitCycleChecker(program, joins: false).cycle() == nil, "\(program.listing)")
        let outcome = Harness.run(bytes, mode: .misuse, feedsCounters: false)
        #expect(outcome.failure == nil, "\(Harness.report(outcome, mode: .misuse, fault: .none))")
    }

    @Test("the checker finds the campaign's cycle in a hand-built program")
    func checkerCatchesCycle() {
        let program = Program(
            refKind: .plain, cpus: 2, refCount: 2,
            threads: [
                [.create(ref: 0), .create(ref: 1), .destroy(ref: 0), .destroy(ref: 1)],
                [.acquire(ref: 1, count: 2), .wait(ref: 0), .release(ref: 1, count: 2)],
                [.acquire(ref: 0, count: 3), .wait(ref: 1), .release(ref: 0, count: 3)],
            ])
        #expect(WaitCycleChecker(program, joins: false).cycle() != nil)
        // A wait on a ref the thread holds itself, and a join that waits for a thread waiting on
        // a ref the owner holds, are cycles too.
        let selfWait = Program(
            refKind: .plain, cpus: 1, refCount: 1,
            threads: [[.create(ref: 0), .acquire(ref: 0, count: 1), .wait(ref: 0)]])
        #expect(WaitCycleChecker(selfWait, joins: true).cycle() != nil)
        let join = Program(
            refKind: .plain, cpus: 1, refCount: 1,
            threads: [
                [.create(ref: 0), .acquire(ref: 0, count: 1), .destroy(ref: 0)], [.wait(ref: 0)],
            ])
        #expect(WaitCycleChecker(join, joins: true).cycle() != nil)
        #expect(WaitCycleChecker(join, joins: false).cycle() == nil)
    }

    @Test("a worker's wait that would close a cycle decodes as a release of the same ref and count")
    func guardRule() throws {
        // T1 acquires r1 x2, T2 acquires r0 x1, T1 waits on r0, then T2 would wait on r1.
        let bytes = input(
            kind: 0, twoRefs: true, workers: 2, program: [op(1, 0, 1), op(2, 0, 0), op(1, 3, 0), op(2, 3, 1)],
            schedule: [])
        let (program, _) = try InputDecoder(mode: .misuse).decode(bytes)
        #expect(program.threads[1].prefix(2) == [.acquire(ref: 1, count: 2), .wait(ref: 0)])
        #expect(program.threads[2].prefix(2) == [.acquire(ref: 0, count: 1), .release(ref: 1, count: 2)])
    }

    /// Inputs per mode for the sweep below (`RUNDOWN_WAIT_CYCLE_INPUTS` overrides).
    static let sweepCount =
        ProcessInfo.processInfo.environment["RUNDOWN_WAIT_CYCLE_INPUTS"].flatMap(Int.init) ?? 2_000_000

    @Test("no decoded program carries a wait cycle", arguments: InputDecoder.Mode.allCases)
    func randomPrograms(mode: InputDecoder.Mode) throws {
        let maxWorkers: UInt8 = mode == .apiSequence ? 0 : mode == .misuse ? 2 : 4
        var random = SplitMix64(seed: 0x5EED + UInt64(mode.rawValue.count))
        let decoder = InputDecoder(mode: mode)
        var decoded = 0
        var waits = 0
        let started = Date()
        for _ in 0..<Self.sweepCount {
            let length = Int(random.next() % 65)
            var bytes = [UInt8](repeating: 0, count: length)
            var word: UInt64 = 0
            for i in 0..<length {
                if i % 8 == 0 { word = random.next() }
                bytes[i] = UInt8(truncatingIfNeeded: word >> (8 * (i % 8)))
            }
            // Most inputs get a valid header (an invalid one is rejected before the program).
            if bytes.count >= 4, random.next() & 15 != 0 {
                bytes[0] = 1
                bytes[1] = UInt8(random.next() % 3) | bytes[1] & 0x1C
                bytes[2] = UInt8(random.next() % UInt64(maxWorkers + 1)) | (mode == .apiSequence ? bytes[2] & 0xF8 : 0)
            }
            guard let (program, _) = try? decoder.decode(bytes) else { continue }
            decoded += 1
            let checker = WaitCycleChecker(program, joins: mode != .misuse)
            waits += checker.stops.reduce(0) { $0 + $1.count }
            if let cycle = checker.cycle() {
                Issue.record("\(mode.rawValue): wait cycle \(cycle) in input \(bytes):\n\(program.listing)")
                return
            }
        }
        print(
            "wait-cycle sweep \(mode.rawValue): \(Self.sweepCount) inputs, \(decoded) decoded, \(waits) blocking points, "
                + String(format: "%.1f s", Date().timeIntervalSince(started)))
        #expect(decoded > Self.sweepCount / 2)
    }
}
