import Rundown
import RundownTestKit
import Synchronization
import _ToolShims

/// Runs one decoded program under the controlled scheduler against the real implementation
/// (the library's entry points, checks included, on ``ControlledPlatform``) and judges it with
/// the reference model, the spec's invariants and the object-lifetime oracle.
package final class Runner {
    /// The library's entry points on the controlled platform, for every kind of ref.
    typealias Ref = AnyRundownRef<ControlledPlatform>

    /// The pool tag every harness allocation is accounted to.
    package static let tag: PoolTag = "Hrns"
    /// Scheduling points after which a run counts as a livelock.
    package static let stepBound = 20_000

    /// One ref as the runner holds it.
    struct Handle {
        /// The plain word, or the cache-aware header.
        var ref: UnsafeMutableRawPointer?
        /// Caller memory (plain word or cache-aware buffer) that the runner owns.
        var callerMemory: UnsafeMutableRawPointer?
        var callerMemorySize = 0
        /// The protected object: field 0 holds a generation check value, field 1 + t thread t's tally.
        var object: UnsafeMutablePointer<Int>?
        var generation = 0
        /// Free returned: the library gave the ref's memory back.
        var freed = false
    }

    var program = Program(refKind: .plain, cpus: 1, refCount: 0, threads: [])
    var mode = InputDecoder.Mode.interleavings
    var handles: [Handle] = []
    var models: [RefModel] = []
    /// Protections each thread holds per ref (real, as granted).
    var holds: [[Int]] = []
    var allocationAttempts = 0
    /// The misuse each thread's current call commits, if any.
    var expected: [RundownMisuse?] = []
    var misuseReported = false
    unowned(unsafe) var scheduler: Scheduler = Scheduler.shared

    /// One runner serves every run (see ``Scheduler``: abandoned runs keep their retains).
    nonisolated(unsafe) static let shared = Runner()

    init() {}

    /// Prepares a run of `program` in `mode`.
    func reset(program: Program, mode: InputDecoder.Mode) {
        self.program = program
        self.mode = mode
        allocationAttempts = 0
        expected = Array(repeating: nil, count: program.threads.count)
        misuseReported = false
        let origin: RundownOrigin = program.refKind == .cacheAwareAllocated ? .allocated : .callerMemory
        handles = Array(repeating: Handle(), count: program.refCount)
        models = Array(repeating: RefModel(origin: origin), count: program.refCount)
        holds = Array(repeating: Array(repeating: 0, count: program.refCount), count: program.threads.count)
    }

    /// The outcome of a run.
    package struct RunOutcome {
        package var failure: Failure?
        package var trace: [TraceEvent]
        /// Scheduling points executed.
        package var steps: Int
        /// The schedule bytes that replay the run (a strategy's decisions, when one decided).
        package var produced: [UInt8]
        /// The reads-from bytes that replay the run (a strategy's choices, when one decided);
        /// nil for a sequentially consistent run.
        package var producedReadsFrom: [UInt8]?
    }

    /// Runs the program with `schedule`, the library switched to `fault`; with a reads-from
    /// stream (even an empty one) under the weak-memory model. `decisions` records every choice;
    /// `strategy`, when given, makes them instead of the schedule bytes. `fastPath`: cache-aware
    /// refs take the fast path's model (RestartableSections.swift).
    package func run(
        schedule: [UInt8], readsFrom: [UInt8]? = nil, fault: RundownFault, feedsCounters: Bool = true,
        stepBound: Int = Runner.stepBound, decisions: DecisionLog? = nil, strategy: (any ScheduleStrategy)? = nil,
        fastPath: Bool = false
    ) -> RunOutcome {
        if let failing = program.failingAllocation {
            RundownPool.injectFailures(.nth(failing), tag: Runner.tag)
        }
        RundownMisuse.interceptor = { misuse, _, _ in Runner.intercept(misuse) }
        let poolBefore = RundownPool.usage(tag: Runner.tag)
        defer {
            RundownMisuse.interceptor = nil
            RundownPool.stopInjectingFailures(tag: Runner.tag)
        }
        scheduler = Scheduler.shared
        scheduler.reset(
            threads: program.threads.count, body: { Runner.current!.runThread($0) }, schedule: ScheduleBytes(schedule),
            cpuCount: program.cpus, fault: fault, stepBound: stepBound, feedsCounters: feedsCounters,
            readsFrom: readsFrom, refs: program.refCount, labeller: { Runner.current!.label(of: $0) },
            decisions: decisions, onPoint: { Runner.current!.checkInvariants() })
        if let strategy {
            strategy.beginRun(threads: program.threads.count)
            scheduler.strategy = strategy
        }
        scheduler.fastPath = fastPath
        Runner.current = self
        scheduler.run()
        strategy?.endRun(steps: scheduler.steps)
        var failure = scheduler.failure
        let finishedNormally = failure == nil && !misuseReported

        cleanUp()
        if finishedNormally, failure == nil {
            let usage = RundownPool.usage(tag: Runner.tag)
            if usage != poolBefore {
                failure = .leak(before: poolBefore, after: usage)
            }
        }
        return RunOutcome(
            failure: failure, trace: scheduler.trace, steps: scheduler.steps,
            produced: strategy == nil ? schedule : scheduler.produced,
            producedReadsFrom: readsFrom.map { strategy == nil ? $0 : scheduler.weakMemory.produced })
    }

    /// The interceptor for misuse reports: judged against the model, then the run ends.
    static func intercept(_ misuse: RundownMisuse) -> Never {
        let scheduler = Scheduler.active!
        let runner = current!
        let thread = scheduler.current
        scheduler.trace.append(.misuse(thread: thread, misuse))
        guard runner.mode == .misuse else { scheduler.fail(.unexpectedMisuse(thread: thread, misuse)) }
        guard let expected = runner.expected[thread] else { scheduler.fail(.unexpectedMisuse(thread: thread, misuse)) }
        guard misuse.matches(expected) else {
            scheduler.fail(.wrongMisuse(thread: thread, expected: expected, reported: misuse))
        }
        runner.misuseReported = true
        scheduler.stop()
    }

    /// The runner of the run in progress (the interceptor's way back in).
    nonisolated(unsafe) static var current: Runner?

    /// Workers start once the owner has created the refs (an accessor of a ref that does not
    /// exist yet has nothing to call); the owner opens the gate after its leading creates.
    func runThread(_ thread: Int) {
        if thread > 0 { scheduler.awaitGate() }
        var gateOpen = thread > 0
        // By index, not `for in`: an iterator would keep the operations array retained in this
        // frame, and a run that ends in a finding or a reported misuse abandons the frame, so
        // the array would never be freed (one leak per run: a long Misuse campaign grew by
        // hundreds of megabytes until libFuzzer called it out of memory).
        var index = 0
        while index < program.threads[thread].count {
            let operation = program.threads[thread][index]
            index += 1
            if !gateOpen, !operation.isCreate {
                scheduler.openGate()
                gateOpen = true
            }
            perform(operation, thread: thread)
        }
        if !gateOpen { scheduler.openGate() }
    }

    // MARK: - Operations

    func perform(_ operation: Program.Operation, thread: Int) {
        let r = operation.ref
        if skips(operation, thread: thread) {
            scheduler.trace.append(.skipped(thread: thread, operation))
            return
        }
        // A scheduling point before every call, so the schedule orders whole calls too.
        scheduler.point(.call, word: .event)
        expected[thread] = mode == .misuse ? models[r].misuse(of: operation, kind: program.refKind) : nil
        scheduler.trace.append(.begin(thread: thread, operation))
        scheduler.lifetime.calls[thread] = operation
        defer { scheduler.lifetime.calls[thread] = nil }
        // Misuse programs judge calls against the contract, not races between calls: each call
        // runs without interleaving (a wait that sleeps still lets the others run).
        if mode == .misuse { scheduler.exclusive = thread }
        defer { if mode == .misuse { scheduler.exclusive = nil } }
        var result: Bool?
        switch operation {
        case .create: create(r, thread: thread)
        case let .acquire(_, count): result = acquire(r, count: count, thread: thread)
        case let .release(_, count): release(r, count: count, thread: thread)
        case .touch: touch(r, thread: thread)
        case .wait: wait(r, thread: thread)
        case .completed: completed(r)
        case .reinitialize: reinitialize(r)
        case .destroy: destroy(r, thread: thread)
        case let .initializeAgain(_, tooSmall): initializeAgain(r, tooSmall: tooSmall)
        }
        if let missed = expected[thread] {
            scheduler.fail(.missedMisuse(thread: thread, expected: missed))
        }
        scheduler.trace.append(.end(thread: thread, result: result))
    }

    /// Whether `operation` is left out: its ref does not exist (creation failed, or it was torn
    /// down), or it is a touch without protection, or, in a program that keeps the contract, a
    /// release without protection (its session's acquire failed).
    func skips(_ operation: Program.Operation, thread: Int) -> Bool {
        let r = operation.ref
        if operation.isCreate { return false }
        if handles[r].ref == nil || models[r].phase == .freed && mode != .misuse { return true }
        let unprotected = holds[thread][r] == 0
        return operation.isTouch && unprotected || operation.isRelease && unprotected && mode != .misuse
    }

    func fail(_ thread: Int, _ what: String) -> Never {
        scheduler.fail(.oracle(thread: thread, what: what))
    }

    func create(_ r: Int, thread: Int) {
        let kind = program.refKind
        // Caller memory comes zeroed (no garbage in the trace).
        var handle = Handle()
        if kind.usesCallerMemory {
            handle.ref = Ref.create(kind, tag: Runner.tag)
            handle.callerMemory = handle.ref
            handle.callerMemorySize = Ref.callerMemorySize(kind)
        } else {
            // The model of the pool: which attempt numbers this Allocate makes, and whether the
            // injected failure hits one of them.
            let first = allocationAttempts + 1
            let failing = program.failingAllocation
            let expectNil = failing == first || failing == first + 1
            allocationAttempts += failing == first ? 1 : 2
            let ref = Ref.create(kind, tag: Runner.tag)
            if (ref == nil) != expectNil {
                fail(
                    thread,
                    "Allocate returned \(ref == nil ? "NULL" : "a ref"), expected \(expectNil ? "NULL" : "a ref"): allocation #"
                        + "\(failing.map(String.init) ?? "none") is set to fail and this Allocate makes attempts #\(first) and #\(first + 1)"
                )
            }
            handle.ref = ref
        }
        handles[r] = handle
        guard handle.ref != nil else { return }
        models[r].phase = .live
        publishObject(r)
    }

    /// A new protected object for ref `r`, before accessors can see the ref (re)opened.
    func publishObject(_ r: Int) {
        let object = UnsafeMutablePointer<Int>.allocate(capacity: 1 + program.threads.count)
        object.initialize(repeating: 0, count: 1 + program.threads.count)
        handles[r].generation += 1
        object[0] = 1000 + handles[r].generation
        handles[r].object = object
        models[r].objectAlive = true
        scheduler.objectInitialised(ref: r)
    }

    func freeObject(_ r: Int) {
        guard let object = handles[r].object else { return }
        scheduler.objectFreed(ref: r)
        object.deallocate()
        handles[r].object = nil
        models[r].objectAlive = false
    }

    func acquire(_ r: Int, count: Int, thread: Int) -> Bool {
        let ref = handles[r].ref!
        let granted = Ref.acquire(program.refKind, ref, count: count)
        let phase = models[r].phase
        if granted {
            if phase == .runDown || phase == .completed {
                fail(
                    thread,
                    "acquire r\(r) x\(count) succeeded, expected it to fail: the ref is \(phase) (the owner's wait returned)"
                )
            }
            holds[thread][r] += count
            models[r].outstanding += count
        } else {
            // Weak memory: a load may read a store from before the ref was reinitialised (no
            // release/acquire orders the two), and an acquire that sees the ref closed then fails
            // rightly: it takes effect before the reinitialise. Only a fresh read is judged.
            let readStale = scheduler.memory?.lastReadWasStale[thread] ?? false
            if phase == .live && !readStale {
                fail(
                    thread,
                    "acquire r\(r) x\(count) failed, expected it to succeed: the ref is live (no wait has started, "
                        + "\(models[r].outstanding) outstanding)")
            }
        }
        return granted
    }

    func release(_ r: Int, count: Int, thread: Int) {
        let ref = handles[r].ref!
        // The checked mode counts a release as it starts (before any scheduling point): so does
        // the model, so that other threads' calls meanwhile are judged against the same count.
        holds[thread][r] -= count
        models[r].outstanding -= count
        models[r].releasing += count
        defer { models[r].releasing -= count }
        Ref.release(program.refKind, ref, count: count)
    }

    /// Uses the protected object: only legal while protected and before the owner frees it.
    func touch(_ r: Int, thread: Int) {
        guard models[r].objectAlive, let object = handles[r].object else {
            fail(
                thread,
                "T\(thread) uses r\(r)'s object while it holds \(holds[thread][r]) protection(s), but the owner already "
                    + "freed it (the ref is \(models[r].phase))")
        }
        guard object[0] == 1000 + handles[r].generation else {
            fail(thread, "r\(r)'s object holds \(object[0]), expected generation \(1000 + handles[r].generation)")
        }
        object[1 + thread] += 1
        scheduler.objectTouched(ref: r)
    }

    func wait(_ r: Int, thread: Int) {
        let ref = handles[r].ref!
        let before = models[r].phase
        if before == .live { models[r].phase = .waiting }
        scheduler.waitStarts()
        Ref.waitForRelease(program.refKind, ref)
        // The block on this thread's stack is dead from here on (the end event is the next in the trace).
        scheduler.waitEnded()
        let outstanding = models[r].outstanding
        if outstanding != 0 {
            fail(
                thread,
                "wait r\(r) returned while \(outstanding) protection(s) are outstanding, expected 0 (held by "
                    + holders(r).map { "T\($0.0) x\($0.1)" }.joined(separator: ", ") + ")")
        }
        if models[r].phase == .waiting { models[r].phase = .runDown }
        // The real usage pattern: the owner tears the object down the moment the wait returns.
        freeObject(r)
    }

    func holders(_ r: Int) -> [(Int, Int)] {
        holds.indices.compactMap { holds[$0][r] > 0 ? ($0, holds[$0][r]) : nil }
    }

    func completed(_ r: Int) {
        let ref = handles[r].ref!
        Ref.rundownCompleted(program.refKind, ref)
        models[r].phase = .completed
    }

    func reinitialize(_ r: Int) {
        let ref = handles[r].ref!
        let before = models[r].phase
        if before == .runDown || before == .completed {
            publishObject(r)
            models[r].phase = .reinitializing
        }
        Ref.reinitialize(program.refKind, ref)
        models[r].phase = .live
    }

    func destroy(_ r: Int, thread: Int) {
        if mode != .misuse {
            // Accessors must be done with the ref before its memory goes away.
            scheduler.joinOthers()
            freeObject(r)
        }
        switch program.refKind {
        case .cacheAwareAllocated:
            // The checked mode forgets the ref as Free starts: so does the model.
            if expected[thread] == nil { models[r].phase = .freed }
            Ref.free(handles[r].ref!)
            handles[r].freed = true
            freeObject(r)
        case .cacheAwareCallerMemory:
            // Caller memory is the caller's to free; a misuse program hands it to Free anyway.
            if mode == .misuse { Ref.free(handles[r].ref!) }
            models[r].phase = .freed
        case .plain:
            // A plain ref has no Free: its word simply stops being used. Misuse programs keep
            // calling it, which is no misuse the library can see, so it stays live for them.
            if mode != .misuse { models[r].phase = .freed }
        }
    }

    func initializeAgain(_ r: Int, tooSmall: Bool) {
        let ref = handles[r].ref!
        // The checked mode records the fresh ref as Initialize starts: so does the model (its
        // words change one by one meanwhile, hence the transitional phase).
        if expected[Scheduler.shared.current] == nil {
            let objectAlive = models[r].objectAlive
            models[r] = RefModel(origin: models[r].origin)
            models[r].phase = .reinitializing
            models[r].objectAlive = objectAlive
            if handles[r].object == nil { publishObject(r) }
        }
        let size = tooSmall ? Ref.CacheAware.sizeOf - 1 : handles[r].callerMemorySize
        Ref.initialize(program.refKind, ref, size: size)
        models[r].phase = .live
    }

    // MARK: - Invariants (checked at every scheduling point)

    /// For every ref in a settled phase: a live ref's words sum to twice the outstanding count;
    /// a run-down or completed ref has every word exactly run down.
    func checkInvariants() {
        for r in handles.indices {
            guard let ref = handles[r].ref else { continue }
            let phase = models[r].phase
            guard phase == .live || phase == .runDown || phase == .completed else { continue }
            var words: [UInt]
            if program.refKind == .plain {
                words = [ref.load(as: UInt.self)]
            } else {
                let layout = CacheAwareLayout(header: ref)
                words = (0..<layout.count).map { layout.slot($0).pointee.load(ordering: .relaxed) }
                if scheduler.fastPath {
                    // The fast path's state is the gate; its slots hold counts only, all 0 once
                    // run down: check the gate as if it were every word of a run-down ref.
                    let gate = layout.gate.pointee.load(ordering: .relaxed)
                    if phase != .live {
                        words = words.contains(where: { $0 != 0 }) ? words : [gate]
                    } else if gate != 0 {
                        words = [gate]
                    }
                }
            }
            if phase == .live {
                let sum = words.reduce(0, &+)
                let expected = models[r].outstanding + models[r].releasing
                if sum != UInt(2 * expected) {
                    fail(
                        scheduler.current,
                        "invariant: r\(r) is live with \(models[r].outstanding) outstanding + \(models[r].releasing) "
                            + "in releases in flight = \(expected) protection(s) (word sum 0x"
                            + String(2 * expected, radix: 16) + "), but its word(s) "
                            + words.map { "0x" + String($0, radix: 16) }.joined(separator: ", ") + " sum to 0x"
                            + String(sum, radix: 16)
                            + " = \(Int(bitPattern: sum) / 2) protection(s)")
                }
            } else if words.contains(where: { $0 != RundownWordState.active }) {
                fail(
                    scheduler.current,
                    "invariant: r\(r) is run down but its word(s) are "
                        + words.map { "0x" + String($0, radix: 16) }.joined(separator: ", ")
                        + " (each must be exactly 1)")
            }
        }
    }

    /// The name of the atomic location at `address`: a ref's word or slot, a wait block's field.
    func label(of address: UInt) -> LocationLabel {
        for r in handles.indices {
            guard let ref = handles[r].ref else { continue }
            if program.refKind == .plain {
                if UInt(bitPattern: ref) == address { return .word(ref: UInt8(r)) }
            } else {
                let layout = CacheAwareLayout(header: ref)
                for slot in 0..<layout.count where UInt(bitPattern: layout.slot(slot)) == address {
                    return .slot(ref: UInt8(r), slot: UInt8(slot))
                }
            }
        }
        for (owner, stack) in scheduler.lifetime.stacks.enumerated() where stack.contains(address) {
            // A block's count comes first, its event one word later (see WaitBlock).
            let published = scheduler.lifetime.published[owner]
            return published.size != 0 && address != published.low
                ? .blockEvent(owner: UInt8(owner)) : .blockCount(owner: UInt8(owner))
        }
        return .variable(0)
    }

    /// Frees whatever the run left behind (an abandoned run may leave refs mid-way).
    func cleanUp() {
        for r in handles.indices {
            if let ref = handles[r].ref { RundownChecking.forgetShadow(of: ref) }
            if let object = handles[r].object { object.deallocate() }
            if program.refKind == .cacheAwareAllocated, let header = handles[r].ref, !handles[r].freed {
                let owner = CacheAwareLayout.owner(header: header)
                if let slots = UnsafeMutableRawPointer(bitPattern: owner) { RundownPool.free(slots) }
                RundownPool.free(header)
            }
            handles[r].callerMemory?.deallocate()
            handles[r] = Handle()
        }
        Runner.current = nil
    }
}

extension Program.Operation {
    var isTouch: Bool { if case .touch = self { return true } else { return false } }
    var isRelease: Bool { if case .release = self { return true } else { return false } }
    var isCreate: Bool { if case .create = self { return true } else { return false } }
}
