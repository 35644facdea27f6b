import Foundation
import Histogram

/// The text a person reads: statistics lines, the progress line, the watchdog's report and
/// the verdict.
enum SoakReporter {
    /// Exit statuses: 0 SUCCESS, 1 FAILURE, 128 + the signal when a signal ended the run
    /// (130 for SIGINT, 143 for SIGTERM), as shells report a signal.
    static func exitStatus(_ verdict: SoakSummary.Verdict, signal: Int32) -> Int32 {
        switch verdict {
        case .success: 0
        case .failure: 1
        case .interrupted: 128 + signal
        }
    }

    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        default: "signal \(signal)"
        }
    }

    static func microseconds(_ histogram: Histogram<UInt64>, _ percentile: Double) -> Double {
        histogram.totalCount == 0 ? 0 : Double(histogram.valueAtPercentile(percentile)) / 1000
    }

    static func rate(_ perSecond: Double) -> String {
        switch perSecond {
        case 1e6...: String(format: "%.2f M/s", perSecond / 1e6)
        case 1e3...: String(format: "%.1f k/s", perSecond / 1e3)
        default: String(format: "%.0f /s", perSecond)
        }
    }

    static func duration(microseconds: Double) -> String {
        switch microseconds {
        case 1e6...: String(format: "%.2f s", microseconds / 1e6)
        case 1e3...: String(format: "%.2f ms", microseconds / 1e3)
        case 10...: String(format: "%.0f µs", microseconds)
        default: String(format: "%.1f µs", microseconds)
        }
    }

    static func bytes(_ bytes: UInt64) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }

    static func count(_ value: UInt64) -> String {
        let digits = Array(String(value))
        var out = ""
        for (i, digit) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }

    static func statisticsLine(_ interval: SoakSummary.Interval, attempts: [UInt64]) -> String {
        var line = String(format: "[%7.1f s] ", interval.atSeconds)
        line += "acquires \(rate(interval.acquiresPerSecond)) "
        line +=
            "(per worker \(rate(interval.slowestWorkerAcquiresPerSecond)) to \(rate(interval.fastestWorkerAcquiresPerSecond))), "
        line += "failed \(count(interval.failedAcquires)), cycles \(count(interval.cycles)), "
        line +=
            "wait p50 \(duration(microseconds: interval.waitP50Microseconds)) p99 \(duration(microseconds: interval.waitP99Microseconds)) "
        line += "max \(duration(microseconds: interval.waitMaxMicroseconds)), rss \(bytes(interval.residentBytes))"
        if interval.fair {
            line += ", fair"
        } else if let slowest = attempts.indices.min(by: { attempts[$0] < attempts[$1] }), let fastest = attempts.max(),
            fastest > 0
        {
            line += String(
                format: ", UNFAIR: worker %d made %.1f%% of the fastest worker's attempts", slowest,
                100 * Double(attempts[slowest]) / Double(fastest))
        }
        return line
    }

    static func progressLine(elapsed: Double, duration: Double, world: SoakWorld) -> String {
        let acquires = world.workerCounters.sum(WorkerWord.acquires), cycles = world.ownerCounters.sum(OwnerWord.cycles)
        let of = duration > 0 ? String(format: " / %.0f s", duration) : ""
        return String(format: "%.0f s%@: %@ acquires, %@ cycles", elapsed, of, count(acquires), count(cycles))
    }

    /// Who holds what when a wait hangs: the outstanding protections on the ref (with the stacks
    /// of their acquires in checked mode) and the state of every thread.
    static func watchdogReport(owner o: Int, cell: Int, waitedNs: UInt64, now: UInt64, world: SoakWorld) -> String {
        var lines = [
            String(
                format: "owner %d's wait on ref %d (%@) has not returned after %.1f s (timeout %.1f s).",
                o, cell, world.kinds[cell].soakName, Double(waitedNs) / 1e9, world.configuration.waitTimeoutSeconds)
        ]
        if world.configuration.checked {
            var holders: [(worker: Int, record: HolderRecord)] = []
            for (w, log) in world.holders.enumerated() { for record in log.snapshot { holders.append((w, record)) } }
            let onThisRef = holders.filter { $0.record.cell == cell }
            lines.append(
                onThisRef.isEmpty
                    ? "No worker's record shows an outstanding protection on ref \(cell): the count in the ref is wrong, or its waiter missed a wake-up."
                    : "Outstanding protections on ref \(cell) (checked mode records every acquire):")
            for (w, record) in onThisRef {
                lines.append(
                    String(
                        format: "  worker %d holds %d on ref %d (object cycle %llu) for %.1f s; acquired at:",
                        w, record.count, record.cell, record.cycle, seconds(since: record.sinceNs, now: now)))
                lines += record.stack.lines.map { "    " + $0 }
            }
            let elsewhere = holders.filter { $0.record.cell != cell }
            if !elsewhere.isEmpty {
                lines.append("Other outstanding protections:")
                for (w, record) in elsewhere {
                    lines.append(
                        String(
                            format: "  worker %d holds %d on ref %d for %.1f s", w, record.count, record.cell,
                            seconds(since: record.sinceNs, now: now)))
                }
            }
        } else {
            lines.append(
                "Run with --checked to record each acquire's call stack; this report then lists who still holds protection."
            )
        }
        lines += threadLines(now: now, world: world)
        return lines.joined(separator: "\n")
    }

    /// Seconds from `start` to `now`, 0 if `start` is later (a record made after `now` was read).
    static func seconds(since start: UInt64, now: UInt64) -> Double {
        now > start ? Double(now - start) / 1e9 : 0
    }

    /// A thread that made no progress for the wait timeout: what it is doing, and every thread's state.
    static func stuckReport(thread: String, stuckNs: UInt64, now: UInt64, world: SoakWorld) -> String {
        var lines = [
            String(
                format:
                    "%@ made no progress for %.1f s (timeout %.1f s): a loop in the library that never ends, or a lost thread.",
                thread, Double(stuckNs) / 1e9, world.configuration.waitTimeoutSeconds)
        ]
        lines += threadLines(now: now, world: world)
        return lines.joined(separator: "\n")
    }

    /// "Threads:" and one line per thread: its phase, ref, CPU and progress so far.
    static func threadLines(now: UInt64, world: SoakWorld) -> [String] {
        var lines: [String] = []
        lines.append("Threads:")
        for w in 0..<world.configuration.workers {
            let (phase, cell, cpu) = ThreadPhase.unpack(world.workerCounters.get(w, WorkerWord.state))
            let acquires = world.workerCounters.get(w, WorkerWord.acquires)
            lines.append("  worker \(w): \(phase) (ref \(cell), CPU \(cpu)), \(count(acquires)) acquires so far")
        }
        for owner in 0..<world.configuration.owners {
            let (phase, cell, _) = ThreadPhase.unpack(world.ownerCounters.get(owner, OwnerWord.state))
            let since = world.ownerCounters.get(owner, OwnerWord.waitStartNs)
            let waiting = since == 0 ? "" : String(format: " for %.1f s", seconds(since: since, now: now))
            lines.append(
                "  owner \(owner): \(phase)\(waiting) (ref \(cell)), \(count(world.ownerCounters.get(owner, OwnerWord.cycles))) cycles so far"
            )
        }
        return lines
    }

    static func verdictLines(_ summary: SoakSummary) -> [String] {
        var lines: [String] = []
        let t = summary.totals
        lines.append(
            String(
                format:
                    "totals: %@ acquires (%@ failed), %@ cycles, %@ cross-CPU releases, %@ long holds, %llu stutters, %llu shuffles in %.1f s",
                count(t.acquires), count(t.failedAcquires), count(t.cycles), count(t.crossCPUReleases),
                count(t.longHolds), t.stutters, t.shuffles, summary.elapsedSeconds))
        let w = summary.waitLatency
        lines.append(
            "wait latency: \(count(w.count)) waits, p50 \(duration(microseconds: w.p50Microseconds)), p99 \(duration(microseconds: w.p99Microseconds)), max \(duration(microseconds: w.maxMicroseconds))"
        )
        let m = summary.residentMemory
        if let atOneMinute = m.atOneMinuteBytes {
            let change = 100 * (Double(m.lastBytes) - Double(atOneMinute)) / Double(max(1, atOneMinute))
            lines.append(
                String(
                    format: "resident memory: %@ at one minute, %@ last (%+.1f%%), %@ max: %@", bytes(atOneMinute),
                    bytes(m.lastBytes), change, bytes(m.maxBytes),
                    m.flat == true ? "flat" : "NOT FLAT (more than 10% away)"))
        } else {
            lines.append(
                "resident memory: \(bytes(m.lastBytes)) last, \(bytes(m.maxBytes)) max (run shorter than a minute: no flatness check)"
            )
        }
        switch summary.verdict {
        case .success:
            lines.append("SUCCESS")
        case .interrupted:
            lines.append(
                "INTERRUPTED by \(summary.signal ?? "a signal") (exit status \(summary.exitStatus)): no failure seen before the stop"
            )
        case .failure:
            let f = summary.failure!
            lines.append(String(format: "FAILURE (%@) after %.2f s: %@", f.kind.rawValue, f.atSeconds, f.message))
        }
        return lines
    }
}
