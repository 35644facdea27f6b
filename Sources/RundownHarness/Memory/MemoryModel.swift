import Synchronization

/// The weak-memory mode of the controlled scheduler: C11/RC11 semantics for the seam's atomic
/// operations, explored from bytes.
///
/// Every atomic location keeps its modification order as a bounded history of stores, each with
/// what an acquiring reader of it synchronises with (the storing thread's clock if the store
/// releases, carried along a release sequence by read-modify-writes). Every logical thread keeps
/// a vector clock. A load may read any store in the history that coherence allows: not older
/// than a store the thread itself read or wrote there, nor than one any access ordered before
/// the load (by happens-before) read or wrote. Which one comes from the reads-from stream (or
/// the run's schedule strategy, when one decides), as a distance from the newest: 0, and a
/// stream that has run out, mean the newest, which is the sequentially consistent behaviour. Read-modify-writes always read the newest store. A plain
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
    /// An address no location has (a forgotten location keeps its slot under it).
    static let forgotten = UInt.max

    // The locations live in flat arrays reused from run to run (no allocation once warm: under
    // AddressSanitizer every allocation records a stack). Location `i` owns the stores
    // `i * historyBound ..< i * historyBound + storeCounts[i]` (oldest first) and, for thread
    // `t`, the seen entries from `(i * maxThreads + t) * historyBound` (oldest first). A thread's
    // seen entries have growing keys; one whose store left the history says no more than the
    // history's oldest store, so at most `historyBound` of them matter.

    private(set) var clocks: [VectorClock] = []
    private var addresses: [UInt] = []
    /// A direct-mapped cache from an address's hash to its location index (-1: none), checked
    /// against `addresses`: most accesses find their location without a search.
    private var lookup = [Int](repeating: -1, count: MemoryModel.lookupSize)
    private static let lookupSize = 64
    private var labels: [LocationLabel] = []
    private var storeCounts: [Int] = []
    private var serials: [Int] = []
    private var stores: [Store] = []
    private var seenCounts: [Int] = []
    private var seen: [Seen] = []
    private var readsFrom = ScheduleBytes([])
    /// Whether each thread's latest read took a store older than the newest.
    private(set) var lastReadWasStale: [Bool] = []
    /// Names the locations (set by the run's owner: the rundown runner or a litmus test).
    var labeller: (UInt) -> LocationLabel = { _ in .variable(0) }
    /// Where the reads-from decisions are recorded, when someone enumerates them.
    var decisions: DecisionLog?
    /// When set, the strategy makes every reads-from choice instead of the stream, and the
    /// bytes that replay them collect in ``produced``.
    var strategy: (any ScheduleStrategy)?
    /// The reads-from bytes of the run so far, when a strategy decides (one byte per choice).
    private(set) var produced: [UInt8] = []

    private static let placeholder = Store(
        value: 0, thread: -1, epoch: 0, key: 0, serial: 0, kind: .store, isUpdate: false, releaseClock: nil)

    /// Starts a run of `threads` logical threads with the reads-from stream `readsFrom`.
    func reset(threads: Int, readsFrom: [UInt8], labeller: @escaping (UInt) -> LocationLabel) {
        precondition(threads <= VectorClock.maxThreads, "the memory model supports \(VectorClock.maxThreads) threads")
        clocks.removeAll(keepingCapacity: true)
        clocks.append(contentsOf: repeatElement(VectorClock(), count: threads))
        addresses.removeAll(keepingCapacity: true)
        for slot in lookup.indices { lookup[slot] = -1 }
        labels.removeAll(keepingCapacity: true)
        storeCounts.removeAll(keepingCapacity: true)
        serials.removeAll(keepingCapacity: true)
        // `stores` and `seen` keep their elements: only those below a location's counts are
        // ever read, so a new location needs no clearing (see `location`).
        seenCounts.removeAll(keepingCapacity: true)
        self.readsFrom = ScheduleBytes(readsFrom)
        produced.removeAll(keepingCapacity: true)
        lastReadWasStale.removeAll(keepingCapacity: true)
        lastReadWasStale.append(contentsOf: repeatElement(false, count: threads))
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
        for index in addresses.indices where addresses[index] != MemoryModel.forgotten && addresses[index] &- low < size
        {
            addresses[index] = MemoryModel.forgotten
        }
    }

    /// The name of the location at `address` (the labeller's, for one the model has not seen).
    func label(of address: UInt) -> LocationLabel {
        find(address).map { labels[$0] } ?? labeller(address)
    }

    @inline(__always)
    private static func slot(_ address: UInt) -> Int {
        Int(truncatingIfNeeded: (address >> 3 ^ address >> 9) & UInt(lookupSize - 1))
    }

    /// The index of the location at `address`, if the model has one.
    @inline(__always)
    private func find(_ address: UInt) -> Int? {
        let slot = MemoryModel.slot(address)
        let cached = lookup[slot]
        if cached >= 0 && addresses[cached] == address { return cached }
        guard let index = addresses.firstIndex(of: address) else { return nil }
        lookup[slot] = index
        return index
    }

    /// The index of the location at `address`; a new location starts with `current`, the value
    /// memory holds, as its initial store.
    @inline(__always)
    func location(_ address: UInt, current: UInt) -> Int {
        if let index = find(address) { return index }
        let index = addresses.count
        addresses.append(address)
        lookup[MemoryModel.slot(address)] = index
        labels.append(labeller(address))
        storeCounts.append(1)
        serials.append(1)
        seenCounts.append(contentsOf: repeatElement(0, count: VectorClock.maxThreads))
        // Room for the location's stores and seen lists, grown once and reused by later runs.
        if stores.count < (index + 1) * MemoryModel.historyBound {
            stores.append(contentsOf: repeatElement(MemoryModel.placeholder, count: MemoryModel.historyBound))
            seen.append(
                contentsOf: repeatElement(
                    Seen(epoch: 0, key: 0), count: VectorClock.maxThreads * MemoryModel.historyBound))
        }
        var initial = MemoryModel.placeholder
        initial.value = current
        stores[index * MemoryModel.historyBound] = initial
        return index
    }

    /// Store `position` (0: the oldest) of location `index`.
    @inline(__always)
    private func storeAt(_ index: Int, _ position: Int) -> Store {
        stores[index * MemoryModel.historyBound + position]
    }

    /// The oldest store (by key) `thread` may read at `index` now (coherence).
    func coherenceFloor(_ index: Int, _ thread: Int) -> UInt64 {
        let clock = clocks[thread]
        var floor = storeAt(index, 0).key
        for other in 0..<clocks.count {
            let list = index * VectorClock.maxThreads + other
            let base = list * MemoryModel.historyBound
            var k = seenCounts[list] - 1
            if other == thread {
                if k >= 0 { floor = max(floor, seen[base + k].key) }
                continue
            }
            // The newest store `other` had seen at an access ordered before this point.
            let known = clock[other]
            while k >= 0 && seen[base + k].epoch > known { k -= 1 }
            if k >= 0 { floor = max(floor, seen[base + k].key) }
        }
        return floor
    }

    /// How many of the newest stores at `index` lie at or after `floor`.
    @inline(__always)
    private func candidates(_ index: Int, from floor: UInt64) -> Int {
        let count = storeCounts[index]
        var found = 0
        while found < count && storeAt(index, count - 1 - found).key >= floor { found += 1 }
        return found
    }

    @inline(__always)
    private func record(_ index: Int, _ thread: Int, epoch: UInt32, key: UInt64) {
        let list = index * VectorClock.maxThreads + thread
        let base = list * MemoryModel.historyBound
        var count = seenCounts[list]
        if count > 0 && seen[base + count - 1].key >= key { return }
        if count == MemoryModel.historyBound {
            // Drop the entries whose store left the history (they say no more than its oldest).
            let oldest = storeAt(index, 0).key
            var drop = 0
            while drop < count && seen[base + drop].key < oldest { drop += 1 }
            precondition(drop > 0, "more seen stores than the history holds")
            for position in drop..<count { seen[base + position - drop] = seen[base + position] }
            count -= drop
        }
        seen[base + count] = Seen(epoch: epoch, key: key)
        seenCounts[list] = count + 1
    }

    /// A choice among `choices` options from the reads-from stream or the strategy (0: the
    /// newest). A strategy's choice is recorded as its own byte (fewer than 256 options: byte
    /// mod choices gives it back).
    @inline(__always)
    private func choose(among choices: Int) -> Int {
        guard choices > 1 else { return 0 }
        let behind: Int
        if let strategy {
            behind = strategy.chooseReadsFrom(below: choices)
            precondition(
                (0..<choices).contains(behind), "the \(strategy.name) strategy chose \(behind) of \(choices) stores")
            produced.append(UInt8(behind))
        } else {
            behind = readsFrom.next().map { Int($0) % choices } ?? 0
        }
        decisions?.record(.readsFrom, arity: choices, position: behind, defaultPosition: 0)
        return behind
    }

    /// Inserts `store` at `position` of location `index`'s history (0: before the oldest),
    /// dropping the oldest store when the history is full.
    private func insert(_ store: Store, at position: Int, _ index: Int) {
        let base = index * MemoryModel.historyBound
        var count = storeCounts[index]
        var position = position
        if count == MemoryModel.historyBound {
            for slot in 1..<count { stores[base + slot - 1] = stores[base + slot] }
            count -= 1
            position -= 1
        }
        var slot = count
        while slot > position {
            stores[base + slot] = stores[base + slot - 1]
            slot -= 1
        }
        stores[base + position] = store
        storeCounts[index] = count + 1
    }

    /// A load by `thread` at `address` (memory holds `current`, the newest value).
    /// `newestOnly`: the load reads the newest store (a sequentially consistent load; the
    /// futex's own check of an event word).
    func load(_ address: UInt, current: UInt, thread: Int, acquiring: Bool, newestOnly: Bool) -> Read {
        let index = location(address, current: current)
        let epoch = tick(thread)
        let behind = newestOnly ? 0 : choose(among: candidates(index, from: coherenceFloor(index, thread)))
        let store = storeAt(index, storeCounts[index] - 1 - behind)
        assert(behind > 0 || store.value == current, "the model's newest store differs from memory")
        record(index, thread, epoch: epoch, key: store.key)
        var synchronised = false
        if acquiring, let release = store.releaseClock {
            clocks[thread].join(release)
            synchronised = true
        }
        lastReadWasStale[thread] = behind > 0
        return Read(store: store, label: labels[index], behind: behind, synchronised: synchronised)
    }

    /// A plain store by `thread` of `value` at `address` (memory holds `previous`). Returns
    /// whether it became the newest store (memory must then hold `value`; otherwise it keeps the
    /// newer value). `newestOnly`: a sequentially consistent store.
    func store(
        _ address: UInt, previous: UInt, value: UInt, thread: Int, releasing: Bool, newestOnly: Bool, kind: PointKind
    ) -> Bool {
        let index = location(address, current: previous)
        let epoch = tick(thread)
        let count = storeCounts[index]
        // Where it may go: after every store this thread has seen (or that happens before it),
        // and not between a read-modify-write and the store it read.
        let places = newestOnly ? 1 : candidates(index, from: coherenceFloor(index, thread))
        var allowed = 1
        while allowed < places {
            let after = storeAt(index, count - allowed)  // the store it would go before
            let before = storeAt(index, count - allowed - 1)
            if after.isUpdate || after.key - before.key < 2 { break }
            allowed += 1
        }
        let behind = choose(among: allowed)
        let position = count - behind
        let key =
            behind == 0
            ? storeAt(index, count - 1).key + MemoryModel.keySpacing
            : storeAt(index, position - 1).key + (storeAt(index, position).key - storeAt(index, position - 1).key) / 2
        let serial = serials[index]
        serials[index] += 1
        // A plain store heads a new release sequence if it releases, and ends any other (C++20).
        insert(
            Store(
                value: value, thread: thread, epoch: epoch, key: key, serial: serial, kind: kind, isUpdate: false,
                releaseClock: releasing ? clocks[thread] : nil), at: position, index)
        record(index, thread, epoch: epoch, key: key)
        return behind == 0
    }

    /// A read-modify-write by `thread` at `address`: it read the newest store (memory held
    /// `previous`) and wrote `value`, or nothing (a compare-exchange that failed).
    func readModifyWrite(
        _ address: UInt, previous: UInt, value: UInt?, thread: Int, acquiring: Bool, releasing: Bool,
        kind: PointKind
    ) -> Read {
        let index = location(address, current: previous)
        let epoch = tick(thread)
        let read = storeAt(index, storeCounts[index] - 1)
        var synchronised = false
        if acquiring, let release = read.releaseClock {
            clocks[thread].join(release)
            synchronised = true
        }
        lastReadWasStale[thread] = false
        let result = Read(store: read, label: labels[index], behind: 0, synchronised: synchronised)
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
        let serial = serials[index]
        serials[index] += 1
        let key = read.key + MemoryModel.keySpacing
        insert(
            Store(
                value: value, thread: thread, epoch: epoch, key: key, serial: serial, kind: kind, isUpdate: true,
                releaseClock: releaseClock), at: storeCounts[index], index)
        record(index, thread, epoch: epoch, key: key)
        return result
    }
}
