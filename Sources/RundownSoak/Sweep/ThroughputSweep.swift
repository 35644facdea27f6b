import Foundation
import Rundown
import Synchronization
import _RundownShims
import _ToolShims
import RundownTestKit

/// Throughput against worker count: every worker does acquire/release pairs on one shared ref
/// (or lock/unlock pairs on one mutex, the baseline) for a fixed time; the sweep runs this for
/// 1 to N workers and each implementation. The mutex is `Synchronization.Mutex` (as in
/// rundown-bench); its lock is invisible to ThreadSanitizer, so do not sweep a TSan build.
package enum ThroughputSweep {
    /// What a sweep measures: the two refs and the mutex baseline.
    package enum Contender: String, CaseIterable, Codable, Sendable {
        case cacheAware = "cache-aware"
        case plain = "plain"
        case mutex = "mutex"
    }

    /// One worker count's figures.
    package struct Point: Codable, Sendable {
        /// Threads doing pairs at once.
        package var workers: Int
        /// Million pairs per second, per contender.
        package var millionPairsPerSecond: [String: Double]
    }

    /// Runs the sweep, calling `progress` after each point.
    package static func run(maxWorkers: Int, secondsPerPoint: Double, progress: (Point) -> Void) -> [Point] {
        var points: [Point] = []
        for workers in 1...maxWorkers {
            var point = Point(workers: workers, millionPairsPerSecond: [:])
            for contender in Contender.allCases {
                point.millionPairsPerSecond[contender.rawValue] = measure(
                    contender, workers: workers, seconds: secondsPerPoint)
            }
            points.append(point)
            progress(point)
        }
        return points
    }

    /// Million pairs per second with `workers` threads on one shared ref or mutex.
    static func measure(_ contender: Contender, workers: Int, seconds: Double) -> Double {
        let stop = UnsafeMutablePointer<Atomic<Bool>>.allocate(capacity: 1)
        stop.initialize(to: Atomic(false))
        let started = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: 1)
        started.initialize(to: Atomic(0))
        let totals = UnsafeMutablePointer<UInt64>.allocate(capacity: workers * 16)
        totals.initialize(repeating: 0, count: workers * 16)
        let cacheAware = CacheAwareRundownRef(poolType: .nonPaged, tag: "Swep")!
        let plain = RundownRef()
        let mutex = Mutex<UInt64>(0)
        defer {
            stop.deallocate()
            started.deallocate()
            totals.deallocate()
        }
        let body: (Int) -> Void = { w in
            // Relaxed flags: they only start and stop the loops; the pairs' own orderings are what is measured.
            started.pointee.wrappingAdd(1, ordering: .relaxed)
            while started.pointee.load(ordering: .relaxed) < workers {}
            var pairs: UInt64 = 0
            switch contender {
            case .cacheAware:
                while !stop.pointee.load(ordering: .relaxed) {
                    for _ in 0..<256 where cacheAware.acquire() { cacheAware.release() }
                    pairs &+= 256
                }
            case .plain:
                while !stop.pointee.load(ordering: .relaxed) {
                    for _ in 0..<256 where plain.acquire() { plain.release() }
                    pairs &+= 256
                }
            case .mutex:
                while !stop.pointee.load(ordering: .relaxed) {
                    for _ in 0..<256 { mutex.withLock { $0 &+= 1 } }
                    pairs &+= 256
                }
            }
            totals[w * 16] = pairs
        }
        let threads = (0..<workers).map { w in SpawnedThread(name: "sweep \(w)") { body(w) } }
        while started.pointee.load(ordering: .relaxed) < workers { rundown_soak_sleep_ns(100_000) }
        let begin = rundown_soak_now_ns()
        rundown_soak_sleep_ns(UInt64(seconds * 1e9))
        stop.pointee.store(true, ordering: .relaxed)
        for thread in threads { thread.join() }
        let elapsed = Double(rundown_soak_now_ns() - begin) / 1e9
        var sum: UInt64 = 0
        for w in 0..<workers { sum &+= totals[w * 16] }
        cacheAware.waitForRelease()
        return Double(sum) / elapsed / 1e6
    }

    /// The sweep as a Markdown table: pairs per second per contender and the cache-aware ref's
    /// ratio to the plain ref and to the mutex.
    package static func markdownTable(_ points: [Point]) -> String {
        var lines = [
            "| workers | cache-aware (M pairs/s) | plain (M pairs/s) | mutex (M pairs/s) | cache-aware / plain | cache-aware / mutex |",
            "|---:|---:|---:|---:|---:|---:|",
        ]
        for point in points {
            let c = point.millionPairsPerSecond["cache-aware"] ?? 0
            let p = point.millionPairsPerSecond["plain"] ?? 0
            let m = point.millionPairsPerSecond["mutex"] ?? 0
            lines.append(
                String(
                    format: "| %d | %.1f | %.1f | %.1f | %.2fx | %.2fx |", point.workers, c, p, m, c / max(p, 1e-9),
                    c / max(m, 1e-9)))
        }
        return lines.joined(separator: "\n")
    }
}
