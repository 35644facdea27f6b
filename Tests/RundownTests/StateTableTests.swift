import Foundation
import Rundown
import RundownTestKit
import Testing

/// Every operation in every state of docs/semantics.md ("Every operation in every state"), for
/// each kind of ref. Misuse rows (operations a state forbids) are exit tests in
/// MisuseExitTests.swift.
@Suite("state table (docs/semantics.md)")
struct StateTableTests {
    // MARK: fresh

    @Test("fresh: acquire and acquire(count:) succeed", arguments: RefKind.allCases)
    func freshAcquire(kind: RefKind) {
        let box = kind.make()
        #expect(box.ref.acquire())
        #expect(box.ref.acquire(count: 5))
        box.ref.release(count: 5)
        box.ref.release()
    }

    @Test("fresh: wait returns at once and closes the ref", arguments: RefKind.allCases)
    func freshWait(kind: RefKind) {
        let box = kind.make()
        box.ref.waitForRelease()
        #expect(!box.ref.acquire())
        #expect(!box.ref.acquire(count: 3))
    }

    // MARK: protected

    @Test("protected: more acquires succeed (not a lock), releases in any order", arguments: RefKind.allCases)
    func protectedAcquire(kind: RefKind) {
        let box = kind.make()
        #expect(box.ref.acquire())
        #expect(box.ref.acquire())
        #expect(box.ref.acquire(count: 2))
        box.ref.release()
        box.ref.release(count: 2)
        box.ref.release()
        box.ref.waitForRelease()  // nothing outstanding: returns at once
    }

    @Test("protected: an Ex count may be released in several smaller releases", arguments: RefKind.allCases)
    func exCountSplit(kind: RefKind) {
        let box = kind.make()
        #expect(box.ref.acquire(count: 10))
        box.ref.release(count: 3)
        box.ref.release(count: 1)
        box.ref.release(count: 4)
        box.ref.release(count: 2)
        box.ref.waitForRelease()
        #expect(!box.ref.acquire())
    }

    @Test("protected: an Ex count split across releases on other threads", arguments: RefKind.allCases)
    func exCountSplitAcrossThreads(kind: RefKind) {
        let box = kind.make()
        #expect(box.ref.acquire(count: 8))
        SpawnedThread.onEach(4) { _ in box.ref.release(count: 2) }
        box.ref.waitForRelease()
    }

    @Test("protected: wait blocks until the last release", arguments: RefKind.allCases)
    func protectedWaitBlocks(kind: RefKind) {
        let box = kind.make()
        #expect(box.ref.acquire(count: 3))
        let returned = Flag()
        let owner = SpawnedThread(name: "test thread") {
            box.ref.waitForRelease()
            returned.set()
        }
        #expect(eventually { isClosed(box.ref) }, "the wait closes the ref")
        box.ref.release(count: 2)
        usleep(20_000)
        #expect(!returned.isSet, "one protection is still outstanding")
        box.ref.release()
        owner.join()
        #expect(returned.isSet)
    }

    // MARK: rundown pending

    @Test("rundown pending: acquires fail, releases drain, the last wakes the waiter", arguments: RefKind.allCases)
    func pending(kind: RefKind) {
        let box = kind.make()
        #expect(box.ref.acquire(count: 2))
        #expect(box.ref.acquire())
        let owner = SpawnedThread(name: "test thread") { box.ref.waitForRelease() }
        #expect(eventually { isClosed(box.ref) })
        #expect(!box.ref.acquire(count: 4))
        box.ref.release()
        box.ref.release(count: 1)
        box.ref.release(count: 1)
        owner.join()
    }

    // MARK: run down

    @Test("run down: acquires fail; wait again returns at once", arguments: RefKind.allCases)
    func runDown(kind: RefKind) {
        let box = kind.make()
        box.ref.waitForRelease()
        #expect(!box.ref.acquire())
        #expect(!box.ref.acquire(count: 2))
        box.ref.waitForRelease()
        #expect(!box.ref.acquire())
    }

    @Test("a second wait after one that had to block returns at once, without completed", arguments: RefKind.allCases)
    func waitTwiceAfterBlocking(kind: RefKind) {
        let box = kind.make()
        blockingWait(box.ref)
        box.ref.waitForRelease()
        box.ref.waitForRelease()
        #expect(!box.ref.acquire())
    }

    @Test(
        "a second wait after one that had to block returns at once, with completed between", arguments: RefKind.allCases
    )
    func waitTwiceAfterBlockingCompleted(kind: RefKind) {
        let box = kind.make()
        blockingWait(box.ref)
        box.ref.rundownCompleted()
        box.ref.waitForRelease()
        #expect(!box.ref.acquire())
    }

    @Test("a second wait after one that returned at once, with and without completed", arguments: RefKind.allCases)
    func waitTwiceAfterImmediate(kind: RefKind) {
        let box = kind.make()
        box.ref.waitForRelease()
        box.ref.waitForRelease()
        box.ref.rundownCompleted()
        box.ref.waitForRelease()
        #expect(!box.ref.acquire())
    }

    // MARK: completed

    @Test("completed: acquires fail, wait returns at once, completed again is allowed", arguments: RefKind.allCases)
    func completed(kind: RefKind) {
        let box = kind.make()
        box.ref.waitForRelease()
        box.ref.rundownCompleted()
        #expect(!box.ref.acquire())
        #expect(!box.ref.acquire(count: 7))
        box.ref.waitForRelease()
        box.ref.rundownCompleted()
    }

    // MARK: reinitialised

    @Test("reinitialise cycles without completed", arguments: RefKind.allCases)
    func reinitializeCycles(kind: RefKind) {
        let box = kind.make()
        for cycle in 0..<5 {
            #expect(box.ref.acquire(count: cycle + 1))
            if cycle.isMultiple(of: 2) {
                box.ref.release(count: cycle + 1)
                box.ref.waitForRelease()
            } else {
                let owner = SpawnedThread(name: "test thread") { box.ref.waitForRelease() }
                #expect(eventually { isClosed(box.ref) })
                box.ref.release(count: cycle + 1)
                owner.join()
            }
            #expect(!box.ref.acquire())
            box.ref.reinitialize()
        }
        #expect(box.ref.acquire())
        box.ref.release()
    }

    @Test("reinitialise cycles with completed", arguments: RefKind.allCases)
    func reinitializeCyclesCompleted(kind: RefKind) {
        let box = kind.make()
        for _ in 0..<5 {
            blockingWait(box.ref)
            box.ref.rundownCompleted()
            box.ref.waitForRelease()
            box.ref.reinitialize()
            #expect(box.ref.acquire(count: 2))
            box.ref.release(count: 2)
        }
    }

    @Test("reinitialised: behaves like fresh (acquire, wait, wait again)", arguments: RefKind.allCases)
    func reinitialisedIsFresh(kind: RefKind) {
        let box = kind.make()
        box.ref.waitForRelease()
        box.ref.reinitialize()
        #expect(box.ref.acquire())
        #expect(box.ref.acquire(count: 2))
        box.ref.release(count: 3)
        box.ref.waitForRelease()
        box.ref.waitForRelease()
        #expect(!box.ref.acquire())
    }

    // MARK: scoped helper

    @Test(
        "withProtection runs the closure while live and returns nil once rundown has begun", arguments: RefKind.allCases
    )
    func withProtection(kind: RefKind) throws {
        let box = kind.make()
        #expect(box.ref.withProtection { 42 } == 42)
        struct Boom: Error {}
        #expect(throws: Boom.self) { try box.ref.withProtection { throw Boom() } }
        box.ref.waitForRelease()  // returns at once: the throwing body released its protection
        var ran = false
        #expect(box.ref.withProtection { ran = true } == nil)
        #expect(!ran)
    }
}

/// Makes `ref` go through a wait that really sleeps: one protection is outstanding when the
/// owner starts waiting, and another thread releases it.
func blockingWait(_ ref: any RundownProtection) {
    #expect(ref.acquire())
    let owner = SpawnedThread(name: "test thread") { ref.waitForRelease() }
    #expect(eventually { isClosed(ref) })
    usleep(2_000)  // let the owner reach its sleep
    ref.release()
    owner.join()
}

/// A flag set once by one thread and read by another.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
