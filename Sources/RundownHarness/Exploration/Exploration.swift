/// Runs a schedule source over a program until it fails or a budget runs out: a strategy's
/// sampled schedules, or the bounded search's enumeration. The first failure comes back with
/// the bytes that replay it.
package enum Exploration {
    /// The first failing schedule.
    package struct Finding: Sendable {
        /// Which schedule failed (1 for the first).
        package var schedule: Int
        package var failure: Failure
        /// The schedule bytes that replay the failing run.
        package var bytes: [UInt8]
        /// The reads-from bytes that replay it (a weak-memory run); nil for a sequentially
        /// consistent run.
        package var readsFrom: [UInt8]?
    }

    /// What an exploration did.
    package struct Report: Sendable {
        /// The schedules run.
        package var schedules: Int
        package var finding: Finding?
        package var seconds: Double
        /// Bounded search only: every schedule within the bound was run.
        package var exhausted: Bool
        /// Schedules per second.
        package var rate: Double { seconds > 0 ? Double(schedules) / seconds : 0 }
    }

    /// A progress report: schedules so far and seconds elapsed (called about once a second).
    package typealias Progress = (_ schedules: Int, _ seconds: Double) -> Void

    /// Samples schedules of `run` from `strategy` until the first failure, `maxSchedules`
    /// schedules or `seconds` seconds.
    package static func sample(
        _ run: (any ScheduleStrategy) -> RuntimeOutcome, strategy: any ScheduleStrategy, maxSchedules: Int,
        seconds: Double? = nil, progress: Progress? = nil
    ) -> Report {
        var meter = Meter(seconds: seconds, progress: progress)
        var schedules = 0
        while schedules < maxSchedules && !meter.expired {
            let outcome = run(strategy)
            schedules += 1
            if let failure = outcome.failure {
                return Report(
                    schedules: schedules,
                    finding: Finding(
                        schedule: schedules, failure: failure, bytes: outcome.schedule, readsFrom: outcome.readsFrom),
                    seconds: meter.elapsed, exhausted: false)
            }
            meter.tick(schedules)
        }
        return Report(schedules: schedules, finding: nil, seconds: meter.elapsed, exhausted: false)
    }

    /// Runs every schedule of `run` with at most `bound` preemptions (``BoundedSearch``; in a
    /// weak-memory run stale reads count too) until the first failure, `maxSchedules` schedules
    /// or `seconds` seconds. `run` takes the schedule and reads-from streams (a sequentially
    /// consistent run makes no reads-from choice, so its stream stays empty) and the log to
    /// record its decisions in.
    package static func bounded(
        _ run: (_ schedule: [UInt8], _ readsFrom: [UInt8], _ decisions: DecisionLog) -> RuntimeOutcome, bound: Int,
        maxSchedules: Int, seconds: Double? = nil, progress: Progress? = nil
    ) -> Report {
        var meter = Meter(seconds: seconds, progress: progress)
        var search = BoundedSearch(bound: bound)
        var last: [DecisionLog.Decision]?
        var schedules = 0
        while let (schedule, readsFrom) = search.next(after: last) {
            if schedules >= maxSchedules || meter.expired {
                return Report(schedules: schedules, finding: nil, seconds: meter.elapsed, exhausted: false)
            }
            let log = DecisionLog()
            let outcome = run(schedule, readsFrom, log)
            schedules += 1
            if let failure = outcome.failure {
                func bytes(_ stream: DecisionLog.Stream) -> [UInt8] {
                    log.decisions.filter { $0.stream == stream }.map { UInt8($0.position) }
                }
                let finding = Finding(
                    schedule: schedules, failure: failure, bytes: bytes(.schedule),
                    readsFrom: outcome.readsFrom.map { _ in bytes(.readsFrom) })
                return Report(schedules: schedules, finding: finding, seconds: meter.elapsed, exhausted: false)
            }
            last = log.decisions
            meter.tick(schedules)
        }
        return Report(schedules: schedules, finding: nil, seconds: meter.elapsed, exhausted: true)
    }

    /// Elapsed time, the time budget and the once-a-second progress call.
    private struct Meter {
        let start = ContinuousClock.now
        let seconds: Double?
        let progress: Progress?
        var lastReport = 0.0

        init(seconds: Double?, progress: Progress?) {
            self.seconds = seconds
            self.progress = progress
        }

        var elapsed: Double {
            let duration = ContinuousClock.now - start
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }

        var expired: Bool { seconds.map { elapsed >= $0 } ?? false }

        mutating func tick(_ schedules: Int) {
            guard let progress, schedules % 64 == 0 else { return }
            let now = elapsed
            if now - lastReport >= 1 {
                lastReport = now
                progress(schedules, now)
            }
        }
    }
}
