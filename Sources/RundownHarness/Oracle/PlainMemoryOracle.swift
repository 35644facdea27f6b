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

    /// A region's history in this run. The `uses` array is kept from run to run (no allocation
    /// once warm: under AddressSanitizer every allocation records a stack).
    struct State {
        /// Whether the region exists now (created and not yet ended).
        var live = false
        var creation = Event(thread: 0, epoch: 0, step: 0, call: nil, what: "")
        /// Each thread's latest use.
        var uses: [Event?] = []
    }

    private var objects: [State] = []
    private var blocks: [State] = []

    mutating func reset(threads: Int, refs: Int) {
        PlainMemoryOracle.reset(&objects, count: refs, threads: threads)
        PlainMemoryOracle.reset(&blocks, count: threads, threads: threads)
    }

    private static func reset(_ states: inout [State], count: Int, threads: Int) {
        while states.count < count { states.append(State()) }
        for index in 0..<count { states[index].live = false }
        for index in 0..<count where states[index].uses.count != threads {
            states[index].uses = Array(repeating: nil, count: threads)
        }
    }

    /// Runs `body` on the state of `region`, in place.
    private mutating func withState<Result>(_ region: Region, _ body: (inout State) -> Result) -> Result {
        switch region {
        case let .object(ref): return body(&objects[ref])
        case let .waitBlock(owner): return body(&blocks[owner])
        }
    }

    func exists(_ region: Region) -> Bool {
        switch region {
        case let .object(ref): return objects[ref].live
        case let .waitBlock(owner): return blocks[owner].live
        }
    }

    /// `creation` created `region`.
    mutating func begin(_ region: Region, _ creation: Event, threads: Int) {
        withState(region) { state in
            state.live = true
            state.creation = creation
            for thread in state.uses.indices { state.uses[thread] = nil }
        }
    }

    /// `use` used `region`, its thread's clock being `clock`: the finding if the creation is not
    /// ordered before it.
    mutating func use(_ region: Region, _ use: Event, clock: VectorClock) -> Failure? {
        let creation: Event? = withState(region) { state in
            guard state.live else { return nil }
            state.uses[use.thread] = use
            return state.creation
        }
        guard let creation, use.thread != creation.thread, !clock.hasSeen(creation.epoch, of: creation.thread) else {
            return nil
        }
        return .unordered(
            thread: use.thread,
            what: "\(use.account(region.name)), but \(creation.account("it")) and nothing orders that before the use:"
                + " no release/acquire chain links them (the trace shows the store each load read)")
    }

    /// `end` ended `region`, its thread's clock being `clock`: the finding if some use is not
    /// ordered before the end.
    mutating func end(_ region: Region, _ end: Event, clock: VectorClock) -> Failure? {
        let unordered: Event? = withState(region) { state in
            guard state.live else { return nil }
            state.live = false
            for case let use? in state.uses where use.thread != end.thread && !clock.hasSeen(use.epoch, of: use.thread)
            {
                return use
            }
            return nil
        }
        guard let use = unordered else { return nil }
        return .unordered(
            thread: end.thread,
            what: "\(end.account(region.name)), but \(use.account("it")) and nothing orders that before the"
                + " end: no release/acquire chain links them (the trace shows the store each load read)")
    }
}
