import Rundown

/// What happened in a run, in order: the decisions the schedule made and what each logical
/// thread did. Two runs of the same input produce equal traces (the determinism check).
package enum TraceEvent: Equatable, Sendable {
    /// Thread `thread` reached a scheduling point before `kind` on a word of class `word`;
    /// `next` is the thread the schedule chose to run next.
    case point(thread: Int, kind: PointKind, word: WordClass, next: Int)
    /// The schedule placed thread `thread` on CPU slot `cpu`.
    case cpu(thread: Int, cpu: Int)
    /// Thread `thread` starts an operation of its program.
    case begin(thread: Int, Program.Operation)
    /// The operation finished: `result` is "true"/"false" for acquires, nil otherwise.
    case end(thread: Int, result: Bool?)
    /// The operation was skipped (its ref is gone, or its acquire failed).
    case skipped(thread: Int, Program.Operation)
    /// Thread `thread` went to sleep in a wait, and the schedule ran `next`.
    case blocked(thread: Int, next: Int)
    /// Thread `thread` was woken by `by`'s signal.
    case woken(thread: Int, by: Int)
    /// Thread `thread` finished its program.
    case finished(thread: Int)
    /// The library reported a misuse on thread `thread`.
    case misuse(thread: Int, RundownMisuse)
    /// Weak-memory mode: thread `thread` read `location` from thread `from`'s store number
    /// `store` (-1 and 0: the value the location held before the run), `behind` stores older
    /// than the newest; `synchronised` when the read acquired a release (its clock joined).
    case read(ReadRecord)
    /// Weak-memory mode: thread `thread` did `access` to ref `ref`'s protected object (plain memory).
    case object(thread: Int, ref: Int, access: ObjectAccess)
    /// Weak-memory mode: thread `thread`'s store of `value` to `location` took its place behind
    /// a newer store in the modification order (memory keeps the newer value).
    case placed(thread: Int, location: LocationLabel, value: UInt)
}

/// Which store a weak-memory load read, packed small (a trace holds hundreds of events).
package struct ReadRecord: Equatable, Sendable {
    /// The reading thread.
    package var thread: UInt8
    package var location: LocationLabel
    /// The storing thread, -1 for the value the location held before the run.
    package var from: Int8
    /// The store's number among the location's stores, in the order they ran.
    package var store: UInt16
    /// How many newer stores the history held.
    package var behind: UInt8
    package var acquiring: Bool
    /// Whether the read acquired a release (the reader's clock joined the store's).
    package var synchronised: Bool
}

/// What a thread did to a protected object (plain memory), as the weak-memory trace shows it.
package enum ObjectAccess: Sendable, CustomStringConvertible {
    case initialise, touch, free

    package var description: String {
        switch self {
        case .initialise: return "initialises"
        case .touch: return "touches"
        case .free: return "frees"
        }
    }
}

/// Renders a trace with one column per logical thread and each event on its own line.
package enum TraceRenderer {
    static let width = 30

    package static func render(_ trace: [TraceEvent], threads: Int) -> String {
        var lines: [String] = []
        var header = "step  "
        for thread in 0..<threads {
            header += pad(thread == 0 ? "T0 owner" : "T\(thread) worker")
        }
        lines.append(header.trimmingTrailingSpaces())
        lines.append(String(repeating: "-", count: 6 + width * threads))
        for (step, event) in trace.enumerated() {
            let (thread, text) = cell(event)
            var line = String(step).leftPadded(to: 4) + "  "
            for column in 0..<threads {
                // A read's account is long: it runs on into the (empty) columns to its right.
                if event.isLongAccount, column == thread {
                    line += text
                    break
                }
                line += column == thread ? pad(text) : pad("")
            }
            lines.append(line.trimmingTrailingSpaces())
        }
        return lines.joined(separator: "\n")
    }

    static func cell(_ event: TraceEvent) -> (Int, String) {
        switch event {
        case let .point(thread, kind, word, next):
            return (thread, "  \(kind) [\(word)]" + (next != thread ? " -> T\(next)" : ""))
        case let .cpu(thread, cpu): return (thread, "  on cpu \(cpu)")
        case let .begin(thread, op): return (thread, "> \(op)")
        case let .end(thread, result): return (thread, "< " + (result.map { $0 ? "true" : "false" } ?? "done"))
        case let .skipped(thread, op): return (thread, "~ skip \(op)")
        case let .blocked(thread, next): return (thread, "  zz sleeps -> T\(next)")
        case let .woken(thread, by): return (thread, "  woken by T\(by)")
        case let .finished(thread): return (thread, "= finished")
        case let .misuse(thread, misuse): return (thread, "! misuse: \(misuse)")
        case let .read(read):
            let source = read.from < 0 ? "the initial value" : "T\(read.from)'s store #\(read.store)"
            let age = read.behind == 0 ? "newest" : "\(read.behind) behind newest"
            let order =
                !read.acquiring
                ? "relaxed: no synchronisation"
                : read.synchronised
                    ? "acquiring: synchronises with T\(read.from)" : "acquiring, but that store releases nothing"
            return (Int(read.thread), "    reads \(read.location) from \(source), \(age) (\(order))")
        case let .object(thread, ref, access):
            return (thread, "  \(access) r\(ref)'s object")
        case let .placed(thread, location, value):
            return (
                thread,
                "    stores 0x\(String(value, radix: 16)) to \(location) behind a newer store (memory keeps the newer)"
            )
        }
    }

    static func pad(_ text: String) -> String {
        let clipped = text.count > width - 1 ? String(text.prefix(width - 2)) + "~" : text
        return clipped + String(repeating: " ", count: width - clipped.count)
    }
}

extension TraceEvent {
    /// A weak-memory account, too long for a column.
    var isLongAccount: Bool {
        switch self {
        case .read, .placed, .object: return true
        default: return false
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
    func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
