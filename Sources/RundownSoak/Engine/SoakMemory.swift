import Synchronization

/// Counters and status words of the soak's threads, in raw memory, one 128-byte block per thread
/// so that no two threads' counters share a cache line. Each word is written by its own thread
/// only and read by the main thread for statistics and the watchdog: relaxed loads and stores
/// are enough (they publish numbers, not memory), and they add no ordering that could hide a
/// missing one in the library from ThreadSanitizer.
struct SoakCounters {
    static let wordsPerBlock = 16
    let base: UnsafeMutablePointer<Atomic<UInt64>>
    let blocks: Int

    init(blocks: Int) {
        self.blocks = blocks
        let raw = UnsafeMutableRawPointer.allocate(byteCount: blocks * SoakCounters.wordsPerBlock * 8, alignment: 128)
        base = raw.bindMemory(to: Atomic<UInt64>.self, capacity: blocks * SoakCounters.wordsPerBlock)
        for i in 0..<blocks * SoakCounters.wordsPerBlock { (base + i).initialize(to: Atomic(0)) }
    }

    func deallocate() { UnsafeMutableRawPointer(base).deallocate() }

    @inline(__always)
    func word(_ block: Int, _ index: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        base + block * SoakCounters.wordsPerBlock + index
    }

    /// Adds `n` to a word only its own thread writes (a load and a store, no read-modify-write).
    @inline(__always)
    func bump(_ block: Int, _ index: Int, by n: UInt64 = 1) {
        let w = word(block, index)
        w.pointee.store(w.pointee.load(ordering: .relaxed) &+ n, ordering: .relaxed)
    }

    @inline(__always)
    func set(_ block: Int, _ index: Int, _ value: UInt64) {
        word(block, index).pointee.store(value, ordering: .relaxed)
    }

    @inline(__always)
    func get(_ block: Int, _ index: Int) -> UInt64 { word(block, index).pointee.load(ordering: .relaxed) }

    /// Word `index` summed over every block (all workers' acquires, all owners' cycles).
    func sum(_ index: Int) -> UInt64 {
        (0..<blocks).reduce(0) { $0 &+ get($1, index) }
    }
}

/// The words of a worker's block.
enum WorkerWord {
    static let acquires = 0, failedAcquires = 1, crossCPUReleases = 2, longHolds = 3, state = 4, attempts = 5
}

/// The words of an owner's block.
enum OwnerWord {
    static let cycles = 0, waitStartNs = 1, state = 2
}

/// What a thread is doing, for the watchdog's report: a phase and the ref it concerns.
enum ThreadPhase: UInt64, CustomStringConvertible {
    case starting, choosing, acquiring, holding, releasing, movingCPU, longHold, parked, open, waiting, retiring,
        finished

    /// Packs the phase, the ref (cell) and the CPU into a status word.
    static func word(_ phase: ThreadPhase, cell: Int = 0, cpu: UInt32 = 0) -> UInt64 {
        phase.rawValue | UInt64(truncatingIfNeeded: cell) << 8 | UInt64(cpu) << 32
    }

    static func unpack(_ word: UInt64) -> (phase: ThreadPhase, cell: Int, cpu: UInt32) {
        (
            ThreadPhase(rawValue: word & 0xFF) ?? .starting, Int((word >> 8) & 0xFF_FFFF),
            UInt32(truncatingIfNeeded: word >> 32)
        )
    }

    var description: String {
        switch self {
        case .starting: "starting"
        case .choosing: "choosing a ref"
        case .acquiring: "acquiring"
        case .holding: "holding protection"
        case .releasing: "releasing"
        case .movingCPU: "moving to another CPU while holding"
        case .longHold: "in a long hold"
        case .parked: "parked (stutter)"
        case .open: "ref open, letting workers in"
        case .waiting: "waiting for rundown"
        case .retiring: "checking and retiring the object"
        case .finished: "finished"
        }
    }
}

/// The protected objects: plain (non-atomic) memory that workers read and write only while
/// protected. Word 0 is a magic number, 1 the owner's cycle, 2 the state, then one lane per
/// worker that only that worker increments (so workers do not race with each other, only
/// with an owner that retires the object too early).
enum ProtectedObject {
    static let magic: UInt64 = 0x5255_4E44_4F57_4E21  // "RUNDOWN!"
    static let live: UInt64 = 1, retired: UInt64 = 2
    static let headerWords = 3

    static func make(workers: Int, cycle: UInt64) -> UnsafeMutablePointer<UInt64> {
        let object = UnsafeMutablePointer<UInt64>.allocate(capacity: headerWords + workers)
        object.initialize(repeating: 0, count: headerWords + workers)
        object[0] = magic
        object[1] = cycle
        object[2] = live
        return object
    }

    /// The sum of the workers' lanes: how many times the object was touched.
    static func touches(_ object: UnsafeMutablePointer<UInt64>, workers: Int) -> UInt64 {
        var sum: UInt64 = 0
        for w in 0..<workers { sum &+= object[headerWords + w] }
        return sum
    }
}
