import Histogram
import Rundown
import Synchronization
import _RundownShims
import _ToolShims
import RundownTestKit

/// An owner's wait latencies, drained by the main thread at every statistics line.
final class OwnerLatencies: @unchecked Sendable {
    // @unchecked Sendable: the histogram is behind the lock (a pthread mutex: ThreadSanitizer sees its ordering, which it does not for `Synchronization.Mutex`).
    private let histogram = Locked(
        Histogram<UInt64>(highestTrackableValue: 3_600_000_000_000, numberOfSignificantValueDigits: .three))

    func record(nanoseconds: UInt64) { histogram.withLock { _ = $0.record(max(1, nanoseconds)) } }

    /// The latencies since the last drain; starts a new interval.
    func drain() -> Histogram<UInt64> {
        histogram.withLock { histogram in
            let taken = histogram
            histogram.reset()
            return taken
        }
    }
}

/// An owner's loop over its refs: leave the ref open for a while, wait for rundown, check the
/// object (live, and nobody touches it any more), retire it (free it after a short quarantine,
/// or reuse it), sometimes mark the ref completed and wait again, then reinitialise the ref with
/// the next object.
enum SoakOwner<P: RundownPlatform> {
    /// Retired objects kept before they are freed, so that a late touch is seen as a change.
    struct Retired {
        var object: UnsafeMutablePointer<UInt64>
        var cell: Int
        var touches: UInt64
    }

    static var quarantineDepth: Int { 4 }

    static func run(_ world: SoakWorld, index o: Int, latencies: OwnerLatencies) {
        defer { world.threadFinished() }
        let configuration = world.configuration
        let counters = world.ownerCounters
        let workers = configuration.workers
        let myCells = (o * configuration.refsPerOwner)..<((o + 1) * configuration.refsPerOwner)
        var random = SplitMix64(seed: configuration.seed, stream: 0x8000_0000 + UInt64(o))
        rundown_soak_jitter_seed(random.next())
        var quarantine: [Retired] = []
        quarantine.reserveCapacity(quarantineDepth + 1)

        while !world.stopping {
            for cell in myCells where !world.stopping {
                let kind = world.kinds[cell], ref = world.refs[cell]
                counters.set(o, OwnerWord.state, ThreadPhase.word(.open, cell: cell))
                if configuration.openMicroseconds > 0 {
                    rundown_soak_sleep_ns(UInt64(random.below(2 * configuration.openMicroseconds + 1)) * 1000)
                }

                let latency = watchedWait(kind, ref, cell: cell, owner: o, counters: counters)

                // Run down: nobody holds protection, so the object is the owner's alone.
                // Relaxed: the ref, now run down, orders the object (see SoakWorld.objects).
                guard
                    let object = UnsafeMutablePointer<UInt64>(
                        bitPattern: world.object(cell).pointee.load(ordering: .relaxed))
                else {
                    world.fail(.corruptedObject, "owner \(o)'s wait on ref \(cell) returned and the ref has no object")
                    return
                }
                let cycle = counters.get(o, OwnerWord.cycles)
                if object[0] != ProtectedObject.magic || object[2] != ProtectedObject.live {
                    world.fail(
                        .corruptedObject,
                        "owner \(o)'s wait on ref \(cell) returned and the object is not the live one it published (magic \(hex(object[0])), state \(object[2]))"
                    )
                    return
                }
                let touches = ProtectedObject.touches(object, workers: workers)
                object[2] = ProtectedObject.retired

                // Waiting again is legal and must return at once, completed or not.
                let variant = random.below(8)
                if variant == 0 { _ = watchedWait(kind, ref, cell: cell, owner: o, counters: counters) }
                if variant >= 6 {
                    AnyRundownRef<P>.rundownCompleted(kind, ref)
                    if variant == 7 { _ = watchedWait(kind, ref, cell: cell, owner: o, counters: counters) }
                }

                if random.below(4) == 0 {
                    // Reuse: nobody may have touched it since the wait returned.
                    if !check(object, cell: cell, touches: touches, owner: o, world: world) { return }
                    for w in 0..<workers { object[ProtectedObject.headerWords + w] = 0 }
                    object[1] = cycle &+ 1
                    object[2] = ProtectedObject.live
                } else {
                    quarantine.append(Retired(object: object, cell: cell, touches: touches))
                    let next = ProtectedObject.make(workers: workers, cycle: cycle &+ 1)
                    // Relaxed: the reinitialise below publishes the new object (see SoakWorld.objects).
                    world.object(cell).pointee.store(UInt(bitPattern: next), ordering: .relaxed)
                }
                AnyRundownRef<P>.reinitialize(kind, ref)

                if quarantine.count > quarantineDepth {
                    let oldest = quarantine.removeFirst()
                    if !check(oldest.object, cell: oldest.cell, touches: oldest.touches, owner: o, world: world) {
                        return
                    }
                    oldest.object.deallocate()
                }
                latencies.record(nanoseconds: latency)
                counters.set(o, OwnerWord.cycles, cycle &+ 1)
            }
        }
        // After a failure a worker may still hold a protection (and touch a retired object):
        // leave everything as it is; the run ends without freeing.
        if world.failures.hasFailed.load(ordering: .relaxed) { return }
        // The last wait on each ref, watched like the others: teardown then finds them run down.
        for cell in myCells {
            _ = watchedWait(world.kinds[cell], world.refs[cell], cell: cell, owner: o, counters: counters)
        }
        for retired in quarantine {
            if !check(retired.object, cell: retired.cell, touches: retired.touches, owner: o, world: world) { return }
            retired.object.deallocate()
        }
        counters.set(o, OwnerWord.state, ThreadPhase.word(.finished))
    }

    /// A wait the watchdog can see (its start time in the owner's block); returns how long it took.
    static func watchedWait(
        _ kind: RefKind, _ ref: UnsafeMutableRawPointer, cell: Int, owner o: Int, counters: SoakCounters
    ) -> UInt64 {
        counters.set(o, OwnerWord.state, ThreadPhase.word(.waiting, cell: cell))
        let start = rundown_soak_now_ns()
        counters.set(o, OwnerWord.waitStartNs, start)
        AnyRundownRef<P>.waitForRelease(kind, ref)
        let took = rundown_soak_now_ns() &- start
        counters.set(o, OwnerWord.waitStartNs, 0)
        counters.set(o, OwnerWord.state, ThreadPhase.word(.retiring, cell: cell))
        return took
    }

    /// Whether a retired object is unchanged since its wait returned; records the failure if not.
    static func check(
        _ object: UnsafeMutablePointer<UInt64>, cell: Int, touches: UInt64, owner o: Int, world: SoakWorld
    ) -> Bool {
        let now = ProtectedObject.touches(object, workers: world.configuration.workers)
        if object[2] != ProtectedObject.retired || now != touches {
            world.fail(
                .touchedAfterWait,
                "ref \(cell)'s object (cycle \(object[1])) was touched after owner \(o)'s wait returned: \(touches) touches at the wait's return, \(now) later, state \(object[2])"
            )
            return false
        }
        return true
    }
}
