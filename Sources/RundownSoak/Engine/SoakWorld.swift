import Synchronization
import _RundownShims
import _ToolShims
import RundownTestKit

/// Everything the soak's threads share, in raw memory that outlives them: the refs, their
/// objects, the counters and the run's control words. Mostly pointers, so that the threads'
/// hot loops touch no reference-counted object (whose atomic operations ThreadSanitizer would
/// take for synchronisation between the threads); the class instances in it (failure log,
/// holder logs) are touched only on cold paths (a failure, checked mode).
struct SoakWorld {
    let configuration: SoakConfiguration
    let implementation: SoakImplementation
    let cells: Int
    /// The ref of each cell (a plain word or a cache-aware header) and its kind.
    let refs: UnsafeMutablePointer<UnsafeMutableRawPointer>
    let kinds: UnsafeMutablePointer<RefKind>
    /// The object each cell's ref protects, one word per 128 bytes. Relaxed: what orders the
    /// object's fields before a worker's reads is the ref itself (reinitialise publishes,
    /// acquire acquires), which is exactly what the soak tests.
    let objects: UnsafeMutablePointer<Atomic<UInt>>
    let workerCounters: SoakCounters
    let ownerCounters: SoakCounters
    /// Run control: word 0 stop, 1 paused (stutter), 2 shuffle epoch, 3 leak planted, 4 threads
    /// finished.
    let control: SoakCounters
    /// Checked mode: each worker's outstanding protections.
    let holders: [HolderLog]
    let failures: SoakFailureLog
    /// The CPUs this process may run on.
    let cpus: Int

    static let objectStride = 16

    /// The shared state of a run, with empty cells (the run creates their refs and objects).
    init(configuration: SoakConfiguration, implementation: SoakImplementation, startNs: UInt64) {
        self.configuration = configuration
        self.implementation = implementation
        cells = configuration.owners * configuration.refsPerOwner
        refs = .allocate(capacity: cells)
        kinds = .allocate(capacity: cells)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: cells * SoakWorld.objectStride * 8, alignment: 128)
        objects = raw.bindMemory(to: Atomic<UInt>.self, capacity: cells * SoakWorld.objectStride)
        for i in 0..<cells * SoakWorld.objectStride { (objects + i).initialize(to: Atomic(0)) }
        workerCounters = SoakCounters(blocks: configuration.workers)
        ownerCounters = SoakCounters(blocks: configuration.owners)
        control = SoakCounters(blocks: 1)
        holders = (0..<configuration.workers).map { _ in HolderLog() }
        failures = SoakFailureLog(startNs: startNs)
        cpus = Int(rundown_allowed_cpu_count())
    }

    /// Frees the shared memory (after every thread has been joined and every ref freed).
    func deallocate() {
        refs.deallocate()
        kinds.deallocate()
        UnsafeMutableRawPointer(objects).deallocate()
        workerCounters.deallocate()
        ownerCounters.deallocate()
        control.deallocate()
    }

    enum Control { static let stop = 0, paused = 1, shuffleEpoch = 2, leakPlanted = 3, finished = 4 }

    @inline(__always)
    func object(_ cell: Int) -> UnsafeMutablePointer<Atomic<UInt>> { objects + cell * SoakWorld.objectStride }

    /// Whether the threads should stop (the run's time is up, a signal came, or a failure).
    @inline(__always)
    var stopping: Bool { control.get(0, Control.stop) != 0 }

    /// Counts a thread out. Relaxed: the count only tells the main thread when joining will not
    /// block; the join itself orders the thread's work before the teardown.
    func threadFinished() {
        control.word(0, Control.finished).pointee.wrappingAdd(1, ordering: .relaxed)
    }

    /// Threads that have finished their loops.
    var finishedThreads: Int { Int(control.get(0, Control.finished)) }

    /// Records a failure (the first one wins) and tells every thread to stop.
    @inline(never)
    func fail(_ kind: SoakFailureKind, _ message: String) {
        failures.record(kind, message, nowNs: rundown_soak_now_ns())
        // Several threads may store here: each stores the same nonzero value.
        control.word(0, Control.stop).pointee.store(2, ordering: .relaxed)
    }
}
