import Synchronization

/// The weak-memory mode of the controlled scheduler: C11/RC11 semantics for the seam's atomic
/// operations, explored from bytes.
///
/// Every atomic location keeps its modification order as a bounded history of stores, each with
/// what an acquiring reader of it synchronises with (the storing thread's clock if the store
/// releases, carried along a release sequence by read-modify-writes). Every logical thread keeps
/// a vector clock. A load may read any store in the history that coherence allows: not older
/// than a store the thread itself read or wrote there, nor than one any access ordered before
/// the load (by happens-before) read or wrote. Which one comes from the reads-from stream, as a
/// distance from the newest: 0, and a stream that has run out, mean the newest, which is the
/// sequentially consistent behaviour. Read-modify-writes always read the newest store. A plain
/// store may likewise take its place behind newer stores in the modification order (never
/// before a store its thread has seen, nor between a read-modify-write and the store it read):
/// memory then keeps the newer value, as on a machine where the store lost the race.
///
/// What the model does not generate (docs/fuzzing.md, "The memory model"): a load never reads a
/// store that has not executed yet (no load buffering), and sequentially consistent loads and
/// stores read the newest store and become the newest store. Each of those only removes
/// behaviours C11 allows; none adds one it forbids.
final class MemoryModel {
    /// One store in a location's modification order.
    struct Store {
        var value: UInt
        /// The storing thread, or -1 for the value the location held before the run touched it.
        var thread: Int
        /// The storing thread's epoch at the store (0 for the initial value: every thread has seen it).
        var epoch: UInt32
        /// Its place in the modification order: keys grow along it and never change.
        var key: UInt64
        /// Its number among the location's stores in the order they ran (the initial value is #0).
        var serial: Int
        /// What stored it (a store, a compare-exchange, an add, an event's signal or reset).
        var kind: PointKind
        /// A read-modify-write: it must stay right after the store it read.
        var isUpdate: Bool
        /// What an acquiring read of this store synchronises with, nil for nothing.
        var releaseClock: VectorClock?
    }

    /// An access of a thread to a location: its epoch then, and the newest store (by key) it had
    /// seen there.
    struct Seen {
        var epoch: UInt32
        var key: UInt64
    }

    /// One atomic location.
    struct Location {
        var address: UInt
        var label: LocationLabel
        /// The newest stores in modification order, oldest first (at most ``MemoryModel/historyBound``).
        var stores: [Store]
        /// Per thread, oldest first, the points where it first saw each newer store.
        var seen: [[Seen]]
        /// Stores made so far (for serial numbers).
        var storeCount: Int
    }

    /// What a load read, for the trace and the coverage features.
    struct Read {
        var store: Store
        var label: LocationLabel
        /// How many stores newer than the one read the history held.
        var behind: Int
        /// Whether the reader's clock joined the store's release clock.
        var synchronised: Bool
    }

    /// Stores each location remembers: older ones can no longer be read.
    static let historyBound = 8
    /// The key distance between stores appended at the end (room for stores placed between).
    static let keySpacing: UInt64 = 1 << 32

    private(set) var clocks: [VectorClock] = []
    private var addresses: [UInt] = []
    private(set) var locations: [Location] = []
    private var readsFrom = ScheduleBytes([])
    /// Whether each thread's latest read took a store older than the newest.
    private(set) var lastReadWasStale: [Bool] = []
    /// Names the locations (set by the run's owner: the rundown runner or a litmus test).
    var labeller: (UInt) -> LocationLabel = { _ in .variable(0) }
    /// Where the reads-from decisions are recorded, when someone enumerates them.
    var decisions: DecisionLog?

    /// Starts a run of `threads` logical threads with the reads-from stream `readsFrom`.
    func reset(threads: Int, readsFrom: [UInt8], labeller: @escaping (UInt) -> LocationLabel) {
        precondition(threads <= VectorClock.maxThreads, "the memory model supports \(VectorClock.maxThreads) threads")
        clocks = Array(repeating: VectorClock(), count: threads)
        addresses.removeAll(keepingCapacity: true)
        locations.removeAll(keepingCapacity: true)
        self.readsFrom = ScheduleBytes(readsFrom)
        lastReadWasStale = Array(repeating: false, count: threads)
        self.labeller = labeller
    }

    /// Thread `thread` performs a memory event: its own lane advances; returns the new epoch.
    @inline(__always)
    @discardableResult
    func tick(_ thread: Int) -> UInt32 {
        clocks[thread][thread] &+= 1
        return clocks[thread][thread]
    }

    /// `thread` synchronises with `clock` (a thread start, a join): it has seen all of it.
    func synchronise(_ thread: Int, with clock: VectorClock) {
        clocks[thread].join(clock)
        tick(thread)
    }

    /// The fast path's barrier run by `thread`: a full fence on every thread at its current point.
    /// Every other thread's accesses so far happen before the caller's next ones, and the
    /// caller's so far before every other thread's next ones (not one thread's before another's).
    func barrier(_ thread: Int) {
        let caller = clocks[thread]
        for other in clocks.indices where other != thread {
            clocks[thread].join(clocks[other])
            clocks[other].join(caller)
            tick(other)
        }
        tick(thread)
    }

    /// Forgets every location in `low ..< low + size` (a stack region about to be reused).
    func forget(low: UInt, size: UInt) {
        var index = 0
        while index < addresses.count {
            if addresses[index] &- low < size {
                addresses.remove(at: index)
                locations.remove(at: index)
            } else {
                index += 1
            }
        }
    }

    /// The index of the location at `address`; a new location starts with `current`, the value
    /// memory holds, as its initial store.
    @inline(__always)
    func location(_ address: UInt, current: UInt) -> Int {
        if let index = addresses.firstIndex(of: address) { return index }
        addresses.append(address)
        let initial = Store(
            value: current, thread: -1, epoch: 0, key: 0, serial: 0, kind: .store, isUpdate: false, releaseClock: nil)
        locations.append(
            Location(
                address: address, label: labeller(address), stores: [initial],
                seen: Array(repeating: [], count: clocks.count), storeCount: 1))
        return addresses.count - 1
    }

    /// The oldest store (by key) `thread` may read at `index` now (coherence).
    func coherenceFloor(_ index: Int, _ thread: Int) -> UInt64 {
        let clock = clocks[thread]
        var floor = locations[index].stores[0].key
        for other in 0..<clocks.count {
            let seen = locations[index].seen[other]
            if other == thread {
                if let last = seen.last { floor = max(floor, last.key) }
                continue
            }
            // The newest store `other` had seen at an access ordered before this point.
            let known = clock[other]
            var k = seen.count - 1
            while k >= 0 && seen[k].epoch > known { k -= 1 }
            if k >= 0 { floor = max(floor, seen[k].key) }
        }
        return floor
    }

    /// How many of the newest stores at `index` lie at or after `floor`.
    @inline(__always)
    private func candidates(_ index: Int, from floor: UInt64) -> Int {
        let stores = locations[index].stores
        var count = 0
        while count < stores.count && stores[stores.count - 1 - count].key >= floor { count += 1 }
        return count
    }

    @inline(__always)
    private func record(_ index: Int, _ thread: Int, epoch: UInt32, key: UInt64) {
        if let last = locations[index].seen[thread].last, last.key >= key { return }
        locations[index].seen[thread].append(Seen(epoch: epoch, key: key))
    }

    /// A choice among `choices` options from the reads-from stream (0: the newest).
    @inline(__always)
    private func choose(among choices: Int) -> Int {
        guard choices > 1 else { return 0 }
        let behind = readsFrom.next().map { Int($0) % choices } ?? 0
        decisions?.record(.readsFrom, arity: choices, position: behind, defaultPosition: 0)
        return behind
    }

    /// A load by `thread` at `address` (memory holds `current`, the newest value).
    /// `newestOnly`: the load reads the newest store (a sequentially consistent load; the
    /// futex's own check of an event word).
    func load(_ address: UInt, current: UInt, thread: Int, acquiring: Bool, newestOnly: Bool) -> Read {
        let index = location(address, current: current)
        let epoch = tick(thread)
        let behind = newestOnly ? 0 : choose(among: candidates(index, from: coherenceFloor(index, thread)))
        let stores = locations[index].stores
        let store = stores[stores.count - 1 - behind]
        assert(behind > 0 || store.value == current, "the model's newest store differs from memory")
        record(index, thread, epoch: epoch, key: store.key)
        var synchronised = false
        if acquiring, let release = store.releaseClock {
            clocks[thread].join(release)
            synchronised = true
        }
        lastReadWasStale[thread] = behind > 0
        return Read(store: store, label: locations[index].label, behind: behind, synchronised: synchronised)
    }

    /// A plain store by `thread` of `value` at `address` (memory holds `previous`). Returns
    /// whether it became the newest store (memory must then hold `value`; otherwise it keeps the
    /// newer value). `newestOnly`: a sequentially consistent store.
    func store(
        _ address: UInt, previous: UInt, value: UInt, thread: Int, releasing: Bool, newestOnly: Bool, kind: PointKind
    ) -> Bool {
        let index = location(address, current: previous)
        let epoch = tick(thread)
        // Where it may go: after every store this thread has seen (or that happens before it),
        // and not between a read-modify-write and the store it read.
        var places = newestOnly ? 1 : candidates(index, from: coherenceFloor(index, thread))
        let stores = locations[index].stores
        var allowed = 1
        while allowed < places {
            let after = stores[stores.count - allowed]  // the store it would go before
            let before = stores[stores.count - allowed - 1]
            if after.isUpdate || after.key - before.key < 2 { break }
            allowed += 1
        }
        places = allowed
        let behind = choose(among: places)
        let position = stores.count - behind
        let key =
            behind == 0
            ? stores[stores.count - 1].key + MemoryModel.keySpacing
            : stores[position - 1].key + (stores[position].key - stores[position - 1].key) / 2
        let serial = locations[index].storeCount
        locations[index].storeCount += 1
        // A plain store heads a new release sequence if it releases, and ends any other (C++20).
        let store = Store(
            value: value, thread: thread, epoch: epoch, key: key, serial: serial, kind: kind, isUpdate: false,
            releaseClock: releasing ? clocks[thread] : nil)
        locations[index].stores.insert(store, at: position)
        trim(index)
        record(index, thread, epoch: epoch, key: key)
        return behind == 0
    }

    @inline(__always)
    private func trim(_ index: Int) {
        if locations[index].stores.count > MemoryModel.historyBound { locations[index].stores.removeFirst() }
    }

    /// A read-modify-write by `thread` at `address`: it read the newest store (memory held
    /// `previous`) and wrote `value`, or nothing (a compare-exchange that failed).
    func readModifyWrite(
        _ address: UInt, previous: UInt, value: UInt?, thread: Int, acquiring: Bool, releasing: Bool,
        kind: PointKind
    ) -> Read {
        let index = location(address, current: previous)
        let epoch = tick(thread)
        let read = locations[index].stores[locations[index].stores.count - 1]
        var synchronised = false
        if acquiring, let release = read.releaseClock {
            clocks[thread].join(release)
            synchronised = true
        }
        lastReadWasStale[thread] = false
        let result = Read(store: read, label: locations[index].label, behind: 0, synchronised: synchronised)
        guard let value else {
            record(index, thread, epoch: epoch, key: read.key)
            return result
        }
        // A read-modify-write continues the release sequence of the store it read, and heads
        // one of its own if it releases.
        var releaseClock = read.releaseClock
        if releasing {
            if releaseClock == nil { releaseClock = clocks[thread] } else { releaseClock!.join(clocks[thread]) }
        }
        let serial = locations[index].storeCount
        locations[index].storeCount += 1
        let key = read.key + MemoryModel.keySpacing
        locations[index].stores.append(
            Store(
                value: value, thread: thread, epoch: epoch, key: key, serial: serial, kind: kind, isUpdate: true,
                releaseClock: releaseClock))
        trim(index)
        record(index, thread, epoch: epoch, key: key)
        return result
    }
}
