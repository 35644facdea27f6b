/// What a soak run reports: the parameters, one sample per statistics interval, the totals and
/// the verdict. Printed for people and written as JSON (`--json`) for dashboards; the JSON
/// follows `docs/soak-summary.schema.json`.
package struct SoakSummary: Codable, Sendable {
    /// Bumped when a field changes meaning or goes away (adding fields keeps the version).
    package static let currentSchemaVersion = 1

    /// How the run ended.
    package enum Verdict: String, Codable, Sendable {
        case success = "SUCCESS"
        case failure = "FAILURE"
        case interrupted = "INTERRUPTED"
    }

    /// One statistics line.
    package struct Interval: Codable, Sendable {
        /// When the sample was taken, seconds since the start.
        package var atSeconds: Double
        /// Successful acquires per second, all workers, over the interval.
        package var acquiresPerSecond: Double
        /// The slowest and the fastest worker's successful acquires per second.
        package var slowestWorkerAcquiresPerSecond: Double
        package var fastestWorkerAcquiresPerSecond: Double
        /// Acquires refused in the interval (the ref was being run down).
        package var failedAcquires: UInt64
        /// Owner cycles (wait, check, retire, reinitialise) completed in the interval.
        package var cycles: UInt64
        /// Wait latency of the interval's waits (HdrHistogram, 3 significant digits).
        package var waitP50Microseconds: Double
        package var waitP99Microseconds: Double
        package var waitMaxMicroseconds: Double
        /// Resident set size at the sample.
        package var residentBytes: UInt64
        /// False when the slowest worker made under a tenth of the fastest one's attempts.
        package var fair: Bool
    }

    /// Counts over the whole run.
    package struct Totals: Codable, Sendable {
        package var acquires: UInt64
        package var failedAcquires: UInt64
        package var cycles: UInt64
        package var crossCPUReleases: UInt64
        package var longHolds: UInt64
        package var stutters: UInt64
        package var shuffles: UInt64
        package var perWorkerAcquires: [UInt64]
    }

    /// Wait latency over the whole run.
    package struct WaitLatency: Codable, Sendable {
        package var count: UInt64
        package var p50Microseconds: Double
        package var p99Microseconds: Double
        package var maxMicroseconds: Double
    }

    /// Resident memory over the run, for the flatness check.
    package struct ResidentMemory: Codable, Sendable {
        /// The sample nearest one minute into the run (nil for runs shorter than a minute).
        package var atOneMinuteBytes: UInt64?
        package var lastBytes: UInt64
        package var maxBytes: UInt64
        /// Whether the last sample is within 10% of the one-minute sample (nil without one).
        package var flat: Bool?
    }

    package var schemaVersion = SoakSummary.currentSchemaVersion
    package var tool = "rundown-soak"
    package var verdict: Verdict
    /// The process's exit status for this verdict (0, 1, or 128 + the stop signal).
    package var exitStatus: Int32
    /// The first failure (nil unless the verdict is FAILURE).
    package var failure: SoakFailure?
    /// The stop signal's name when a signal ended the run ("SIGINT", "SIGTERM").
    package var signal: String?
    /// The configuration the run used.
    package var parameters: SoakConfiguration
    /// CPUs the process could use.
    package var cpus: Int
    /// What captured stacks ("libunwind" or "glibc backtrace()").
    package var unwinder: String
    package var elapsedSeconds: Double
    package var totals: Totals
    package var waitLatency: WaitLatency
    package var residentMemory: ResidentMemory
    package var intervals: [Interval]
}
