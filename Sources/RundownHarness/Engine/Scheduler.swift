#if canImport(Glibc)
    import Glibc
#endif
import Rundown
import Synchronization
import _ToolShims

/// The controlled scheduler: runs logical threads as fibers on one OS thread and lets the
/// schedule bytes decide, at every scheduling point, which thread performs the next step.
///
/// One scheduler serves every run in the process (`Scheduler.shared`), reset per run; the
/// controlled platform reaches the run in progress through `Scheduler.active`. Nothing here is
/// thread-safe, by design: a run is single-threaded. A run that ends in a failure abandons its
/// fibers mid-frame; whatever those frames retained stays retained, which is why the scheduler
/// and the runner are long-lived objects rather than one per run. (Under ThreadSanitizer those
/// frames would stay on the fibers' shadow call stacks too: `rundown_fiber_prepare` gives an
/// abandoned fiber a fresh ThreadSanitizer context; see fiber.c.)
final class Scheduler {
    enum ThreadState: Equatable {
        case runnable
        case blocked(UInt)
        case finished
    }

    /// The run in progress, if any.
    nonisolated(unsafe) static var active: Scheduler?

    /// Fibers are expensive to create and cheap to reuse: one set per process.
    nonisolated(unsafe) static var fiberPool: [UnsafeMutablePointer<rundown_fiber>] = []
    /// The OS thread's own context. Described once: finding a thread's stack reads
    /// /proc/self/maps, which would otherwise dominate the cost of a run.
    nonisolated(unsafe) static var mainFiber: UnsafeMutablePointer<rundown_fiber> = {
        let fiber = UnsafeMutablePointer<rundown_fiber>.allocate(capacity: 1)
        fiber.initialize(to: rundown_fiber())
        rundown_fiber_adopt_thread(fiber)
        return fiber
    }()
    /// The thread whose stack `mainFiber` describes (runs on another thread re-describe it).
    nonisolated(unsafe) static var mainThread: pthread_t?
    static let stackSize = 1 << 20

    nonisolated(unsafe) static let shared = Scheduler()

    /// Runs logical thread `index`'s program.
    var body: (Int) -> Void = { _ in }
    var threadCount = 0
    var states: [ThreadState] = []
    var current = -1
    var schedule = ScheduleBytes([])
    var steps = 0
    var stepBound = 0
    var cpuCount = 1
    var fault = RundownFault.none
    /// Whether the run's cache-aware refs take the fast path (see RestartableSections.swift).
    var fastPath = false
    /// The fast path's model: per CPU, how many sections have started on it; and how many
    /// barriers have run. A section restarts when either moved since it started.
    var sectionsStarted: [Int] = []
    var barriers = 0
    var failure: Failure?
    var trace: [TraceEvent] = []
    /// Which other thread's stack each thread may touch, and until when.
    var lifetime = WaitBlockLifetime()
    /// Called at every scheduling point, before the decision (the runner's invariant checks).
    var onPoint: () -> Void = {}
    /// The coverage feature of the previous point (for switch pairs).
    var lastFeature: UInt32 = 0
    var feedsCounters = false
    /// The weak-memory model of the run in progress; nil for a sequentially consistent run.
    var memory: MemoryModel?
    /// The one model every weak-memory run reuses (reset per run).
    let weakMemory = MemoryModel()
    /// Happens-before checks of plain memory (weak-memory runs only).
    var plainMemory = PlainMemoryOracle()
    /// What the owner had done when it opened the start gate (weak-memory runs: a worker's start).
    var gateClock = VectorClock()
    /// Where the choices are recorded, when someone enumerates runs.
    var decisions: DecisionLog?
    /// The trace step of each thread's latest scheduling point (findings name their accesses by it).
    var pointSteps: [Int] = []
    /// What each thread is about to do at its latest scheduling point (strategies that reason
    /// about conflicts read it; ``PendingAccess/unknown`` where the point names no object).
    var pending: [PendingAccess] = []
    /// When set, the strategy makes every decision instead of the schedule bytes, and the bytes
    /// a replay needs to repeat the run collect in ``produced``; in a weak-memory run it makes
    /// the reads-from choices too (their bytes collect in the model's ``MemoryModel/produced``).
    var strategy: (any ScheduleStrategy)? {
        didSet { weakMemory.strategy = strategy }
    }
    /// The schedule bytes of the run so far, when a strategy decides (one byte per decision).
    var produced: [UInt8] = []
    /// The runnable threads of the choice in progress (reused: a choice allocates nothing).
    private var runnableScratch: [Int] = []
    /// Names what a blocked thread waits on, for keys the scheduler does not know itself (the
    /// runtime's mutexes, condition variables and joins); nil falls back to the event wording.
    var describeWait: ((UInt) -> String?)?

    /// Prepares a run of `threads` logical threads.
    func reset(
        threads: Int, body: @escaping (Int) -> Void, schedule: ScheduleBytes, cpuCount: Int, fault: RundownFault,
        stepBound: Int, feedsCounters: Bool, readsFrom: [UInt8]? = nil, refs: Int = 0,
        labeller: @escaping (UInt) -> LocationLabel = { _ in .variable(0) }, decisions: DecisionLog? = nil,
        onPoint: @escaping () -> Void
    ) {
        self.body = body
        self.decisions = decisions
        if let readsFrom {
            weakMemory.reset(threads: threads, readsFrom: readsFrom, labeller: labeller)
            weakMemory.decisions = decisions
            memory = weakMemory
            plainMemory.reset(threads: threads, refs: refs)
            gateClock = VectorClock()
        } else {
            memory = nil
        }
        self.threadCount = threads
        self.states = Array(repeating: .runnable, count: threads)
        self.schedule = schedule
        self.cpuCount = cpuCount
        self.fault = fault
        self.sectionsStarted = Array(repeating: 0, count: cpuCount)
        self.barriers = 0
        self.stepBound = stepBound
        self.feedsCounters = feedsCounters
        self.onPoint = onPoint
        self.current = -1
        self.pointSteps = Array(repeating: 0, count: threads)
        self.pending = Array(repeating: .unknown, count: threads)
        self.strategy = nil
        self.produced = []
        self.describeWait = nil
        self.steps = 0
        self.failure = nil
        self.gateOpen = false
        self.exclusive = nil
        self.lastFeature = 0
        // Kept from run to run: a run's trace grows to a few hundred events, and under
        // AddressSanitizer every allocation records a stack.
        trace.removeAll(keepingCapacity: true)
        trace.reserveCapacity(256)
        while Scheduler.fiberPool.count < threads {
            let fiber = UnsafeMutablePointer<rundown_fiber>.allocate(capacity: 1)
            fiber.initialize(to: rundown_fiber())
            rundown_fiber_create(fiber, Scheduler.stackSize)  // stops the process if it cannot map the stack
            Scheduler.fiberPool.append(fiber)
        }
        lifetime.reset(
            stacks: Scheduler.fiberPool.prefix(threads).map {
                WaitBlockLifetime.Span(
                    low: UInt(bitPattern: $0.pointee.stack_bottom), size: UInt($0.pointee.stack_size))
            })
    }

    /// Runs every logical thread to completion (or to the first failure) on the calling thread.
    func run() {
        precondition(Scheduler.active == nil, "one controlled run at a time")
        Scheduler.active = self
        defer { Scheduler.active = nil }
        let me = pthread_self()
        if Scheduler.mainThread.map({ pthread_equal($0, me) == 0 }) ?? true {
            rundown_fiber_adopt_thread(Scheduler.mainFiber)
            Scheduler.mainThread = me
        }
        for index in 0..<threadCount {
            rundown_fiber_prepare(
                Scheduler.fiberPool[index], schedulerFiberEntry, UnsafeMutableRawPointer(bitPattern: index + 1))
        }
        let first = choose(preferring: 0)!
        current = first
        rundown_fiber_switch(Scheduler.mainFiber, Scheduler.fiberPool[first])
        // Back here once every thread finished, or a failure abandoned the run.
    }

    /// The body of logical thread `index`; on return, its fiber switches to whoever runs next
    /// (the main context when nobody can).
    func runThread(_ index: Int) {
        body(index)
        states[index] = .finished
        trace.append(.finished(thread: index))
        for other in states.indices where states[other] == .blocked(Scheduler.joinKey) {
            states[other] = .runnable
        }
        let fiber = Scheduler.fiberPool[index]
        if let next = choose(preferring: index) {
            current = next
            fiber.pointee.exit_to = Scheduler.fiberPool[next]
        } else {
            if !states.allSatisfy({ $0 == .finished }), failure == nil { failure = deadlock }
            fiber.pointee.exit_to = Scheduler.mainFiber
        }
    }

    var blockedThreads: [Int] {
        states.indices.filter { if case .blocked = states[$0] { return true } else { return false } }
    }

    /// The deadlock finding: every unfinished thread, what it is in and what it is blocked on.
    var deadlock: Failure {
        let blocked = blockedThreads
        let waits = blocked.map { thread -> String in
            guard case let .blocked(key) = states[thread] else { return "T\(thread)" }
            let on =
                describeWait?(key)
                ?? (key == Scheduler.joinKey
                    ? "joining the other threads"
                    : key == Scheduler.gateKey
                        ? "at the start gate"
                        : "asleep on its event")
            return "T\(thread) (" + (lifetime.calls[thread].map { "\($0), " } ?? "") + on + ")"
        }
        let unfinished = states.filter { $0 != .finished }.count
        return .deadlock(blocked: blocked, waits: waits, unfinished: unfinished, threads: states.count)
    }

    /// Ends the run with `failure` and abandons every logical thread.
    func fail(_ failure: Failure) -> Never {
        if self.failure == nil { self.failure = failure }
        rundown_fiber_leave(Scheduler.fiberPool[current], Scheduler.mainFiber)
    }

    /// Ends the run early without a failure (a misuse program whose misuse was reported).
    func stop() -> Never {
        rundown_fiber_leave(Scheduler.fiberPool[current], Scheduler.mainFiber)
    }

    /// A runnable thread chosen by the next schedule byte; without bytes, `preferring` if it can
    /// run, else the lowest runnable thread. Nil if none can run.
    @inline(__always)
    func choose(preferring: Int) -> Int? {
        if let exclusive, states[exclusive] == .runnable { return exclusive }
        var runnable = 0
        for state in states where state == .runnable { runnable += 1 }
        if runnable == 0 { return nil }
        let canContinue = preferring == current && preferring < states.count && states[preferring] == .runnable
        if let strategy {
            runnableScratch.removeAll(keepingCapacity: true)
            for index in states.indices where states[index] == .runnable { runnableScratch.append(index) }
            let chosen = strategy.chooseThread(
                DecisionPoint(
                    runnable: runnableScratch, continuing: canContinue ? preferring : nil, pending: pending))
            precondition(
                states[chosen] == .runnable, "the \(strategy.name) strategy chose thread \(chosen), which cannot run")
            let position = runnableScratch.firstIndex(of: chosen)!
            produced.append(UInt8(truncatingIfNeeded: position))
            decisions?.record(
                .schedule, arity: runnable, position: position,
                defaultPosition: runnablePosition(of: fallback(preferring: preferring)), preemptable: canContinue)
            return chosen
        }
        guard let byte = schedule.next() else {
            let chosen = fallback(preferring: preferring)
            decisions?.record(
                .schedule, arity: runnable, position: runnablePosition(of: chosen),
                defaultPosition: runnablePosition(of: chosen), preemptable: canContinue)
            return chosen
        }
        var k = Int(byte) % runnable
        // Optional chaining evaluates the arguments only when someone records.
        decisions?.record(
            .schedule, arity: runnable, position: k,
            defaultPosition: runnablePosition(of: fallback(preferring: preferring)), preemptable: canContinue)
        for index in states.indices where states[index] == .runnable {
            if k == 0 { return index }
            k -= 1
        }
        return nil
    }

    /// The thread chosen when the schedule has no byte left: `preferring` if it can run, else
    /// the lowest runnable thread (callers know one can run).
    @inline(__always)
    func fallback(preferring: Int) -> Int {
        preferring < states.count && states[preferring] == .runnable ? preferring : states.firstIndex(of: .runnable)!
    }

    /// How many runnable threads come before `thread` (its option number in a choice).
    func runnablePosition(of thread: Int) -> Int {
        var position = 0
        for index in 0..<thread where states[index] == .runnable { position += 1 }
        return position
    }

    @inline(__always)
    func transfer(to next: Int) {
        let from = current
        current = next
        rundown_fiber_switch(Scheduler.fiberPool[from], Scheduler.fiberPool[next])
    }

    /// A scheduling point: the calling logical thread is about to perform `kind` on a word whose
    /// value is `value`. The schedule decides who performs the next step.
    @inline(__always)
    func point(_ kind: PointKind, word: WordClass, access: PendingAccess = .unknown) {
        pending[current] = access
        steps += 1
        if steps > stepBound { fail(.livelock(steps: stepBound)) }
        onPoint()
        let me = current
        let next = choose(preferring: me) ?? me
        pointSteps[me] = trace.count
        trace.append(.point(thread: me, kind: kind, word: word, next: next))
        if feedsCounters {
            let feature = UInt32(kind.rawValue) &* 8 &+ UInt32(word.rawValue)
            if next != me {
                // An interleaving feature: what the switched-from thread was doing, paired with
                // what the switched-to thread did last (stable ids only, never addresses).
                rundown_extra_counter_hit(0x800 | (lastFeature &* 64 &+ feature) & 0x7FF)
            } else {
                rundown_extra_counter_hit(feature)
            }
            lastFeature = feature
        }
        if next != me { transfer(to: next) }
    }

    /// The calling thread sleeps until `event` is signalled.
    func waitForEvent(_ event: RundownEventWord) {
        point(.waitEvent, word: .event)
        checkAccess(.waitEvent, at: UInt(bitPattern: event))
        while event.pointee.load(ordering: .acquiring) == 0 {
            block(on: UInt(bitPattern: event))
            checkAccess(.waitEvent, at: UInt(bitPattern: event))
        }
        // The observation that ends the sleep reads the newest store, as the futex's own check
        // does (a stale read would only sleep again until it saw it); acquiring, unless the
        // control weakens it.
        if memory != nil {
            let acquiring = fault.waiterObservation != .relaxed
            modelLoad(UInt(bitPattern: event), current: 1, acquiring: acquiring, newestOnly: true, kind: .waitEvent)
        }
    }

    /// Fails the run if the calling thread may not touch `address` now (another thread's stack
    /// outside a live wait block, or a release's wait-block operation on no live block: see
    /// ``WaitBlockLifetime``).
    @inline(__always)
    func checkAccess(_ kind: PointKind, at address: UInt) {
        if let owner = lifetime.illegalOwner(of: address, accessedBy: current) {
            fail(lifetime.failure(address: address, accessedBy: current, kind: kind, owner: owner))
        }
        if lifetime.isStrayBlockAccess(kind, at: address, by: current) {
            fail(lifetime.strayBlockFailure(address: address, accessedBy: current, kind: kind))
        }
    }

    /// Parks the calling thread on `key` and runs another; returns once someone made it runnable
    /// again and the schedule chose it. No runnable thread left is a deadlock. A thread that
    /// runs exclusively gives that up while it sleeps and takes it back when it wakes.
    func block(on key: UInt) {
        let me = current
        states[me] = .blocked(key)
        guard let next = choose(preferring: me) else { fail(deadlock) }
        trace.append(.blocked(thread: me, next: next))
        let wasExclusive = exclusive == me
        if wasExclusive { exclusive = nil }
        transfer(to: next)
        if wasExclusive { exclusive = me }
    }

    /// Blocks the calling thread until every other logical thread has finished (the owner's
    /// teardown: accessors must be done with a ref before its memory goes away).
    func joinOthers() {
        let me = current
        while states.indices.contains(where: { $0 != me && states[$0] != .finished }) {
            block(on: Scheduler.joinKey)
        }
        // A join orders everything the joined threads did before what the joiner does next.
        if let memory {
            for other in states.indices where other != me { memory.synchronise(me, with: memory.clocks[other]) }
        }
    }

    /// The key a joining thread is blocked on (no event has this address).
    static let joinKey = UInt.max
    /// The key a worker waiting for the owner's set-up is blocked on.
    static let gateKey = UInt.max - 1
    var gateOpen = false
    /// While set, only this thread runs (a step no other thread may interleave with).
    var exclusive: Int?

    /// Blocks the calling thread until ``openGate()``.
    func awaitGate() {
        while !gateOpen { block(on: Scheduler.gateKey) }
        // A thread's start orders what its creator did before it.
        memory?.synchronise(current, with: gateClock)
    }

    /// Lets every thread waiting in ``awaitGate()`` run.
    func openGate() {
        gateOpen = true
        if let memory {
            memory.tick(current)
            gateClock = memory.clocks[current]
        }
        for index in states.indices where states[index] == .blocked(Scheduler.gateKey) {
            states[index] = .runnable
        }
    }

    /// Signals `event` and makes its sleepers runnable.
    func signalEvent(_ event: RundownEventWord) {
        point(.signalEvent, word: .event)
        checkAccess(.signalEvent, at: UInt(bitPattern: event))
        let previous = UInt(event.pointee.load(ordering: .relaxed))
        if modelStore(UInt(bitPattern: event), previous: previous, value: 1, releasing: true, kind: .signalEvent) {
            event.pointee.store(1, ordering: .releasing)
        }
        let key = UInt(bitPattern: event)
        for index in states.indices where states[index] == .blocked(key) {
            states[index] = .runnable
            trace.append(.woken(thread: index, by: current))
        }
    }

    /// The CPU slot the schedule places the calling thread on.
    func chooseCPU() -> UInt32 {
        point(.currentCPU, word: .event)
        var byte: UInt8?
        if let strategy {
            byte = UInt8(truncatingIfNeeded: strategy.chooseValue(below: cpuCount))
            produced.append(byte!)
        } else {
            byte = schedule.next()
        }
        let cpu = byte.map { Int($0) % cpuCount } ?? current % cpuCount
        decisions?.record(.schedule, arity: cpuCount, position: cpu, defaultPosition: current % cpuCount)
        trace.append(.cpu(thread: current, cpu: cpu))
        return UInt32(cpu)
    }
}

/// The C entry of every fiber: its argument is the logical thread's index plus one.
private let schedulerFiberEntry: @convention(c) (UnsafeMutableRawPointer?) -> Void = { argument in
    Scheduler.active!.runThread(Int(bitPattern: argument) - 1)
}
