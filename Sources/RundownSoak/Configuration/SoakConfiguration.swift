import Rundown
import _ToolShims

/// Every knob of a soak run. The defaults follow the kernel's torture tests: twice as many
/// workers as CPUs, a statistics line at a fixed interval, stutter and shuffle on.
package struct SoakConfiguration: Sendable, Codable, Equatable {
    /// Worker threads that acquire, use and release.
    package var workers: Int
    /// Owner threads that publish objects, wait for rundown and retire or reuse them.
    package var owners: Int
    /// Refs (each with its object) per owner; an owner cycles through its refs in turn.
    package var refsPerOwner: Int
    /// How long to run, in seconds (0: until stopped by a signal).
    package var durationSeconds: Double
    /// Seed of every random choice (workers' and owners' generators derive from it).
    package var seed: UInt64
    /// The implementation or negative control (see ``SoakImplementation/allNames``).
    package var implementation: String
    /// Seconds between stutters (all workers pause for a tenth of it); 0 turns stutter off.
    package var stutterSeconds: Double
    /// Seconds between shuffles (workers move so that one CPU idles in turn); 0 turns it off.
    package var shuffleSeconds: Double
    /// Share of protections released on another CPU than they were acquired on (0...1).
    package var crossCPUReleaseShare: Double
    /// One protection in this many is held for ``longHoldMicroseconds`` (0: never).
    package var longHoldEvery: Int
    /// How long a long hold lasts, in microseconds.
    package var longHoldMicroseconds: Int
    /// Share of acquires that take more than one protection at once (the Ex routines).
    package var exShare: Double
    /// The largest count an Ex acquire takes (at least 2).
    package var maxExCount: Int
    /// Mean time an owner leaves a ref open before it waits, in microseconds.
    package var openMicroseconds: Int
    /// A wait that has not returned after this many seconds is a watchdog FAILURE.
    package var waitTimeoutSeconds: Double
    /// Seconds between statistics lines.
    package var statsIntervalSeconds: Double
    /// Record each acquire's call stack, so that the watchdog can show who holds protection.
    package var checked: Bool
    /// Delay one operation of the platform seam in this many (a power of two; 0 runs the
    /// production platform itself, without jitter). See ``JitterPlatform``.
    package var jitter: Int

    /// The defaults for a machine with `cpus` CPUs.
    package static func defaults(cpus: Int = Int(rundown_allowed_cpu_count())) -> SoakConfiguration {
        SoakConfiguration(
            workers: 2 * max(1, cpus), owners: max(2, cpus / 2), refsPerOwner: 2, durationSeconds: 60, seed: 1,
            implementation: "mixed", stutterSeconds: 5, shuffleSeconds: 3, crossCPUReleaseShare: 0.1,
            longHoldEvery: 2000, longHoldMicroseconds: 5000, exShare: 0.1, maxExCount: 8, openMicroseconds: 200,
            waitTimeoutSeconds: 10, statsIntervalSeconds: 10, checked: false, jitter: 64)
    }

    /// The implementation, parsed.
    package var parsedImplementation: SoakImplementation? { SoakImplementation(name: implementation) }

    /// What is wrong with this configuration, one line per problem, each naming the
    /// command-line option that sets the value (empty when it can run).
    package var problems: [String] {
        var problems: [String] = []
        if parsedImplementation == nil {
            problems.append(
                "unknown --implementation '\(implementation)'; choose one of: \(SoakImplementation.allNames.joined(separator: ", "))"
            )
        }
        if workers < 1 || workers > 4096 { problems.append("--workers must be 1...4096 (got \(workers))") }
        if owners < 1 || owners > 1024 { problems.append("--owners must be 1...1024 (got \(owners))") }
        if refsPerOwner < 1 || refsPerOwner > 64 {
            problems.append("--refs-per-owner must be 1...64 (got \(refsPerOwner))")
        }
        for (option, value) in [
            ("--duration", durationSeconds), ("--stutter", stutterSeconds), ("--shuffle", shuffleSeconds),
            ("--wait-timeout", waitTimeoutSeconds), ("--stats-interval", statsIntervalSeconds),
        ]
        where !value.isFinite || value > 1e9 {
            problems.append("\(option) must be a finite number of seconds up to 1e9 (got \(Self.number(value)))")
        }
        if durationSeconds < 0 {
            problems.append(
                "--duration must be 0 (until stopped) or more seconds (got \(Self.number(durationSeconds)))")
        }
        if stutterSeconds < 0 {
            problems.append("--stutter must be 0 (off) or more seconds (got \(Self.number(stutterSeconds)))")
        }
        if shuffleSeconds < 0 {
            problems.append("--shuffle must be 0 (off) or more seconds (got \(Self.number(shuffleSeconds)))")
        }
        if !(0...1).contains(crossCPUReleaseShare) {
            problems.append(
                "--cross-cpu-release must be a share from 0 to 1 (got \(Self.number(crossCPUReleaseShare)))")
        }
        if longHoldEvery < 0 { problems.append("--long-hold-every must be 0 (never) or more (got \(longHoldEvery))") }
        if longHoldMicroseconds < 0 || longHoldMicroseconds > 10_000_000 {
            problems.append("--long-hold-us must be 0...10,000,000 µs (got \(longHoldMicroseconds))")
        }
        if !(0...1).contains(exShare) {
            problems.append("--ex-share must be a share from 0 to 1 (got \(Self.number(exShare)))")
        }
        if maxExCount < 2 || maxExCount > 1 << 20 {
            problems.append("--max-ex-count must be 2...1,048,576 (got \(maxExCount))")
        }
        if openMicroseconds < 0 || openMicroseconds > 10_000_000 {
            problems.append("--open-us must be 0...10,000,000 µs (got \(openMicroseconds))")
        }
        if waitTimeoutSeconds <= 0 {
            problems.append("--wait-timeout must be more than 0 seconds (got \(Self.number(waitTimeoutSeconds)))")
        }
        if Double(longHoldMicroseconds) / 1e6 >= waitTimeoutSeconds {
            problems.append(
                "a long hold (--long-hold-us \(longHoldMicroseconds)) must be shorter than the wait timeout (--wait-timeout \(Self.number(waitTimeoutSeconds)) s)"
            )
        }
        if jitter < 0 || jitter > 65536 || (jitter != 0 && jitter & (jitter - 1) != 0) || jitter == 1 {
            problems.append("--jitter must be 0 (off) or a power of two from 2 to 65536 (got \(jitter))")
        }
        if statsIntervalSeconds <= 0 {
            problems.append("--stats-interval must be more than 0 seconds (got \(Self.number(statsIntervalSeconds)))")
        }
        return problems
    }

    /// `value` as a person typed it: whole numbers without ".0" (-5, not -5.0).
    package static func number(_ value: Double) -> String {
        value.isFinite && value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    /// The parameters as `name=value` pairs, in a fixed order, for the start and end banners.
    package var parameterLines: [(String, String)] {
        [
            ("implementation", implementation), ("workers", "\(workers)"), ("owners", "\(owners)"),
            ("refs-per-owner", "\(refsPerOwner)"),
            ("duration", durationSeconds == 0 ? "until stopped" : "\(durationSeconds) s"),
            ("seed", "\(seed)"), ("stutter", stutterSeconds == 0 ? "off" : "\(stutterSeconds) s"),
            ("shuffle", shuffleSeconds == 0 ? "off" : "\(shuffleSeconds) s"),
            ("cross-cpu-release", "\(crossCPUReleaseShare)"),
            ("long-hold", longHoldEvery == 0 ? "off" : "1 in \(longHoldEvery) for \(longHoldMicroseconds) µs"),
            ("ex", "share \(exShare), counts up to \(maxExCount)"), ("open", "\(openMicroseconds) µs"),
            ("wait-timeout", "\(waitTimeoutSeconds) s"), ("stats-interval", "\(statsIntervalSeconds) s"),
            ("checked", checked ? "on (acquire stacks recorded)" : "off"),
            ("jitter", jitter == 0 ? "off (the production platform itself)" : "1 seam operation in \(jitter)"),
            (
                "cache-aware path",
                CacheAwareRundownRef.fastPath ? "fast (rseq sections, membarrier)" : "compare-exchange (fast path off)"
            ),
        ]
    }
}
