// rundown-bench: what an acquire+release pair costs, single-threaded and on several threads.
//
// Build and run in release mode (ci/bench does):  swift run -c release rundown-bench
// Options: --quick (fewer iterations, for CI smoke runs), --help (BenchOptions.swift).
//
// Every figure is the median of several runs; ratios are taken within this one process, so
// they compare like with like on whatever machine runs it.

import Foundation
import Rundown
import Synchronization
import _ToolShims

let quick = BenchOptions.parse(Array(CommandLine.arguments.dropFirst())).quick
let pairsPerRun = quick ? 2_000_000 : 20_000_000
let runs = quick ? 3 : 7

// MARK: - The contenders

/// Anything with an acquire/release pair. The loops are generic over it and specialised per
/// contender, so no figure includes a closure call.
protocol Contender: AnyObject, Sendable {
    func acquire() -> Bool
    func release()
}

extension RundownRef: Contender {}
extension CacheAwareRundownRef: Contender {}

/// A counter behind a mutex: lock/increment/unlock, lock/decrement/unlock.
final class MutexCounter: Contender, @unchecked Sendable {
    let value = Mutex(0)
    @inline(__always) func acquire() -> Bool { value.withLock { $0 += 1 }; return true }
    @inline(__always) func release() { value.withLock { $0 -= 1 } }
}

/// A bare atomic add and subtract: the physical floor of any counting scheme.
final class BareAtomic: Contender, @unchecked Sendable {
    let value = Atomic<Int>(0)
    @inline(__always) func acquire() -> Bool { value.wrappingAdd(1, ordering: .acquiring); return true }
    @inline(__always) func release() { value.wrappingSubtract(1, ordering: .releasing) }
}

/// The plain algorithm hand-written on one Atomic, with no platform seam and no checks: what
/// the generic, specialised ``RundownRef`` must match.
final class HandWrittenPlain: Contender, @unchecked Sendable {
    let word = Atomic<UInt>(0)
    @inline(__always) func acquire() -> Bool {
        var current = word.load(ordering: .relaxed)
        while current & 1 == 0 {
            let (done, original) = word.compareExchange(
                expected: current, desired: current &+ 2, successOrdering: .acquiring, failureOrdering: .relaxed)
            if done { return true }
            current = original
        }
        return false
    }
    @inline(__always) func release() {
        var current = word.load(ordering: .relaxed)
        while true {
            let (done, original) = word.compareExchange(
                expected: current, desired: current &- 2, successOrdering: .releasing, failureOrdering: .relaxed)
            if done { return }
            current = original
        }
    }
}

@inline(never)
func loop<C: Contender>(_ pairs: Int, _ contender: C) {
    for _ in 0..<pairs {
        if !contender.acquire() { fatalError("acquire failed on a live ref") }
        contender.release()
    }
}

/// Seconds for one loop of `pairsPerRun` pairs on the calling thread.
func seconds<C: Contender>(_ contender: C) -> Double {
    let start = ContinuousClock.now
    loop(pairsPerRun, contender)
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

/// Pins the calling thread to `cpu` (modulo the CPUs the process may use). Unpinned figures
/// would not be the ones the table claims, so a CPU the process can no longer use (the shim
/// answers EINVAL) stops the benchmark.
func pin(to cpu: Int) {
    if rundown_pin_current_thread(UInt32(cpu)) != 0 {
        fatalError("rundown-bench: cannot pin a thread to CPU \(cpu): it is no longer available to this process")
    }
}

/// Lets the calling thread run on every CPU again (EINVAL: none of them is available any longer).
func unpin() {
    if rundown_unpin_current_thread() != 0 {
        fatalError("rundown-bench: cannot unpin the main thread: none of its CPUs is available any longer")
    }
}

/// Nanoseconds per pair for each single-threaded contender, pinned to one CPU. The contenders
/// take turns within each run, so a slow spell of the machine hits all of them alike.
func nsPerPairInTurns(_ timers: [() -> Double]) -> [Double] {
    pin(to: 0)
    defer { unpin() }
    var samples = Array(repeating: [Double](), count: timers.count)
    for _ in 0..<runs {
        for (index, timer) in timers.enumerated() { samples[index].append(timer()) }
    }
    return samples.map { $0.sorted()[$0.count / 2] / Double(pairsPerRun) * 1e9 }
}

/// Seconds of one run of `pairsPerRun / 2` pairs on each of `threads` threads, each pinned to its
/// own CPU where possible: from the moment every thread is running to the moment the last one
/// finishes. The threads meet at a spinning barrier and each reads the clock there, so the time
/// a sleeping CPU takes to wake up (milliseconds on a virtual machine, against loops of about
/// 15 ms) is not timed as if the threads ran one after the other.
func spanSeconds<C: Contender>(threads: Int, _ contender: C) -> Double {
    let arrived = Atomic<Int>(0)
    let times = TimeSpans(count: threads)
    let done = DispatchGroup()
    for index in 0..<threads {
        done.enter()
        let thread = Thread {
            pin(to: index)
            // Relaxed: the barrier orders no data, only when the loops start.
            arrived.add(1, ordering: .relaxed)
            while arrived.load(ordering: .relaxed) < threads {}
            let start = ContinuousClock.now
            loop(pairsPerRun / 2, contender)
            times.record(index, start: start, end: ContinuousClock.now)
            done.leave()
        }
        thread.start()
    }
    done.wait()
    return times.span
}

/// Aggregate pairs per second with `threads` threads: the median over `runs` runs.
func pairsPerSecond<C: Contender>(threads: Int, _ contender: C) -> Double {
    var samples: [Double] = []
    for _ in 0..<runs { samples.append(spanSeconds(threads: threads, contender)) }
    return Double(pairsPerRun / 2 * threads) / samples.sorted()[samples.count / 2]
}

/// Each thread's start and end of one timed run; read after every thread has left the group.
final class TimeSpans: @unchecked Sendable {
    private let lock = NSLock()
    private var starts: [ContinuousClock.Instant]
    private var ends: [ContinuousClock.Instant]

    init(count: Int) {
        starts = Array(repeating: .now, count: count)
        ends = starts
    }

    func record(_ index: Int, start: ContinuousClock.Instant, end: ContinuousClock.Instant) {
        lock.withLock {
            starts[index] = start
            ends[index] = end
        }
    }

    /// Seconds from the first start to the last end.
    var span: Double {
        lock.withLock {
            let elapsed = ends.max()! - starts.min()!
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }
    }
}

// MARK: - The table

let bare = BareAtomic()
let hand = HandWrittenPlain()
let plain = RundownRef()
guard let cacheAware = CacheAwareRundownRef(tag: "Bnch") else {
    fatalError("could not allocate the benchmark's cache-aware ref")
}
let mutex = MutexCounter()
let compareExchange = CompareExchangeCacheAware()
let fastPath = CacheAwareRundownRef.fastPath
// The floor exists only where the fast path does (rseq registered, x86-64).
let perCPUFloor: RestartablePerCPUAdd? = fastPath ? RestartablePerCPUAdd() : nil

print(
    "rundown-bench: \(runs) runs of \(pairsPerRun) pairs, median; \(ProcessInfo.processInfo.activeProcessorCount) CPUs, checked mode \(RundownChecking.isEnabled ? "ON (figures are not production figures)" : "off")"
)
print(
    "cache-aware path: \(fastPath ? "fast (rseq per-CPU sections, membarrier)" : "compare-exchange (fast path unavailable or RUNDOWN_FAST_PATH=0)")"
)
print("")
print("single thread                       ns/pair   vs floor")
var timers: [() -> Double] = [
    { seconds(bare) }, { seconds(hand) }, { seconds(plain) }, { seconds(cacheAware) }, { seconds(compareExchange) },
]
if let perCPUFloor { timers.append { seconds(perCPUFloor) } }
let singleThreaded = nsPerPairInTurns(timers)
let (floor, handNs, plainNs, cacheNs) = (singleThreaded[0], singleThreaded[1], singleThreaded[2], singleThreaded[3])
let compareExchangeNs = singleThreaded[4]
let perCPUNs: Double? = perCPUFloor == nil ? nil : singleThreaded[5]
func row(_ name: String, _ ns: Double) {
    print(name.padding(toLength: 34, withPad: " ", startingAt: 0), String(format: "%8.2f   %6.2fx", ns, ns / floor))
}
row("bare Atomic add+sub (floor)", floor)
row("plain, hand-written (no seam)", handNs)
row("RundownRef (plain)", plainNs)
row("CacheAwareRundownRef (\(fastPath ? "fast path" : "cmpxchg"))", cacheNs)
row("cache-aware, compare-exchange path", compareExchangeNs)
if let perCPUNs { row("rseq per-CPU add+sub (new floor)", perCPUNs) }
print(String(format: "seam cost: RundownRef / hand-written = %.2fx", plainNs / handNs))
print("")

let threadCounts = [1, 2]
print("threads   Mpairs/s: cache-aware    cmpxchg   rseq add      plain      mutex")
var cacheAwareRate: [Int: Double] = [:]
var compareExchangeRate: [Int: Double] = [:]
var perCPURate: [Int: Double] = [:]
var plainRate: [Int: Double] = [:]
var mutexRate: [Int: Double] = [:]
for threads in threadCounts {
    cacheAwareRate[threads] = pairsPerSecond(threads: threads, cacheAware)
    compareExchangeRate[threads] = pairsPerSecond(threads: threads, compareExchange)
    if let perCPUFloor { perCPURate[threads] = pairsPerSecond(threads: threads, perCPUFloor) }
    plainRate[threads] = pairsPerSecond(threads: threads, plain)
    mutexRate[threads] = pairsPerSecond(threads: threads, mutex)
    print(
        String(
            format: "%7d   %21.1f %10.1f %10.1f %10.1f %10.1f", threads,
            cacheAwareRate[threads]! / 1e6, compareExchangeRate[threads]! / 1e6, (perCPURate[threads] ?? 0) / 1e6,
            plainRate[threads]! / 1e6, mutexRate[threads]! / 1e6))
}
print("")
print(String(format: "cache-aware pair vs floor: %.2fx (target <= 1.5x)", cacheNs / floor))
if let perCPUNs {
    print(String(format: "fast path vs rseq per-CPU add floor: %.2fx (target <= 1.3x)", cacheNs / perCPUNs))
    print(String(format: "compare-exchange path / fast path: %.2fx (target >= 2.5x)", compareExchangeNs / cacheNs))
    // The floor shares nothing between its threads (each adds to its own CPU's slot): its ratio
    // is what this machine allows a loop of that shape, the yardstick for the fast path's.
    print(
        String(
            format: "2 threads vs 1: fast path %.2fx (target >= 1.9x), rseq floor %.2fx, compare-exchange path %.2fx",
            cacheAwareRate[2]! / cacheAwareRate[1]!, perCPURate[2]! / perCPURate[1]!,
            compareExchangeRate[2]! / compareExchangeRate[1]!))
}
print(
    String(
        format: "2 threads vs 1: cache-aware %.2fx (target >= 1.8x), plain %.2fx, mutex %.2fx",
        cacheAwareRate[2]! / cacheAwareRate[1]!, plainRate[2]! / plainRate[1]!, mutexRate[2]! / mutexRate[1]!))
