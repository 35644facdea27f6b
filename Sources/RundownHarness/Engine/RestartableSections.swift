import Rundown
import RundownTestKit
import Synchronization

/// The controlled platform's model of the fast path (``RundownPlatform/fastPath``): restartable
/// per-CPU sections and the barrier.
///
/// What is modelled:
/// - A section starts with a scheduling point that picks its CPU (as ``currentCPU()`` does),
///   reads the gate (an acquiring load; in a weak-memory run the model may return an older
///   store), reads its slot, and has one more scheduling point before its commit. After that
///   point it restarts from the beginning if another section started on the same CPU in the
///   meantime (the kernel would have preempted this one) or a barrier ran; otherwise it commits
///   (a releasing store of the value it read plus the delta). The slot's load and store take the
///   newest value: sections on one CPU run one after another on one core.
/// - The barrier is a scheduling point, then restarts every section in progress (the count of
///   barriers moves) and, in a weak-memory run, is a full fence on every thread: the caller's
///   clock joins every thread's (their earlier accesses happen before its later ones) and every
///   thread's clock joins the caller's (the caller's earlier stores, the closed gate among them,
///   happen before their later accesses). Threads are not ordered with each other by it.
///
/// The fast path's controls: `commit-outside-section` ignores the restart at the commit (it
/// stores what it read plus the delta whatever ran since); `restart-skips-closed-check` does
/// not look at the gate again after a restart.
///
/// What is not: a section on another CPU that runs on past a switch in the schedule is treated
/// as running in parallel (real CPUs do), so only the same CPU or a barrier restarts it; signals
/// and migrations are not modelled apart from that.
extension ControlledPlatform {
    package static var fastPath: Bool { scheduler.fastPath }

    package static func restartableSlotAdd(_ layout: CacheAwareLayout, _ delta: UInt) -> UInt {
        let scheduler = self.scheduler
        var restarted = false
        while true {
            let cpu = Int(scheduler.chooseCPU())
            scheduler.sectionsStarted[cpu] &+= 1
            let started = scheduler.sectionsStarted[cpu]
            let barriers = scheduler.barriers
            let gateAddress = UInt(bitPattern: layout.gate)
            let gate = scheduler.modelLoad(
                gateAddress, current: layout.gate.pointee.load(ordering: .relaxed), acquiring: true,
                newestOnly: false, kind: .restartable)
            let skipsCheck = restarted && scheduler.fault == .restartSkipsClosedCheck
            if gate != 0 && !skipsCheck { return gate }
            let slot = layout.slot(forCPU: UInt32(cpu))
            let slotAddress = UInt(bitPattern: slot)
            let read = scheduler.modelLoad(
                slotAddress, current: slot.pointee.load(ordering: .relaxed), acquiring: false, newestOnly: true,
                kind: .restartable)
            scheduler.point(.restartable, word: WordClass.of(read))
            let aborted = scheduler.sectionsStarted[cpu] != started || scheduler.barriers != barriers
            if aborted && scheduler.fault != .commitOutsideSection {
                restarted = true
                continue
            }
            let value = read &+ delta
            let previous = slot.pointee.load(ordering: .relaxed)
            if scheduler.modelStore(
                slotAddress, previous: previous, value: value, releasing: true, newestOnly: true, kind: .restartable)
            {
                slot.pointee.store(value, ordering: .relaxed)
            }
            return 0
        }
    }

    package static func barrier(_ layout: CacheAwareLayout) {
        let scheduler = self.scheduler
        scheduler.point(.barrier, word: .event)
        scheduler.barriers &+= 1
        scheduler.memory?.barrier(scheduler.current)
    }
}
