import Synchronization

/// One pointer-sized word of rundown state (a plain ref, a cache-aware slot, a wait-block count).
@usableFromInline
package typealias RundownWord = UnsafeMutablePointer<Atomic<UInt>>

/// The 32-bit word a waiter sleeps on (the wait block's event).
@usableFromInline
package typealias RundownEventWord = UnsafeMutablePointer<Atomic<UInt32>>

/// The platform seam: everything the rundown algorithm asks of the machine.
///
/// The algorithm (``PlainRundown`` and ``CacheAwareRundown``) is written once, generic over this
/// protocol. ``SystemPlatform`` maps each requirement to one hardware atomic, a futex call or an
/// rseq read and is specialised away at compile time. A testing engine supplies a controlled
/// platform instead, in which every requirement is a scheduling point.
///
/// Every requirement is a static function so that specialisation leaves no per-ref state and no
/// indirection behind.
///
/// Package access, like the whole engine: the library's users see only the API (README.md);
/// the package's testing engines (RundownHarness, RundownSoak, the tests) supply platforms.
@usableFromInline
package protocol RundownPlatform {
    /// Atomically loads `word`.
    static func load(_ word: RundownWord, ordering: AtomicLoadOrdering) -> UInt

    /// Atomically stores `value` into `word`.
    static func store(_ word: RundownWord, _ value: UInt, ordering: AtomicStoreOrdering)

    /// Atomically replaces `expected` by `desired`; returns whether it did and the value seen.
    static func compareExchange(
        _ word: RundownWord, expected: UInt, desired: UInt,
        successOrdering: AtomicUpdateOrdering, failureOrdering: AtomicLoadOrdering
    ) -> (exchanged: Bool, original: UInt)

    /// Atomically adds `delta` (wrapping) to `word`; returns the new value.
    static func wrappingAdd(_ word: RundownWord, _ delta: UInt, ordering: AtomicUpdateOrdering) -> UInt

    /// Makes `event` unsignalled. Called before the event can be signalled by anyone else.
    static func resetEvent(_ event: RundownEventWord)

    /// Signals `event` and wakes its sleeper (with releasing order). After this call the caller
    /// must not touch the event's memory: the waiter may already have returned and reused it.
    static func signalEvent(_ event: RundownEventWord)

    /// Blocks the calling thread until `event` is signalled (with acquiring order).
    static func waitForEvent(_ event: RundownEventWord)

    /// The CPU the calling thread runs on now. Any value is valid: callers reduce it modulo their
    /// slot count.
    static func currentCPU() -> UInt32

    /// Whether cache-aware refs on this platform run the fast path (``restartableSlotAdd`` and
    /// ``barrier``) rather than the compare-exchange path. Must not change while refs exist:
    /// a ref never sees both paths.
    static var fastPath: Bool { get }

    /// The fast path's restartable per-CPU add, as one critical section that no other section on
    /// the same CPU interleaves with (a preemption, migration, signal or ``barrier`` restarts
    /// it before its commit): reads `layout.gate` (acquiring); if it is not 0 returns it and
    /// writes nothing; otherwise adds `delta` (wrapping) to the current CPU's slot with a plain
    /// load and a plain (releasing) store, and returns 0. Only when ``fastPath`` is true.
    static func restartableSlotAdd(_ layout: CacheAwareLayout, _ delta: UInt) -> UInt

    /// The entry points' common case, tried before anything else: where ``fastPath`` is true and
    /// ``isChecked`` false, ``restartableSlotAdd``; elsewhere a non-zero answer and no write. Any
    /// non-zero answer (the gate closed, or not the common case) sends the caller down its
    /// general path, which decides again. The default tests the two answers, then runs the
    /// section; the production platform folds both tests into the section's gate test.
    static func commonCaseSlotAdd(_ layout: CacheAwareLayout, _ delta: UInt) -> UInt

    /// The fast path's process-wide barrier: on return every ``restartableSlotAdd`` in progress on
    /// any thread has committed (its store visible to the caller) or will restart after the
    /// caller's earlier stores (and read them); a full fence on every thread. Only when
    /// ``fastPath`` is true. `layout`: the ref whose slots the caller reads next (sanitizer builds
    /// record the ordering there).
    static func barrier(_ layout: CacheAwareLayout)

    /// Number of CPUs: the slot count of a cache-aware ref allocated or sized on this platform.
    /// The size a ref needs follows from it (``CacheAwareEntryPoints/sizeOf``), so it must not
    /// change while refs sized by it are in use.
    static var cpuCount: Int { get }

    /// The deliberate deviation the algorithm runs with (a negative control, see
    /// ``RundownFault``), or `.none`. The only way a control is selected: every platform answers
    /// it, the production one with the constant `.none`.
    static var fault: RundownFault { get }

    /// Whether the entry points run the checked-mode bookkeeping: the process-wide switch
    /// (``RundownChecking``) unless a testing platform decides for itself.
    static var isChecked: Bool { get }
}

extension RundownPlatform {
    /// The process-wide switch.
    @inlinable @inline(__always)
    package static var isChecked: Bool { RundownChecking.isEnabled }

    /// The two answers tested, then the section.
    @inlinable @inline(__always)
    package static func commonCaseSlotAdd(_ layout: CacheAwareLayout, _ delta: UInt) -> UInt {
        fastPath && !isChecked ? restartableSlotAdd(layout, delta) : 1
    }
}
