import Rundown

/// Why a run failed: each a distinct, named finding.
package enum Failure: Equatable, Sendable, CustomStringConvertible {
    /// No logical thread can run while `unfinished` of `threads` have not finished: who is
    /// blocked (`blocked`), and on what (`waits`, one line per blocked thread).
    case deadlock(blocked: [Int], waits: [String], unfinished: Int, threads: Int)
    /// The step bound was reached: a livelock, or a schedule that never lets a thread finish.
    case livelock(steps: Int)
    /// The reference model or an invariant disagrees with what the implementation did.
    case oracle(thread: Int, what: String)
    /// The library reported a misuse the program did not commit.
    case unexpectedMisuse(thread: Int, RundownMisuse)
    /// A misuse program: the library reported another misuse than the one committed.
    case wrongMisuse(thread: Int, expected: RundownMisuse, reported: RundownMisuse)
    /// A misuse program: the library let a misuse pass without a report.
    case missedMisuse(thread: Int, expected: RundownMisuse)
    /// Memory accounted to the harness's pool tag is still outstanding after teardown: its
    /// usage before the run and after.
    case leak(before: PoolUsage, after: PoolUsage)
    /// Thread `thread` accessed `owner`'s stack outside a wait block that `owner` had published
    /// and whose wait had not returned, or (`owner` nil) drained a wait block that no wait
    /// published (see ``WaitBlockLifetime``).
    case waitBlockLifetime(thread: Int, owner: Int?, what: String)
    /// Weak-memory mode: two accesses to plain memory (a protected object, a wait block) that
    /// happens-before does not order (see ``PlainMemoryOracle``).
    case unordered(thread: Int, what: String)
    /// A runtime program's assertion `name` did not hold on thread `thread` (``Runtime/check(_:_:)``).
    case assertion(thread: Int, name: String)

    /// A short stable name (used in reports and tables).
    package var name: String {
        switch self {
        case .deadlock: return "deadlock"
        case .livelock: return "livelock"
        case .oracle: return "oracle"
        case .unexpectedMisuse: return "unexpected-misuse"
        case .wrongMisuse: return "wrong-misuse"
        case .missedMisuse: return "missed-misuse"
        case .leak: return "leak"
        case .waitBlockLifetime: return "wait-block-lifetime"
        case .unordered: return "unordered-access"
        case .assertion: return "assertion"
        }
    }

    package var description: String {
        switch self {
        case let .deadlock(_, waits, unfinished, threads):
            return "DEADLOCK: 0 threads can run while \(unfinished) of \(threads) have not finished; blocked: "
                + waits.joined(separator: ", ")
        case let .livelock(steps):
            return
                "LIVELOCK: the run went past the step bound of \(steps) scheduling points without every thread finishing"
        case let .oracle(thread, what):
            return "ORACLE (T\(thread)): \(what)"
        case let .unexpectedMisuse(thread, misuse):
            return
                "UNEXPECTED MISUSE REPORT (T\(thread)): reported \(misuse), but the call commits none (the model expected no report)"
        case let .wrongMisuse(thread, expected, reported):
            return "WRONG MISUSE (T\(thread)): committed \(expected), reported \(reported)"
        case let .missedMisuse(thread, expected):
            return "MISSED MISUSE (T\(thread)): committed \(expected), nothing reported"
        case let .leak(before, after):
            return
                "LEAK: the harness's pool tag held \(before) before the run and \(after) after teardown (expected the same)"
        case let .waitBlockLifetime(_, _, what):
            return "WAIT-BLOCK LIFETIME: \(what)"
        case let .unordered(_, what):
            return "UNORDERED ACCESS (weak memory): \(what)"
        case let .assertion(thread, name):
            return "ASSERTION FAILED (T\(thread)): \(name)"
        }
    }
}
