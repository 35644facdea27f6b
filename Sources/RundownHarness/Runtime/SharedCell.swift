import Rundown
import RundownTestKit
import Synchronization

/// A controlled atomic integer cell of a runtime program: every operation is a scheduling
/// point, and in a weak-memory run the model decides what a load reads. Orderings default to
/// sequentially consistent; weaker ones matter only in weak-memory runs.
///
/// Create cells inside ``Runtime/run(threads:schedule:strategy:readsFrom:stepBound:traced:decisions:main:)``
/// (they register with the run for traces, deadlock reports and strategies).
package final class SharedCell {
    let word: RundownWord
    /// The cell's stable id within the run (what strategies see as the object).
    package let id: Int
    package let name: String
    /// Whether the cell is a synchronisation primitive's own word (see
    /// ``PendingAccess/synchronises``).
    let synchronises: Bool

    package convenience init(_ name: String, _ initial: Int = 0) { self.init(name, initial, synchronises: false) }

    init(_ name: String, _ initial: Int = 0, synchronises: Bool) {
        self.synchronises = synchronises
        word = RundownWord.allocate(capacity: 1)
        word.initialize(to: Atomic(UInt(bitPattern: initial)))
        self.name = name
        id = Runtime.state!.register(UInt(bitPattern: word), name: name)
    }

    deinit { word.deallocate() }

    var address: UInt { UInt(bitPattern: word) }

    private func point(_ kind: PointKind, writes: Bool) -> Scheduler {
        let scheduler = Runtime.scheduler
        scheduler.point(
            kind, word: .zero, access: PendingAccess(object: UInt(id), writes: writes, synchronises: synchronises))
        return scheduler
    }

    /// Reads the cell.
    package func load(ordering: AtomicLoadOrdering = .sequentiallyConsistent) -> Int {
        let scheduler = point(.load, writes: false)
        let value = scheduler.modelLoad(
            address, current: word.pointee.load(ordering: .relaxed), acquiring: ordering != .relaxed,
            newestOnly: ordering == .sequentiallyConsistent, kind: .load)
        Runtime.state!.note("T\(scheduler.current) load \(name) -> \(Int(bitPattern: value))")
        return Int(bitPattern: value)
    }

    /// Writes `value` to the cell.
    package func store(_ value: Int, ordering: AtomicStoreOrdering = .sequentiallyConsistent) {
        let scheduler = point(.store, writes: true)
        let previous = word.pointee.load(ordering: .relaxed)
        if scheduler.modelStore(
            address, previous: previous, value: UInt(bitPattern: value), releasing: ordering != .relaxed,
            newestOnly: ordering == .sequentiallyConsistent, kind: .store)
        {
            word.pointee.store(UInt(bitPattern: value), ordering: .relaxed)
        }
        Runtime.state!.note("T\(scheduler.current) store \(name) = \(value)")
    }

    /// Replaces the value with `desired` if it is `expected`; returns whether it did and the
    /// value it found.
    @discardableResult
    package func compareExchange(
        expected: Int, desired: Int, ordering: AtomicUpdateOrdering = .sequentiallyConsistent
    ) -> (exchanged: Bool, original: Int) {
        let scheduler = point(.compareExchange, writes: true)
        let result = word.pointee.compareExchange(
            expected: UInt(bitPattern: expected), desired: UInt(bitPattern: desired), successOrdering: .relaxed,
            failureOrdering: .relaxed)
        scheduler.modelUpdate(
            address, previous: result.original, value: result.exchanged ? UInt(bitPattern: desired) : nil,
            acquiring: ordering.acquires, releasing: result.exchanged && ordering.releases, kind: .compareExchange)
        Runtime.state!.note(
            "T\(scheduler.current) cas \(name) \(expected) -> \(desired): "
                + (result.exchanged ? "exchanged" : "found \(Int(bitPattern: result.original))"))
        return (result.exchanged, Int(bitPattern: result.original))
    }

    /// Adds `delta` (wrapping); returns the value before.
    @discardableResult
    package func add(_ delta: Int, ordering: AtomicUpdateOrdering = .sequentiallyConsistent) -> Int {
        let scheduler = point(.add, writes: true)
        let new = word.pointee.wrappingAdd(UInt(bitPattern: delta), ordering: .relaxed).newValue
        scheduler.modelUpdate(
            address, previous: new &- UInt(bitPattern: delta), value: new, acquiring: ordering.acquires,
            releasing: ordering.releases, kind: .add)
        let old = Int(bitPattern: new &- UInt(bitPattern: delta))
        Runtime.state!.note("T\(scheduler.current) add \(name) \(delta): \(old) -> \(Int(bitPattern: new))")
        return old
    }
}
