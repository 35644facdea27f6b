import Foundation
import Rundown
import RundownTestKit
import Synchronization
import Testing
import _RundownShims

/// Real threads, the real usage pattern: workers touch a heap object only while protected and
/// hand every protection to another worker, which moves to another CPU and releases it there;
/// the owner waits, then frees the object at once. Under `--sanitize=address` an early return
/// from the wait is a heap-use-after-free; under `--sanitize=thread` a missing ordering is a
/// data race (ci/sanitizers runs both).
@Suite("real threads")
struct RealThreadTests {
    @Test(
        "hand-off: every release on another thread and CPU than its acquire; owner frees after the wait",
        arguments: RefKind.allCases)
    func handOff(kind: RefKind) {
        let box = kind.make()
        let workers = max(4, 2 * allowedCPUs)
        let run = HandOffRun(ref: box.ref, workers: workers)
        for cycle in 0..<6 {
            if cycle > 0 { box.ref.reinitialize() }
            let object = run.publishObject(cycle: cycle)
            let usesBefore = run.uses.load(ordering: .relaxed)
            run.startWorkers()
            usleep(15_000)
            // On a loaded machine the workers may not have run yet: give them up to 5 s to start.
            for _ in 0..<5_000 where run.uses.load(ordering: .relaxed) == usesBefore { usleep(1_000) }
            box.ref.waitForRelease()
            // Nobody may use the object from here on: read the tallies, then free it at once.
            let touches = run.tallies(of: object)
            object.deallocate()
            run.stopWorkers()
            #expect(run.pendingTokens == 0, "every granted protection was released before the wait returned")
            #expect(touches > 0, "the workers used the object in cycle \(cycle)")
        }
        #expect(run.crossThreadReleases.load(ordering: .relaxed) > 0)
        if allowedCPUs > 1 {
            #expect(
                run.crossCPUReleases.load(ordering: .relaxed) > 0, "some releases ran on another CPU than their acquire"
            )
        }
    }

    @Test("many acquirers while the owner waits, then the object is freed at once", arguments: RefKind.allCases)
    func racingWait(kind: RefKind) {
        for _ in 0..<20 {
            let box = kind.make()
            let object = UnsafeMutablePointer<Int>.allocate(capacity: 8)
            object.initialize(repeating: 0, count: 8)
            let address = UInt(bitPattern: object)
            let started = Atomic<Int>(0)
            let granted = Atomic<Int>(0)
            let threads = (0..<4).map { index in
                SpawnedThread(name: "test thread") {
                    migrate(to: index)
                    started.wrappingAdd(1, ordering: .relaxed)
                    var mine = 0
                    while box.ref.acquire() {
                        mine += 1
                        let object = UnsafeMutablePointer<Int>(bitPattern: address)!
                        object[index] += 1  // each thread has its own field: no race between workers
                        migrate(to: index + object[index])
                        box.ref.release()
                    }
                    granted.wrappingAdd(mine, ordering: .relaxed)
                }
            }
            while started.load(ordering: .relaxed) < 4 { sched_yield() }
            usleep(1_000)
            box.ref.waitForRelease()
            // Every protection granted before the wait was released before it returned, so the
            // tallies are final now: nothing may change them after this point.
            let total = (0..<4).reduce(0) { $0 + object[$1] }
            object.deinitialize(count: 8)
            object.deallocate()
            threads.forEach { $0.join() }
            #expect(total == granted.load(ordering: .relaxed))
        }
    }
}

/// The shared state of a hand-off run.
final class HandOffRun: @unchecked Sendable {
    struct Token {
        var acquirer: Int
        var cpu: UInt32
        var count: Int
    }

    let ref: any RundownProtection
    let workers: Int
    /// The protected object: field 0 holds a check value, field 1 + i is worker i's tally.
    let objectAddress = Atomic<UInt>(0)
    let stop = Atomic<Bool>(false)
    let tokens = PthreadLocked<[Token]>([])
    let crossThreadReleases = Atomic<Int>(0)
    let crossCPUReleases = Atomic<Int>(0)
    /// Object uses so far (the test waits for the workers' first ones before it runs down).
    let uses = Atomic<Int>(0)
    private var threads: [SpawnedThread] = []

    init(ref: any RundownProtection, workers: Int) {
        self.ref = ref
        self.workers = workers
    }

    var pendingTokens: Int { tokens.withLock { $0.count } }

    /// A fresh heap object for this cycle, published to the workers.
    func publishObject(cycle: Int) -> UnsafeMutablePointer<Int> {
        let object = UnsafeMutablePointer<Int>.allocate(capacity: workers + 1)
        object.initialize(repeating: 0, count: workers + 1)
        object[0] = 1000 + cycle
        // Releasing: the initialised object is visible to a worker that loads its address.
        objectAddress.store(UInt(bitPattern: object), ordering: .releasing)
        return object
    }

    func tallies(of object: UnsafeMutablePointer<Int>) -> Int {
        (1...workers).reduce(0) { $0 + object[$1] }
    }

    func startWorkers() {
        stop.store(false, ordering: .relaxed)
        threads = (0..<workers).map { index in SpawnedThread(name: "test thread") { self.work(index) } }
    }

    func stopWorkers() {
        stop.store(true, ordering: .relaxed)
        threads.forEach { $0.join() }
        threads = []
    }

    /// Worker `me`: acquire (sometimes an Ex count), use the object, hand the protection on; take
    /// other workers' protections, move to another CPU, release them (an Ex count in parts).
    func work(_ me: Int) {
        var moves = me
        var closed = false
        while !stop.load(ordering: .relaxed) {
            if !closed {
                let count = 1 + (moves % 3)
                if ref.acquire(count: count) {
                    // Acquiring: pairs with publishObject's releasing store.
                    let object = UnsafeMutablePointer<Int>(bitPattern: objectAddress.load(ordering: .acquiring))!
                    precondition(object[0] >= 1000, "the object was not initialised or was freed")
                    object[1 + me] += 1
                    uses.wrappingAdd(1, ordering: .relaxed)
                    let token = Token(acquirer: me, cpu: rundown_current_cpu(), count: count)
                    tokens.withLock { $0.append(token) }
                } else {
                    closed = true
                }
            }
            // Take a protection some other worker acquired.
            let taken: Token? = tokens.withLock { list in
                guard let index = list.firstIndex(where: { $0.acquirer != me }) else { return nil }
                return list.remove(at: index)
            }
            guard var token = taken else {
                if closed { sched_yield() }
                continue
            }
            moves += 1
            migrate(to: moves)
            if rundown_current_cpu() != token.cpu { crossCPUReleases.wrappingAdd(1, ordering: .relaxed) }
            crossThreadReleases.wrappingAdd(1, ordering: .relaxed)
            // Release an Ex count in parts: one now, the rest handed on again.
            ref.release(count: 1)
            token.count -= 1
            if token.count > 0 { tokens.withLock { $0.append(token) } }
        }
        // Drain: the owner's wait needs every outstanding protection back.
        while let token = tokens.withLock({ list -> Token? in
            guard let index = list.firstIndex(where: { $0.acquirer != me }) else { return nil }
            return list.remove(at: index)
        }) {
            ref.release(count: token.count)
        }
    }
}
