import RundownTestKit

/// A decoded test program: refs, logical threads and what each calls.
///
/// Thread 0 is the owner: it creates the refs and their protected objects, waits, completes,
/// reinitialises and finally tears everything down. The other threads are workers: they
/// acquire, touch the protected object and release. The runner skips a worker's operations on
/// a ref between a failed acquire and its next acquire (the object must be treated as gone).
package struct Program: Equatable, Sendable {
    /// How the refs are made (the raw values are the input format's).
    package typealias RefKind = RundownTestKit.RefKind

    /// One call, by one logical thread, on ref `ref`.
    package enum Operation: Equatable, Sendable, CustomStringConvertible {
        case create(ref: Int)
        case acquire(ref: Int, count: Int)
        case release(ref: Int, count: Int)
        case touch(ref: Int)
        case wait(ref: Int)
        case completed(ref: Int)
        case reinitialize(ref: Int)
        case destroy(ref: Int)
        /// Misuse programs only: initialise a ref again, possibly with too few bytes.
        case initializeAgain(ref: Int, tooSmall: Bool)

        package var ref: Int {
            switch self {
            case let .create(ref), let .acquire(ref, _), let .release(ref, _), let .touch(ref), let .wait(ref),
                let .completed(ref), let .reinitialize(ref), let .destroy(ref), let .initializeAgain(ref, _):
                return ref
            }
        }

        package var description: String {
            switch self {
            case let .create(ref): return "create r\(ref)"
            case let .acquire(ref, count): return "acquire r\(ref) x\(count)"
            case let .release(ref, count): return "release r\(ref) x\(count)"
            case let .touch(ref): return "touch r\(ref)"
            case let .wait(ref): return "wait r\(ref)"
            case let .completed(ref): return "completed r\(ref)"
            case let .reinitialize(ref): return "reinit r\(ref)"
            case let .destroy(ref): return "destroy r\(ref)"
            case let .initializeAgain(ref, tooSmall): return "init-again r\(ref)\(tooSmall ? " (too small)" : "")"
            }
        }
    }

    package var refKind: RefKind
    /// Number of CPU slots of a cache-aware ref (the controlled platform's CPU count).
    package var cpus: Int
    /// Number of refs (each with its own protected object).
    package var refCount: Int
    /// Thread 0 is the owner; the rest are workers.
    package var threads: [[Operation]]
    /// Allocation number (1-based, counting the harness's pool allocations) that fails, if any.
    package var failingAllocation: Int?

    package init(refKind: RefKind, cpus: Int, refCount: Int, threads: [[Operation]], failingAllocation: Int? = nil) {
        self.refKind = refKind
        self.cpus = cpus
        self.refCount = refCount
        self.threads = threads
        self.failingAllocation = failingAllocation
    }

    /// A listing a person can read.
    package var listing: String {
        var lines = [
            "program: \(refKind) refs x\(refCount), \(cpus) CPU slot(s), \(threads.count) thread(s)"
                + (failingAllocation.map { ", allocation #\($0) fails" } ?? "")
        ]
        for (index, ops) in threads.enumerated() {
            let role = index == 0 ? "owner " : "worker"
            lines.append(
                "  T\(index) \(role): " + (ops.isEmpty ? "(nothing)" : ops.map(\.description).joined(separator: "; ")))
        }
        return lines.joined(separator: "\n")
    }
}
