/// What a soak run reports: the parameters, one sample per statistics interval, the totals and
/// the verdict. Printed for people and written as JSON (`--json`) for dashboards; the JSON
/// follows `docs/soak-summary.schema.json`.
public struct SoakSummary: Codable, Sendable {
    /// Bumped when a field changes meaning or goes away (adding fields keeps the version).
    public static let currentSchemaVersion = 1

    /// How the run ended.
    public enum Verdict: String, Codable, Sendable {
        case success = "SUCCESS"
        case failure = "FAILURE"
        case interrupted = "INTERRUPTED"
    }

    /// One statistics line.
    public struct Interval: Codable, Sendable {
        /// When the sample was taken, seconds since the start.
        public var atSeconds: Double
        /// Successful acquires per second, all workers, over the interval.
        public var acquiresPerSecond: Double
        /// The slowest and the fastest worker's successful acquires per second.
        public var slowestWorkerAcquiresPerSecond: Double
        public var fastestWorkerAcquiresPerSecond: Double
        /// Acquires refused in the interval (the ref was being run down).
        public var failedAcquires: UInt64
        /// Owner cycles (wait, check, retire, reinitialise) completed in the interval.
        public var cycles: UInt64
        /// Wait latency of the interval's waits (HdrHistogram, 3 significant digits).
        public var waitP50Microseconds: Double
        public var waitP99Microseconds: Double
        public var waitMaxMicroseconds: Double
        /// Resident set size at the sample.
        public var residentBytes: UInt64
        /// False when the slowest worker made under a tenth of the fastest one's attempts.
        public var fair: Bool
    }

    /// Counts over the whole run.
    public struct Totals: Codable, Sendable {
        public var acquires: UInt64
        public var failedAcquires: UInt64
        public var cycles: UInt64
        public var crossCPUReleases: UInt64
        public var longHolds: UInt64
        public var stutters: UInt64
        public var shuffles: UInt64
        public var perWorkerAcquires: [UInt64]
    }

    /// Wait latency over the whole run.
    public struct WaitLatency: Codable, Sendable {
        public var count: UInt64
        public var p50Microseconds: Double
        public var p99Microseconds: Double
        public var maxMicroseconds: Double
    }

    /// Resident memory over the run, for the flatness check.
    public struct ResidentMemory: Codable, Sendable {
        /// The sample nearest one minute into the run (nil for runs shorter than a minute).
        public var atOneMinuteBytes: UInt64?
        public var lastBytes: UInt64
        public var maxBytes: UInt64
        /// Whether the last sample is within 10% of the one-minute sample (nil without one).
        public var flat: Bool?
    }

    public var schemaVersion = SoakSummary.currentSchemaVersion
    public var tool = "rundown-soak"
    public var verdict: Verdict
    /// The process's exit status for this verdict (0, 1, or 128 + the stop signal).
    public var exitStatus: Int32
    /// The first failure (nil unless the verdict is FAILURE).
    public var failure: SoakFailure?
    /// The stop signal's name when a signal ended the run ("SIGINT", "SIGTERM").
    public var signal: String?
    /// The configuration the run used.
    public var parameters: SoakConfiguration
    /// CPUs the process could use.
    public var cpus: Int
    /// What captured stacks ("libunwind" or "glibc backtrace()").
    public var unwinder: String
    public var elapsedSeconds: Double
    public var totals: Totals
    public var waitLatency: WaitLatency
    public var residentMemory: ResidentMemory
    public var intervals: [Interval]
}
