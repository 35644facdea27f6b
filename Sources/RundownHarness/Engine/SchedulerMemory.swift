import Rundown
import _ToolShims

/// The scheduler's side of the weak-memory mode: every atomic operation of the controlled
/// platform goes through the model (which store a load reads, what it synchronises with), the
/// trace shows each read, reads-from pairs feed the coverage counters, and accesses to another
/// thread's wait block are checked against happens-before. All of it is skipped in a
/// sequentially consistent run (`memory == nil`).
extension Scheduler {
    /// A load by the running thread; returns the value it reads (maybe an older store's).
    @discardableResult
    func modelLoad(_ address: UInt, current: UInt, acquiring: Bool, newestOnly: Bool, kind: PointKind) -> UInt {
        guard let memory else { return current }
        let read = memory.load(
            address, current: current, thread: self.current, acquiring: acquiring, newestOnly: newestOnly)
        noteRead(read, kind: kind, acquiring: acquiring)
        checkBlockUse(address, kind: kind)
        return read.store.value
    }

    /// A plain store by the running thread; returns whether memory must take the value (false
    /// when the model placed the store behind a newer one).
    func modelStore(
        _ address: UInt, previous: UInt, value: UInt, releasing: Bool, newestOnly: Bool = false, kind: PointKind
    ) -> Bool {
        guard let memory else { return true }
        let newest = memory.store(
            address, previous: previous, value: value, thread: current, releasing: releasing, newestOnly: newestOnly,
            kind: kind)
        if !newest {
            let label = memory.label(of: address)
            trace.append(.placed(thread: current, location: label, value: value))
            // A placement feature (counters 0x200...0x23F): the location's class, the store's
            // operation, releasing or not.
            if feedsCounters {
                let feature = (label.featureClass &* 16 &+ UInt32(kind.rawValue)) &* 2 &+ (releasing ? 1 : 0)
                rundown_extra_counter_mark(0x200 | feature % 0x40)
            }
        }
        checkBlockUse(address, kind: kind)
        return newest
    }

    /// A read-modify-write by the running thread: `value` nil for a compare-exchange that failed.
    func modelUpdate(
        _ address: UInt, previous: UInt, value: UInt?, acquiring: Bool, releasing: Bool, kind: PointKind
    ) {
        guard let memory else { return }
        let read = memory.readModifyWrite(
            address, previous: previous, value: value, thread: current, acquiring: acquiring, releasing: releasing,
            kind: kind)
        noteRead(read, kind: kind, acquiring: acquiring)
        checkBlockUse(address, kind: kind)
    }

    /// The trace line of a read, and its reads-from feature: where the load is (the location's
    /// class, the operation, acquiring or not), what it read (the store's operation, same thread
    /// or another) and how stale (0, 1, 2, 3 or more behind the newest).
    @inline(__always)
    func noteRead(_ read: MemoryModel.Read, kind: PointKind, acquiring: Bool) {
        trace.append(
            .read(
                ReadRecord(
                    thread: UInt8(current), location: read.label, from: Int8(read.store.thread),
                    store: UInt16(truncatingIfNeeded: read.store.serial), behind: UInt8(read.behind),
                    acquiring: acquiring, synchronised: read.synchronised)))
        // Reading the newest store, and synchronising where either side asked for it, is what a
        // sequentially consistent run does at every step (the interleaving features already
        // tell those runs apart): only a stale read, or a read of another thread's store where
        // one side asked for ordering and got none, makes a feature.
        let unsynchronised =
            read.store.thread >= 0 && read.store.thread != current && !read.synchronised
            && (acquiring || read.store.releaseClock != nil)
        guard feedsCounters, read.behind > 0 || unsynchronised else { return }
        var feature = read.label.featureClass &* 16 &+ UInt32(kind.rawValue)
        feature = feature &* 2 &+ (acquiring ? 1 : 0)
        feature = feature &* 16 &+ UInt32(read.store.kind.rawValue)
        feature = feature &* 2 &+ (read.store.thread == current ? 1 : 0)
        feature = feature &* 4 &+ UInt32(min(read.behind, 3))
        // Counters 0x400...0x7FF (the sequentially consistent features use 0...0x47 and 0x800 up).
        rundown_extra_counter_mark(0x400 | feature % 0x400)
    }

    /// An access to another thread's published wait block must be ordered after the block's
    /// publication.
    @inline(__always)
    func checkBlockUse(_ address: UInt, kind: PointKind) {
        guard let memory, let owner = lifetime.publishedOwner(of: address), owner != current else { return }
        let field: StaticString = address == lifetime.published[owner].low ? "count" : "event"
        let use = PlainMemoryOracle.Event(
            thread: current, epoch: memory.clocks[current][current], step: pointSteps[current],
            call: lifetime.calls[current], what: "used {}", operation: (kind, field))
        if let failure = plainMemory.use(.waitBlock(owner: owner), use, clock: memory.clocks[current]) {
            fail(failure)
        }
    }

    /// The running thread published its wait block (its first marker store of this wait).
    func blockPublished() {
        guard let memory, !plainMemory.exists(.waitBlock(owner: current)) else { return }
        plainMemory.begin(
            .waitBlock(owner: current),
            PlainMemoryOracle.Event(
                thread: current, epoch: memory.clocks[current][current], step: pointSteps[current],
                call: lifetime.calls[current], what: "published {}"),
            threads: threadCount)
    }

    /// The running thread starts a wait: whatever the model knew about its stack is gone (the
    /// new wait block is new memory, even at an old address).
    func waitStarts() {
        guard let memory else { return }
        let stack = lifetime.stacks[current]
        memory.forget(low: stack.low, size: stack.size)
    }

    /// The running thread's wait returned: its block is dead, and every use of it by another
    /// thread must be ordered before now.
    func waitEnded() {
        lifetime.waitReturned(by: current, step: trace.count)
        guard let memory else { return }
        let end = PlainMemoryOracle.Event(
            thread: current, epoch: memory.tick(current), step: trace.count - 1, call: lifetime.calls[current],
            what: "returned from its wait, which ends {}")
        if let failure = plainMemory.end(.waitBlock(owner: current), end, clock: memory.clocks[current]) {
            fail(failure)
        }
    }

    /// The running thread initialises ref `ref`'s protected object (a new region of plain memory).
    func objectInitialised(ref: Int) {
        guard let memory else { return }
        let step = noteObject(ref, .initialise)
        plainMemory.begin(
            .object(ref: ref),
            PlainMemoryOracle.Event(
                thread: current, epoch: memory.tick(current), step: step, call: lifetime.calls[current],
                what: "initialised {}"),
            threads: threadCount)
    }

    /// The running thread touches ref `ref`'s object: ordered after its initialisation?
    func objectTouched(ref: Int) {
        guard let memory else { return }
        let use = PlainMemoryOracle.Event(
            thread: current, epoch: memory.tick(current), step: noteObject(ref, .touch),
            call: lifetime.calls[current], what: "touched {}")
        if let failure = plainMemory.use(.object(ref: ref), use, clock: memory.clocks[current]) { fail(failure) }
    }

    /// The running thread frees ref `ref`'s object: every touch ordered before now?
    func objectFreed(ref: Int) {
        guard let memory else { return }
        let end = PlainMemoryOracle.Event(
            thread: current, epoch: memory.tick(current), step: noteObject(ref, .free),
            call: lifetime.calls[current], what: "freed {}")
        if let failure = plainMemory.end(.object(ref: ref), end, clock: memory.clocks[current]) { fail(failure) }
    }

    /// The trace line of an object access; returns its step.
    private func noteObject(_ ref: Int, _ access: ObjectAccess) -> Int {
        trace.append(.object(thread: current, ref: ref, access: access))
        return trace.count - 1
    }
}
