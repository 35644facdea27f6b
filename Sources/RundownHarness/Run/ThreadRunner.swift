#if canImport(Glibc)
    import Glibc
#endif
import Rundown
import RundownTestKit
import Synchronization
import _RundownShims
import _ToolShims

/// Runs a decoded program on real OS threads, one per logical thread, with the CPU placements,
/// spins, yields and moves of its ``ThreadPlan``, against the real implementation on
/// ``RealThreadPlatform``. The oracle is the real usage pattern: workers read and write plain
/// fields of a heap object only while protected; the owner frees it the moment its wait returns.
/// A wait that returns early is a heap-use-after-free under AddressSanitizer; a missing
/// acquire/release ordering is a data race under ThreadSanitizer.
package final class ThreadRunner {
    /// The library's entry points on the real-thread platform, for every kind of ref.
    typealias Ref = AnyRundownRef<RealThreadPlatform>

    /// The pool tag of every ref a real-thread run allocates.
    package static let tag: PoolTag = "Thrd"

    static let pool = ThreadPool()

    /// Pins the calling logical thread to `cpu` (modulo the CPUs the process may use). A pool
    /// thread keeps its CPU from one input to the next, so most calls find it already there and
    /// make no system call (the shim remembers the pin). That cannot hide a race: the sanitizers
    /// treat `sched_setaffinity` as no synchronisation, so it adds or removes no ordering, only
    /// time. (The ordering controls once seemed to need the calls; the real cause was the
    /// unchecked free, see ``tearDown(_:)``.)
    ///
    /// When the CPU is no longer available to the process (taken offline, or the cpuset shrank:
    /// the shim answers EINVAL) the thread stays where it is. A placement only widens the
    /// interleavings real threads see; no oracle depends on it, so the run goes on.
    static func pin(to cpu: Int) {
        let answer = rundown_pin_current_thread(UInt32(cpu))
        assert(answer == 0 || answer == EINVAL, "rundown_pin_current_thread returned \(answer)")
    }

    let program: Program
    let plan: ThreadPlan
    /// The ref of each index: a plain word, or a cache-aware header (nil once destroyed).
    var refs: [UnsafeMutableRawPointer?]
    /// The caller memory of each ref of a caller-memory kind (given back when the runner goes).
    var callerMemory: [UnsafeMutableRawPointer?]
    /// The protected object of each ref (its address; 0 once freed).
    let objects: UnsafeMutablePointer<Atomic<UInt>>
    /// Workers that have finished their program (the owner tears refs down after all have).
    let finishedWorkers = Latch()
    /// Logical threads that have reached the start line. Relaxed on purpose: the start line
    /// only makes the threads overlap in time; it must not order them (that would hide races).
    let arrived = Atomic<Int>(0)

    package init(program: Program, plan: ThreadPlan) {
        self.program = program
        self.plan = plan
        refs = Array(repeating: nil, count: program.refCount)
        callerMemory = Array(repeating: nil, count: program.refCount)
        objects = .allocate(capacity: program.refCount)
        for r in 0..<program.refCount { (objects + r).initialize(to: Atomic(0)) }
    }

    deinit {
        for r in 0..<program.refCount {
            if let object = UnsafeMutablePointer<Int>(bitPattern: objects[r].load(ordering: .relaxed)) {
                object.deallocate()
            }
            callerMemory[r]?.deallocate()
        }
        objects.deallocate()
    }

    /// Runs the program once; returns a description of what went wrong, or nil. Runs share the
    /// real-thread platform's settings, the pool tag (its leak check) and the thread pool, so
    /// they go one at a time (``OneRunAtATime``; a parallel test runner may start several).
    package func run(fault: RundownFault) -> String? {
        OneRunAtATime.run { runAlone(fault: fault) }
    }

    private func runAlone(fault: RundownFault) -> String? {
        RealThreadPlatform.fault = fault
        RealThreadPlatform.cpuCount = program.cpus
        let before = RundownPool.usage(tag: ThreadRunner.tag)
        // The refs and the first objects exist before any logical thread starts (the pool's
        // start orders this set-up before everything the threads do).
        for r in 0..<program.refCount { create(r) }
        ThreadRunner.pool.run(program.threads.count) { [self] thread in runThread(thread) }
        let after = RundownPool.usage(tag: ThreadRunner.tag)
        if after != before {
            return
                "LEAK: the run's pool tag held \(before) before the run and \(after) after teardown (expected the same)"
        }
        return nil
    }

    func create(_ r: Int) {
        refs[r] = Ref.create(program.refKind, tag: ThreadRunner.tag)
        if program.refKind.usesCallerMemory { callerMemory[r] = refs[r] }
        publishObject(r)
    }

    /// A fresh object for ref `r`. Relaxed: what orders the object's fields before an
    /// accessor's reads is the rundown ref itself (initialise/reinitialise release, acquire
    /// acquires), which is exactly what this oracle tests.
    func publishObject(_ r: Int) {
        let object = UnsafeMutablePointer<Int>.allocate(capacity: 1 + program.threads.count)
        object.initialize(repeating: 0, count: 1 + program.threads.count)
        object[0] = 1000
        objects[r].store(UInt(bitPattern: object), ordering: .relaxed)
    }

    func runThread(_ thread: Int) {
        rundown_name_current_thread("T\(thread) \(thread == 0 ? "owner" : "worker")")
        let mine = plan.threads[thread]
        ThreadRunner.pin(to: mine.cpu)
        // Start together: without this a thread woken early runs its whole program before the
        // others are scheduled, and nothing overlaps.
        arrived.wrappingAdd(1, ordering: .relaxed)
        while arrived.load(ordering: .relaxed) < program.threads.count { rundown_yield() }
        spin(mine.startSpin)
        var holds = Array(repeating: 0, count: program.refCount)
        for (index, operation) in program.threads[thread].enumerated() {
            switch mine.steps[index] {
            case .none: break
            case let .spin(n): spin(n)
            case .yield: rundown_yield()
            case let .moveTo(cpu): ThreadRunner.pin(to: cpu)
            }
            perform(operation, thread: thread, holds: &holds)
        }
        if thread > 0 { finishedWorkers.add() }
    }

    /// A plan's spin. In C (see the shim): a Swift loop was removed by the optimiser in some
    /// builds and instrumented on every iteration in others, so the same bytes gave no delay or
    /// a delay many times longer depending on inlining.
    func spin(_ iterations: Int) {
        rundown_spin(UInt32(iterations))
    }

    func perform(_ operation: Program.Operation, thread: Int, holds: inout [Int]) {
        let r = operation.ref, kind = program.refKind
        guard let ref = refs[r] else { return }
        switch operation {
        case .create, .initializeAgain:
            break
        case let .acquire(_, count):
            if Ref.acquire(kind, ref, count: count) { holds[r] += count }
        case let .release(_, count):
            guard holds[r] >= count else { return }  // its session's acquire failed
            Ref.release(kind, ref, count: count)
            holds[r] -= count
        case .touch:
            guard holds[r] > 0 else { return }
            touch(r, thread: thread)
        case .wait:
            Ref.waitForRelease(kind, ref)
            // The real usage pattern: the owner tears the object down the moment the wait returns.
            tearDown(r)
        case .completed:
            Ref.rundownCompleted(kind, ref)
        case .reinitialize:
            publishObject(r)
            Ref.reinitialize(kind, ref)
        case .destroy:
            finishedWorkers.wait(for: program.threads.count - 1)
            tearDown(r)
            if !kind.usesCallerMemory { Ref.free(ref) }
            refs[r] = nil
        }
    }

    /// Takes ref `r`'s object away, reads and overwrites every field, then frees it: what an
    /// owner does with an object once its wait has returned.
    ///
    /// The plain reads and writes are the oracle under ThreadSanitizer. The free alone is not:
    /// the Swift toolchain's ThreadSanitizer runs with `ignore_interceptors_accesses=1` (the
    /// Swift runtime is not instrumented), so the access that the `free` interceptor makes is
    /// ignored and a touch that races with the free goes unreported; at best a later reuse of
    /// the address by instrumented code showed it, by luck. The writes conflict with every
    /// touch (its read of the tag, its write of its counter) that the rundown ref did not order
    /// before the wait's return.
    @inline(never)
    func tearDown(_ r: Int) {
        // Relaxed: the pointer only says which object; the ref orders its fields (see publishObject).
        guard let object = UnsafeMutablePointer<Int>(bitPattern: objects[r].exchange(0, ordering: .relaxed)) else {
            return
        }
        let fields = 1 + program.threads.count
        precondition(
            object[0] == 1000,
            "the owner finds r\(r)'s object tag \(object[0]) at teardown, expected 1000 (overwritten)")
        var touches = 0
        for field in 1..<fields { touches &+= object[field] }
        for field in 0..<fields { object[field] = -1 }
        withExtendedLifetime(touches) {}
        object.deallocate()
    }

    /// Reads and writes the protected object's plain fields: legal only while protected.
    @inline(never)
    func touch(_ r: Int, thread: Int) {
        guard let object = UnsafeMutablePointer<Int>(bitPattern: objects[r].load(ordering: .relaxed)) else {
            fatalError(
                "T\(thread) holds protection on r\(r) but its object pointer is 0 (freed): the owner's wait returned early"
            )
        }
        precondition(
            object[0] == 1000,
            "T\(thread) reads r\(r)'s object tag \(object[0]), expected 1000: not the object it protects")
        object[1 + thread] += 1
    }
}
