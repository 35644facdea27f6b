import Histogram
import Rundown
import RundownTestKit
import Synchronization
import _RundownShims
import _ToolShims

/// One soak run: starts the owners and workers, watches them (statistics, stutter, shuffle,
/// the watchdog, stop signals) until the time is up or something fails, then tears down and
/// returns the summary.
///
/// After a FAILURE the threads are not joined (some may hang forever, which is often the
/// failure) and the shared memory is not freed: the caller reports and exits.
package final class SoakRun {
    /// The run's configuration (validated).
    package let configuration: SoakConfiguration
    let output: SoakOutput
    let implementation: SoakImplementation

    /// - Precondition: `configuration.problems` is empty.
    package init(configuration: SoakConfiguration, output: SoakOutput) {
        precondition(configuration.problems.isEmpty, configuration.problems.joined(separator: "; "))
        self.configuration = configuration
        self.output = output
        implementation = configuration.parsedImplementation!
    }

    /// Runs to the end and returns the summary.
    package func run() -> SoakSummary {
        // A negative control runs on the engine's real-thread platform with the fault on;
        // jitter adds delays in front of that platform.
        RealThreadPlatform.fault = implementation.fault
        RealThreadPlatform.cpuCount = CacheAwareLayout.cpuCount
        if configuration.jitter > 0 {
            JitterPlatform.shift = UInt32(configuration.jitter.trailingZeroBitCount)
            return run(on: JitterPlatform.self)
        }
        return implementation.fault == .none ? run(on: SystemPlatform.self) : run(on: RealThreadPlatform.self)
    }

    /// The pool tag of every ref a soak run allocates (the leak check at the end counts it).
    static let tag: PoolTag = "Soak"

    private func run<P: RundownPlatform>(on platform: P.Type) -> SoakSummary {
        let startNs = rundown_soak_now_ns()
        let poolBefore = RundownPool.usage(tag: SoakRun.tag)
        let world = SoakWorld(configuration: configuration, implementation: implementation, startNs: startNs)
        for cell in 0..<world.cells {
            let kind = implementation.refKind(ofCell: cell)
            world.kinds[cell] = kind
            // Caller memory 128-aligned: the header shares no cache line with a neighbour.
            guard let ref = AnyRundownRef<P>.create(kind, tag: SoakRun.tag, alignment: 128) else {
                fatalError("rundown-soak: ExAllocateCacheAwareRundownProtection returned NULL (out of memory?)")
            }
            world.refs[cell] = ref
            // Relaxed: the threads start after this; creating them orders it before their work.
            world.object(cell).pointee.store(
                UInt(bitPattern: ProtectedObject.make(workers: configuration.workers, cycle: 0)), ordering: .relaxed)
        }
        // The library's misuse reports are failures here (the soak never misuses the API); the
        // reporting thread records it and parks, and the main thread ends the run.
        RundownMisuse.interceptor = { misuse, call, ref in
            world.fail(.misuse, RundownMisuse.message(misuse, call: call, ref: ref))
            while true { rundown_soak_sleep_ns(1_000_000_000) }
        }

        printBanner("start", world: world)
        let latencies = (0..<configuration.owners).map { _ in OwnerLatencies() }
        var threads: [SpawnedThread] = []
        for o in 0..<configuration.owners {
            let mine = latencies[o]
            threads.append(SpawnedThread(name: "owner \(o)") { SoakOwner<P>.run(world, index: o, latencies: mine) })
        }
        for w in 0..<configuration.workers {
            threads.append(SpawnedThread(name: "worker \(w)") { SoakWorker<P>.run(world, index: w) })
        }

        let monitor = SoakMonitor(world: world, latencies: latencies, output: output, startNs: startNs)
        let signal = monitor.watch()

        var failure = world.failures.failure
        if failure == nil {
            world.control.set(0, SoakWorld.Control.stop, 1)
            monitor.watchWhileStopping(threads: threads.count)
            failure = world.failures.failure
        }
        if failure != nil {
            for thread in threads { thread.detach() }
        } else {
            for thread in threads { thread.join() }
            failure = world.failures.failure ?? tearDown(world, on: platform, poolBefore: poolBefore)
            // Only now: after a failure, detached threads may still report misuse.
            if failure == nil { RundownMisuse.interceptor = nil }
        }
        let summary = monitor.summary(failure: failure, signal: signal)
        printBanner("end", world: world)
        output.line(SoakReporter.verdictLines(summary).joined(separator: "\n"))
        if failure == nil { world.deallocate() }
        return summary
    }

    /// Frees the objects and the refs (each owner's last wait ran them down) and checks the pool.
    private func tearDown<P: RundownPlatform>(_ world: SoakWorld, on platform: P.Type, poolBefore: PoolUsage)
        -> SoakFailure?
    {
        for cell in 0..<world.cells {
            let kind = world.kinds[cell], ref = world.refs[cell]
            // Relaxed: every thread that touched the object has been joined.
            if let object = UnsafeMutablePointer<UInt64>(
                bitPattern: world.object(cell).pointee.load(ordering: .relaxed))
            {
                if object[0] != ProtectedObject.magic || object[2] != ProtectedObject.live {
                    world.fail(
                        .corruptedObject,
                        "at teardown, ref \(cell)'s object is not live (magic \(hex(object[0])), state \(object[2]))")
                }
                object.deallocate()
            }
            if kind != .cacheAwareAllocated { RundownChecking.forgetShadow(of: ref) }
            AnyRundownRef<P>.destroy(kind, ref)
        }
        let poolAfter = RundownPool.usage(tag: SoakRun.tag)
        if poolAfter != poolBefore {
            world.fail(
                .leak,
                "pool tag '\(SoakRun.tag)' still has \(poolAfter.blocks - poolBefore.blocks) block(s) allocated after every ref was freed"
            )
        }
        return world.failures.failure
    }

    /// The parameters: one per line at the start, all on one line at the end (next to the verdict).
    private func printBanner(_ which: String, world: SoakWorld) {
        let head = "rundown-soak \(which): \(world.cpus) CPUs, stacks by \(StackTrace.unwinder)"
        if which == "start" {
            output.line(([head] + configuration.parameterLines.map { "  \($0): \($1)" }).joined(separator: "\n"))
        } else {
            output.line(head + "; " + configuration.parameterLines.map { "\($0)=\($1)" }.joined(separator: ", "))
        }
    }
}
