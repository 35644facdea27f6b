#if canImport(Glibc)
    import Glibc
#endif
import Rundown
import RundownTestKit
import Synchronization

/// A small runtime for arbitrary concurrent programs on the controlled scheduler: logical
/// threads (``spawn(_:)``, ``join(_:)``), controlled atomic cells (``SharedCell``), a mutex and
/// a condition variable built on them (``RuntimeMutex``, ``RuntimeCondition``) and assertions
/// that end the run with a named failure (``check(_:_:)``). Every shared operation is a
/// scheduling point, so the schedule bytes (or a ``ScheduleStrategy``) decide the
/// interleaving; deadlock and livelock detection, traces and replay are the scheduler's, the
/// same the rundown programs have.
///
/// A program is a `main` closure run as thread 0 by ``run(threads:schedule:strategy:readsFrom:stepBound:traced:decisions:main:)``;
/// it creates its shared objects and spawns up to `threads - 1` more threads. Everything here
/// may only be called from inside such a run.
package enum Runtime {
    /// The run in progress (nil outside a run).
    nonisolated(unsafe) static var state: RuntimeState?

    static var scheduler: Scheduler {
        guard let scheduler = Scheduler.active, state != nil else {
            preconditionFailure("Runtime used outside Runtime.run: create and use runtime objects only inside a run")
        }
        return scheduler
    }

    /// The calling logical thread's index (0 is `main`).
    package static var currentThread: Int { scheduler.current }

    /// Starts `body` on the next free logical thread and returns it. Spawning is a scheduling
    /// point (as thread creation is an event for the tools the benchmarks come from); the new
    /// thread becomes runnable and the schedule decides when it starts. In a weak-memory run
    /// it starts with everything its creator did.
    @discardableResult
    package static func spawn(_ body: @escaping () -> Void) -> LogicalThread {
        let scheduler = self.scheduler
        let state = self.state!
        scheduler.point(.call, word: .zero)
        guard state.nextSlot < scheduler.threadCount else {
            preconditionFailure(
                "Runtime.spawn: the program spawns more than the \(scheduler.threadCount - 1) threads its run allows; "
                    + "raise `threads` in Runtime.run")
        }
        let slot = state.nextSlot
        state.nextSlot += 1
        state.bodies[slot] = body
        if let memory = scheduler.memory {
            _ = memory.tick(scheduler.current)
            memory.synchronise(slot, with: memory.clocks[scheduler.current])
        }
        scheduler.states[slot] = .runnable
        scheduler.strategy?.spawned(slot, by: scheduler.current)
        state.note("T\(scheduler.current) spawns T\(slot)")
        return LogicalThread(index: slot)
    }

    /// Blocks until `thread` has finished; in a weak-memory run, what it did happens before
    /// what the caller does next.
    package static func join(_ thread: LogicalThread) {
        let scheduler = self.scheduler
        state!.joining[scheduler.current] = thread.index
        while scheduler.states[thread.index] != .finished { scheduler.block(on: Scheduler.joinKey) }
        state!.joining[scheduler.current] = nil
        if let memory = scheduler.memory { memory.synchronise(scheduler.current, with: memory.clocks[thread.index]) }
        state!.note("T\(scheduler.current) joined T\(thread.index)")
    }

    /// Ends the run with the failure ``Failure/assertion(thread:name:)`` unless `condition` holds.
    package static func check(_ condition: Bool, _ name: @autoclosure () -> String) {
        if condition { return }
        let scheduler = self.scheduler
        state!.note("T\(scheduler.current) fails: \(name())")
        scheduler.fail(.assertion(thread: scheduler.current, name: name()))
    }

    /// Makes `thread`, blocked on `key`, runnable.
    static func wake(thread: Int, from key: UInt) {
        let scheduler = self.scheduler
        guard scheduler.states[thread] == .blocked(key) else { return }
        scheduler.states[thread] = .runnable
        scheduler.trace.append(.woken(thread: thread, by: scheduler.current))
    }

    /// Runs `main` as thread 0 of a controlled run that allows `threads` logical threads.
    ///
    /// - Parameters:
    ///   - schedule: the schedule bytes (ignored when `strategy` decides).
    ///   - strategy: decides every choice instead of the bytes; the outcome's `schedule` then
    ///     holds the bytes that replay the run.
    ///   - readsFrom: the reads-from stream of the weak-memory mode; nil runs sequentially
    ///     consistent.
    ///   - stepBound: the scheduling points after which the run is a livelock.
    ///   - traced: whether to keep a readable line per operation in the outcome.
    ///   - decisions: records every choice (for ``ExhaustiveSearch`` and ``BoundedSearch``).
    package static func run(
        threads: Int, schedule: [UInt8], strategy: (any ScheduleStrategy)? = nil, readsFrom: [UInt8]? = nil,
        stepBound: Int = 10_000, traced: Bool = false, decisions: DecisionLog? = nil, main: @escaping () -> Void
    ) -> RuntimeOutcome {
        precondition(threads >= 1, "Runtime.run needs at least one thread (main), got \(threads)")
        return OneRunAtATime.run {
            let scheduler = Scheduler.shared
            let state = RuntimeState(threads: threads, traced: traced)
            state.bodies[0] = main
            scheduler.reset(
                threads: threads,
                body: { index in state.bodies[index]!() },
                schedule: ScheduleBytes(schedule), cpuCount: 1, fault: .none, stepBound: stepBound,
                feedsCounters: false, readsFrom: readsFrom,
                labeller: { address in .variable(UInt8(truncatingIfNeeded: state.objectIDs[address] ?? 0)) },
                decisions: decisions, onPoint: {})
            for index in 1..<threads { scheduler.states[index] = .finished }
            scheduler.describeWait = { key in state.describe(key) }
            strategy?.beginRun(threads: threads)
            scheduler.strategy = strategy
            Runtime.state = state
            defer { Runtime.state = nil }
            scheduler.run()
            strategy?.endRun(steps: scheduler.steps)
            return RuntimeOutcome(
                failure: scheduler.failure, schedule: strategy == nil ? schedule : scheduler.produced,
                steps: scheduler.steps,
                trace: state.lines + (scheduler.failure.map { ["verdict: \($0)"] } ?? ["verdict: pass"]),
                readsFrom: readsFrom.map { strategy == nil ? $0 : scheduler.weakMemory.produced })
        }
    }
}

/// A logical thread of a runtime program (what ``Runtime/spawn(_:)`` returns).
package struct LogicalThread: Sendable, Equatable {
    package let index: Int
}

/// What a runtime run did.
package struct RuntimeOutcome: Sendable {
    /// The run's failure, if any.
    package var failure: Failure?
    /// The schedule bytes that replay the run.
    package var schedule: [UInt8]
    /// The scheduling points the run made.
    package var steps: Int
    /// One line per operation when the run was traced (and the verdict), else only the verdict.
    package var trace: [String]
    /// The reads-from bytes that replay the run; nil for a sequentially consistent run.
    package var readsFrom: [UInt8]? = nil
}

/// The bookkeeping of the runtime run in progress: spawned bodies, object names, the trace.
final class RuntimeState {
    var bodies: [(() -> Void)?]
    var nextSlot = 1
    /// Stable ids of the run's objects by address, in creation order (1, 2, ...): the same
    /// program gives the same ids in every run, which strategies rely on.
    var objectIDs: [UInt: Int] = [:]
    var names: [UInt: String] = [:]
    /// Which thread each thread is joining (for the deadlock report).
    var joining: [Int: Int] = [:]
    let traced: Bool
    var lines: [String] = []

    init(threads: Int, traced: Bool) {
        bodies = Array(repeating: nil, count: threads)
        self.traced = traced
    }

    /// Registers an object; returns its stable id.
    func register(_ address: UInt, name: String) -> Int {
        let id = objectIDs.count + 1
        objectIDs[address] = id
        names[address] = name
        return id
    }

    func note(_ line: @autoclosure () -> String) {
        if traced { lines.append(line()) }
    }

    func describe(_ key: UInt) -> String? {
        if key == Scheduler.joinKey { return "joining a thread" }
        return names[key].map { "waiting on \($0)" }
    }
}
