#if canImport(Glibc)
    import Glibc
#endif
import Rundown
import _RundownShims
import _ToolShims
import RundownTestKit

/// A worker's loop: pick a ref, acquire (sometimes several protections at once), check and
/// touch the protected object, sometimes hold long or move to another CPU, release (sometimes
/// in parts), and again, until the run stops. Between protections it obeys stutter (park) and
/// shuffle (move to its CPU of the epoch).
enum SoakWorker<P: RundownPlatform> {
    static func run(_ world: SoakWorld, index w: Int) {
        defer { world.threadFinished() }
        let configuration = world.configuration
        let counters = world.workerCounters
        let holders: HolderLog? = configuration.checked ? world.holders[w] : nil
        let plantsLeak = world.implementation == .leakOneProtection && w == 0
        let startNs = rundown_soak_now_ns()
        var random = SplitMix64(seed: configuration.seed, stream: UInt64(w) + 1)
        rundown_soak_jitter_seed(random.next())
        var epoch: UInt64 = 0
        var crossPin = w

        while !world.stopping {
            if world.control.get(0, SoakWorld.Control.paused) != 0 {
                counters.set(w, WorkerWord.state, ThreadPhase.word(.parked))
                rundown_soak_sleep_ns(1_000_000)
                continue
            }
            let currentEpoch = world.control.get(0, SoakWorld.Control.shuffleEpoch)
            if currentEpoch != epoch {
                epoch = currentEpoch
                place(worker: w, epoch: epoch, cpus: world.cpus)
            }
            counters.set(w, WorkerWord.state, ThreadPhase.word(.choosing))
            let cell = random.below(world.cells)
            let count = random.chance(configuration.exShare) ? 2 + random.below(configuration.maxExCount - 1) : 1
            let kind = world.kinds[cell], ref = world.refs[cell]
            let cpu = rundown_current_cpu()
            counters.bump(w, WorkerWord.attempts)
            counters.set(w, WorkerWord.state, ThreadPhase.word(.acquiring, cell: cell, cpu: cpu))
            guard AnyRundownRef<P>.acquire(kind, ref, count: count) else {
                counters.bump(w, WorkerWord.failedAcquires)
                continue
            }
            counters.set(w, WorkerWord.state, ThreadPhase.word(.holding, cell: cell, cpu: cpu))

            // Protected from here: the object is live and ours to touch. Relaxed: the acquire
            // orders the object after its publication (see SoakWorld.objects).
            guard
                let object = UnsafeMutablePointer<UInt64>(
                    bitPattern: world.object(cell).pointee.load(ordering: .relaxed))
            else {
                world.fail(.corruptedObject, "worker \(w) holds protection on ref \(cell) but the ref has no object")
                return
            }
            guard let cycle = touch(object, world: world, worker: w, cell: cell) else { return }
            holders?.add(
                HolderRecord(cell: cell, count: count, cycle: cycle, sinceNs: rundown_soak_now_ns(), stack: .capture()))

            if configuration.longHoldEvery > 0 && random.below(configuration.longHoldEvery) == 0 {
                counters.set(w, WorkerWord.state, ThreadPhase.word(.longHold, cell: cell, cpu: cpu))
                rundown_soak_sleep_ns(UInt64(configuration.longHoldMicroseconds) * 1000)
                counters.bump(w, WorkerWord.longHolds)
            }
            var moved = false
            if world.cpus > 1 && random.chance(configuration.crossCPUReleaseShare) {
                counters.set(w, WorkerWord.state, ThreadPhase.word(.movingCPU, cell: cell, cpu: cpu))
                crossPin += 1
                // A pin the shim refuses (EINVAL: that CPU left the process) leaves the worker
                // where it is; the CPU check below counts only releases that really moved.
                SoakWorker.pin(UInt32(crossPin % world.cpus))
                if rundown_current_cpu() == cpu {
                    crossPin += 1
                    SoakWorker.pin(UInt32(crossPin % world.cpus))
                }
                moved = true
                if rundown_current_cpu() != cpu { counters.bump(w, WorkerWord.crossCPUReleases) }
            }
            // Still protected: the object must still be live (and the same one).
            if object[2] != ProtectedObject.live || object[1] != cycle {
                world.fail(
                    .retiredObjectSeen,
                    "worker \(w) still holds protection on ref \(cell) (cycle \(cycle)) but its object was retired: the owner's wait returned while the protection was outstanding"
                )
                return
            }

            if plantsLeak && world.control.get(0, SoakWorld.Control.leakPlanted) == 0
                && rundown_soak_now_ns() &- startNs > 1_000_000_000
            {
                // The planted bug: this protection is never released.
                world.control.set(0, SoakWorld.Control.leakPlanted, UInt64(cell) + 1)
            } else {
                counters.set(w, WorkerWord.state, ThreadPhase.word(.releasing, cell: cell, cpu: rundown_current_cpu()))
                if count > 1 && random.chance(0.5) {
                    let first = 1 + random.below(count - 1)
                    AnyRundownRef<P>.release(kind, ref, count: first)
                    holders?.remove(cell: cell, count: first)
                    AnyRundownRef<P>.release(kind, ref, count: count - first)
                    holders?.remove(cell: cell, count: count - first)
                } else {
                    AnyRundownRef<P>.release(kind, ref, count: count)
                    holders?.remove(cell: cell, count: count)
                }
            }
            if moved { place(worker: w, epoch: epoch, cpus: world.cpus) }
            counters.bump(w, WorkerWord.acquires)
        }
        counters.set(w, WorkerWord.state, ThreadPhase.word(.finished))
    }

    /// Checks that `object` is the live object of `cell` and touches it (this worker's lane);
    /// returns its cycle, or nil (a failure recorded, nothing written) if it is not.
    @inline(__always)
    static func touch(_ object: UnsafeMutablePointer<UInt64>, world: SoakWorld, worker w: Int, cell: Int) -> UInt64? {
        if object[0] != ProtectedObject.magic {
            world.fail(
                .corruptedObject,
                "worker \(w) found no object (magic \(hex(object[0]))) behind ref \(cell) right after its acquire")
            return nil
        }
        if object[2] != ProtectedObject.live {
            world.fail(
                .retiredObjectSeen,
                "worker \(w) acquired ref \(cell) and found its object (cycle \(object[1])) already retired: a wait returned while protections were outstanding, or an acquire succeeded on a run-down ref"
            )
            return nil
        }
        object[ProtectedObject.headerWords + w] &+= 1
        return object[1]
    }

    /// Moves worker `w` to its CPU of shuffle epoch `epoch`: epoch 0 (no shuffle yet) lets it run
    /// anywhere; later epochs leave CPU `epoch % cpus` idle and spread the workers over the rest.
    static func place(worker w: Int, epoch: UInt64, cpus: Int) {
        guard epoch > 0, cpus > 1 else {
            // EINVAL (none of the process's CPUs is available any longer): it stays where it is.
            let answer = rundown_unpin_current_thread()
            assert(answer == 0 || answer == EINVAL, "rundown_unpin_current_thread returned \(answer)")
            return
        }
        let idle = Int(epoch % UInt64(cpus))
        let slot = (w + Int(epoch % UInt64(cpus))) % (cpus - 1)
        pin(UInt32(slot >= idle ? slot + 1 : slot))
    }

    /// Pins the calling worker to `cpu`. When the shim refuses (EINVAL: the CPU was taken
    /// offline or left the cpuset during the run) the worker keeps its placement: shuffles and
    /// cross-CPU releases are pressure, not something a verdict counts on. Every other failure
    /// stops the process in the shim.
    static func pin(_ cpu: UInt32) {
        let answer = rundown_pin_current_thread(cpu)
        assert(answer == 0 || answer == EINVAL, "rundown_pin_current_thread returned \(answer)")
    }
}

func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
