/// Happens-before checking of plain memory in the weak-memory mode: the protected objects and
/// the wait blocks.
///
/// A region of plain memory is created by one thread (the owner publishes an object; a waiter
/// publishes its wait block), used by others, and ended by its creator (the owner frees the
/// object when its wait returns; the wait block dies when the wait returns). Every use must be
/// ordered after the creation, and every use must be ordered before the end, by happens-before
/// as the vector clocks of ``MemoryModel`` compute it. A use that is not is a data race in the
/// C11 sense, found here deterministically, with no sanitizer, on any machine.

struct PlainMemoryOracle {
    /// Which region.
    enum Region: Equatable {
        /// The protected object of ref `ref`.
        case object(ref: Int)
        /// The wait block on thread `owner`'s stack.
        case waitBlock(owner: Int)

        var name: String {
            switch self {
            case let .object(ref): return "r\(ref)'s object"
            case let .waitBlock(owner): return "T\(owner)'s wait block"
            }
        }
    }

    /// One event of a region: who, at which epoch and trace step, in which call, doing what.
    struct Event {
        var thread: Int
        var epoch: UInt32
        var step: Int
        var call: Program.Operation?
        /// What it did, with `{}` where the region's name goes ("touched {}").
        var what: StaticString
        /// The atomic operation of a wait-block access, and on which field (nil for the others).
        var operation: (kind: PointKind, field: StaticString)? = nil

        /// "T1 (touch r0) touched r0's object at step 31". Built only for a finding: the events
        /// themselves hold no string that needs allocating.
        func account(_ object: String) -> String {
            var text = "\(what)".replacing("{}", with: object)
            if let operation {
                let article = "aeiou".contains(operation.kind.description.first!) ? "an" : "a"
                text = "did \(article) \(operation.kind) on the \(operation.field) of \(object)"
            }
            return "T\(thread)" + (call.map { " (\($0))" } ?? "") + " " + text + " at step \(step)"
        }
    }

    struct State {
        var creation: Event
        /// Each thread's latest use.
        var uses: [Event?]
    }

    private var objects: [State?] = []
    private var blocks: [State?] = []

    mutating func reset(threads: Int, refs: Int) {
        objects.removeAll(keepingCapacity: true)
        objects.append(contentsOf: repeatElement(nil, count: refs))
        blocks.removeAll(keepingCapacity: true)
        blocks.append(contentsOf: repeatElement(nil, count: threads))
    }

    private subscript(region: Region) -> State? {
        get {
            switch region {
            case let .object(ref): return objects[ref]
            case let .waitBlock(owner): return blocks[owner]
            }
        }
        set {
            switch region {
            case let .object(ref): objects[ref] = newValue
            case let .waitBlock(owner): blocks[owner] = newValue
            }
        }
    }

    func exists(_ region: Region) -> Bool { self[region] != nil }

    /// `creation` created `region`.
    mutating func begin(_ region: Region, _ creation: Event, threads: Int) {
        self[region] = State(creation: creation, uses: Array(repeating: nil, count: threads))
    }

    /// `use` used `region`, its thread's clock being `clock`: the finding if the creation is not
    /// ordered before it.
    mutating func use(_ region: Region, _ use: Event, clock: VectorClock) -> Failure? {
        guard var state = self[region] else { return nil }
        defer { self[region] = state }
        state.uses[use.thread] = use
        let creation = state.creation
        if use.thread == creation.thread || clock.hasSeen(creation.epoch, of: creation.thread) { return nil }
        return .unordered(
            thread: use.thread,
            what: "\(use.account(region.name)), but \(creation.account("it")) and nothing orders that before the use:"
                + " no release/acquire chain links them (the trace shows the store each load read)")
    }

    /// `end` ended `region`, its thread's clock being `clock`: the finding if some use is not
    /// ordered before the end.
    mutating func end(_ region: Region, _ end: Event, clock: VectorClock) -> Failure? {
        guard let state = self[region] else { return nil }
        self[region] = nil
        for use in state.uses.compactMap({ $0 }) where use.thread != end.thread {
            if !clock.hasSeen(use.epoch, of: use.thread) {
                return .unordered(
                    thread: end.thread,
                    what: "\(end.account(region.name)), but \(use.account("it")) and nothing orders that before the"
                        + " end: no release/acquire chain links them (the trace shows the store each load read)")
            }
        }
        return nil
    }
}
