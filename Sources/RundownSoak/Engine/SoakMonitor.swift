import Histogram
import _RundownShims
import _ToolShims

/// The main thread's side of a run: every tick it checks for a stop signal, a failure and the
/// end of the run, drives stutter and shuffle, runs the watchdog, and at every interval takes
/// a statistics sample and prints its line.
final class SoakMonitor {
    let world: SoakWorld
    let latencies: [OwnerLatencies]
    let output: SoakOutput
    let startNs: UInt64
    var configuration: SoakConfiguration { world.configuration }

    static let tickNs: UInt64 = 20_000_000

    private var intervals: [SoakSummary.Interval] = []
    private var total = Histogram<UInt64>(
        highestTrackableValue: 3_600_000_000_000, numberOfSignificantValueDigits: .three)
    private var lastWorkerAcquires: [UInt64]
    private var lastWorkerAttempts: [UInt64]
    private var lastFailed: UInt64 = 0
    private var lastCycles: UInt64 = 0
    private var lastSampleNs: UInt64
    private var residentMax: UInt64 = 0
    private var stutters: UInt64 = 0
    private var shuffles: UInt64 = 0
    private var endNs: UInt64 = 0
    /// Progress watch: each thread's last progress counter (a worker's attempts, an owner's
    /// cycles) and when it last changed.
    private var lastProgress: [UInt64]
    private var progressSinceNs: [UInt64]

    init(world: SoakWorld, latencies: [OwnerLatencies], output: SoakOutput, startNs: UInt64) {
        self.world = world
        self.latencies = latencies
        self.output = output
        self.startNs = startNs
        lastWorkerAcquires = Array(repeating: 0, count: world.configuration.workers)
        lastWorkerAttempts = lastWorkerAcquires
        lastSampleNs = startNs
        lastProgress = Array(repeating: 0, count: world.configuration.workers + world.configuration.owners)
        progressSinceNs = Array(repeating: startNs, count: lastProgress.count)
    }

    /// Watches until the run ends; returns the stop signal if one ended it.
    func watch() -> Int32 {
        let duration = UInt64(configuration.durationSeconds * 1e9)
        let interval = UInt64(configuration.statsIntervalSeconds * 1e9)
        let stutterPeriod = UInt64(configuration.stutterSeconds * 1e9)
        let shufflePeriod = UInt64(configuration.shuffleSeconds * 1e9)
        var nextSample = startNs + interval
        var nextStutter = startNs + stutterPeriod
        var stutterEnd: UInt64 = 0
        var nextShuffle = startNs + shufflePeriod
        var nextProgress = startNs + 500_000_000
        var signal: Int32 = 0

        while true {
            rundown_soak_sleep_ns(SoakMonitor.tickNs)
            let now = rundown_soak_now_ns()
            signal = rundown_soak_stop_signal()
            if signal != 0 || world.failures.failure != nil || (duration > 0 && now - startNs >= duration) { break }
            if let report = watchdog(now: now) {
                world.fail(.watchdog, report)
                break
            }
            if stutterPeriod > 0 {
                if stutterEnd == 0 && now >= nextStutter {
                    world.control.set(0, SoakWorld.Control.paused, 1)
                    stutterEnd = now + stutterPeriod / 10
                    nextStutter += stutterPeriod
                    stutters += 1
                } else if stutterEnd != 0 && now >= stutterEnd {
                    world.control.set(0, SoakWorld.Control.paused, 0)
                    stutterEnd = 0
                }
            }
            if shufflePeriod > 0 && now >= nextShuffle {
                world.control.set(
                    0, SoakWorld.Control.shuffleEpoch, world.control.get(0, SoakWorld.Control.shuffleEpoch) + 1)
                shuffles += 1
                nextShuffle = now + shufflePeriod
            }
            if now >= nextSample {
                sample(now: now)
                nextSample += interval
            }
            if let progress = output.progress, now >= nextProgress {
                progress(
                    SoakReporter.progressLine(
                        elapsed: Double(now - startNs) / 1e9, duration: configuration.durationSeconds, world: world))
                nextProgress = now + 500_000_000
            }
        }
        world.control.set(0, SoakWorld.Control.paused, 0)
        endNs = rundown_soak_now_ns()
        if world.failures.failure == nil, endNs - lastSampleNs >= 1_000_000_000 { sample(now: endNs) }
        return signal
    }

    /// After the stop: keeps the watchdog on until every thread has left its loop (an owner's
    /// last wait can hang too), so that joining them cannot block forever.
    func watchWhileStopping(threads: Int) {
        while world.finishedThreads < threads && world.failures.failure == nil {
            rundown_soak_sleep_ns(SoakMonitor.tickNs)
            if let report = watchdog(now: rundown_soak_now_ns()) { world.fail(.watchdog, report) }
        }
    }

    /// A report if some owner's wait has run past the timeout, or some thread has made no
    /// progress for that long (a worker spinning in an acquire or release that never ends, an
    /// owner stuck outside a wait).
    func watchdog(now: UInt64) -> String? {
        let timeout = UInt64(configuration.waitTimeoutSeconds * 1e9)
        for o in 0..<configuration.owners {
            let since = world.ownerCounters.get(o, OwnerWord.waitStartNs)
            if since != 0 && now > since && now - since > timeout {
                let cell = ThreadPhase.unpack(world.ownerCounters.get(o, OwnerWord.state)).cell
                return SoakReporter.watchdogReport(owner: o, cell: cell, waitedNs: now - since, now: now, world: world)
            }
        }
        let workers = configuration.workers
        for t in 0..<lastProgress.count {
            let isWorker = t < workers
            let counters = isWorker ? world.workerCounters : world.ownerCounters
            let index = isWorker ? t : t - workers
            let value = counters.get(index, isWorker ? WorkerWord.attempts : OwnerWord.cycles)
            let phase = ThreadPhase.unpack(counters.get(index, isWorker ? WorkerWord.state : OwnerWord.state)).phase
            // Parked (stutter), finished, or an owner in a wait (the check above) is not stuck.
            let excused =
                phase == .parked || phase == .finished
                || (!isWorker && world.ownerCounters.get(index, OwnerWord.waitStartNs) != 0)
            if value != lastProgress[t] || excused {
                lastProgress[t] = value
                progressSinceNs[t] = now
            } else if now > progressSinceNs[t] && now - progressSinceNs[t] > timeout {
                return SoakReporter.stuckReport(
                    thread: isWorker ? "worker \(index)" : "owner \(index)",
                    stuckNs: now - progressSinceNs[t], now: now, world: world)
            }
        }
        return nil
    }

    /// Takes a statistics sample and prints its line.
    func sample(now: UInt64) {
        let seconds = Double(now - lastSampleNs) / 1e9
        var perWorker: [Double] = []
        var attempts: [UInt64] = []
        var acquires: UInt64 = 0, failed: UInt64 = 0
        for w in 0..<configuration.workers {
            let a = world.workerCounters.get(w, WorkerWord.acquires)
            let t = world.workerCounters.get(w, WorkerWord.attempts)
            perWorker.append(Double(a &- lastWorkerAcquires[w]) / seconds)
            attempts.append(t &- lastWorkerAttempts[w])
            acquires &+= a &- lastWorkerAcquires[w]
            lastWorkerAcquires[w] = a
            lastWorkerAttempts[w] = t
            failed &+= world.workerCounters.get(w, WorkerWord.failedAcquires)
        }
        let cycles = world.ownerCounters.sum(OwnerWord.cycles)
        var waits = Histogram<UInt64>(highestTrackableValue: 3_600_000_000_000, numberOfSignificantValueDigits: .three)
        for owner in latencies { waits.add(owner.drain()) }
        total.add(waits)
        let resident = rundown_soak_resident_bytes()
        residentMax = max(residentMax, resident)
        let slowest = attempts.min() ?? 0, fastest = attempts.max() ?? 0
        let interval = SoakSummary.Interval(
            atSeconds: Double(now - startNs) / 1e9, acquiresPerSecond: Double(acquires) / seconds,
            slowestWorkerAcquiresPerSecond: perWorker.min() ?? 0, fastestWorkerAcquiresPerSecond: perWorker.max() ?? 0,
            failedAcquires: failed &- lastFailed, cycles: cycles &- lastCycles,
            waitP50Microseconds: SoakReporter.microseconds(waits, 50),
            waitP99Microseconds: SoakReporter.microseconds(waits, 99),
            waitMaxMicroseconds: waits.totalCount == 0 ? 0 : Double(waits.max) / 1000,
            residentBytes: resident, fair: slowest * 10 >= fastest)
        lastFailed = failed
        lastCycles = cycles
        lastSampleNs = now
        intervals.append(interval)
        output.line(SoakReporter.statisticsLine(interval, attempts: attempts))
    }

    /// The summary of the run so far.
    func summary(failure: SoakFailure?, signal: Int32) -> SoakSummary {
        let workers = world.workerCounters
        let totals = SoakSummary.Totals(
            acquires: workers.sum(WorkerWord.acquires), failedAcquires: workers.sum(WorkerWord.failedAcquires),
            cycles: world.ownerCounters.sum(OwnerWord.cycles),
            crossCPUReleases: workers.sum(WorkerWord.crossCPUReleases),
            longHolds: workers.sum(WorkerWord.longHolds), stutters: stutters, shuffles: shuffles,
            perWorkerAcquires: (0..<configuration.workers).map { workers.get($0, WorkerWord.acquires) })
        for owner in latencies { total.add(owner.drain()) }
        let oneMinute = intervals.min { abs($0.atSeconds - 60) < abs($1.atSeconds - 60) }.flatMap {
            $0.atSeconds >= 55 ? $0 : nil
        }
        let last = intervals.last?.residentBytes ?? rundown_soak_resident_bytes()
        let flat = oneMinute.map {
            Double(last) <= Double($0.residentBytes) * 1.1 && Double(last) >= Double($0.residentBytes) * 0.9
        }
        let verdict: SoakSummary.Verdict = failure != nil ? .failure : (signal != 0 ? .interrupted : .success)
        return SoakSummary(
            verdict: verdict, exitStatus: SoakReporter.exitStatus(verdict, signal: signal), failure: failure,
            signal: signal == 0 ? nil : SoakReporter.signalName(signal), parameters: configuration, cpus: world.cpus,
            unwinder: StackTrace.unwinder,
            elapsedSeconds: Double((endNs == 0 ? rundown_soak_now_ns() : endNs) - startNs) / 1e9,
            totals: totals,
            waitLatency: SoakSummary.WaitLatency(
                count: total.totalCount, p50Microseconds: SoakReporter.microseconds(total, 50),
                p99Microseconds: SoakReporter.microseconds(total, 99),
                maxMicroseconds: total.totalCount == 0 ? 0 : Double(total.max) / 1000),
            residentMemory: SoakSummary.ResidentMemory(
                atOneMinuteBytes: oneMinute?.residentBytes, lastBytes: last, maxBytes: max(residentMax, last),
                flat: flat),
            intervals: intervals)
    }
}
