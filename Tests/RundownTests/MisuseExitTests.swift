import Foundation
import Rundown
import RundownCAPI
import RundownTestKit
import Synchronization
import Testing

/// Each misuse in docs/semantics.md ("Misuse and its reports") stops the process with a message
/// naming the call, the ref and what was wrong. Each test runs its body in a child process and
/// reads the child's stderr.
///
/// Bodies that set `RundownChecking.isEnabled = false` prove that the check needs no checked
/// mode (it is on in every build); the others turn checked mode on explicitly.
@Suite("misuse stops the process")
struct MisuseExitTests {
    // MARK: release without acquire

    @Test func releaseWithoutAcquirePlainSwift() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = false
            RundownRef().release()
        }
        expectReport(
            result, "RundownRef.release(count:)", "release without a matching acquire: releasing 1 with 0 outstanding")
    }

    @Test func releaseExBeyondOutstandingPlainC() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = false
            let ref = UnsafeMutablePointer<EX_RUNDOWN_REF>.allocate(capacity: 1)
            ExInitializeRundownProtection(ref)
            _ = ExAcquireRundownProtectionEx(ref, 2)
            ExReleaseRundownProtectionEx(ref, 3)
        }
        expectReport(result, "ExReleaseRundownProtectionEx", "releasing 3 with 2 outstanding")
    }

    @Test func releaseWithoutAcquireCacheAwareC() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = true
            let ref = ExAllocateCacheAwareRundownProtection(NonPagedPool, PoolTag("Mis1").rawValue)!
            _ = ExAcquireRundownProtectionCacheAware(ref)
            ExReleaseRundownProtectionCacheAware(ref)
            ExReleaseRundownProtectionCacheAware(ref)
        }
        expectReport(
            result, "ExReleaseRundownProtectionCacheAware",
            "release without a matching acquire: releasing 1 with 0 outstanding")
    }

    @Test func releaseAfterRundownPlain() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = false
            let ref = RundownRef()
            ref.waitForRelease()
            ref.release()
        }
        expectReport(result, "RundownRef.release(count:)", "already run down with nothing outstanding")
    }

    @Test func releaseAfterBlockingRundownCacheAware() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = false
            let ref = CacheAwareRundownRef(tag: "Mis2")!
            blockingWait(ref)
            ref.release()  // the stray late release finds no wait block to corrupt
        }
        expectReport(result, "CacheAwareRundownRef.release(count:)", "already run down with nothing outstanding")
    }

    // MARK: second waiter

    @Test func secondWaiterPlain() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = false
            let ref = RundownRef()
            _ = ref.acquire()
            SpawnedThread(name: "test waiter") { ref.waitForRelease() }.detach()
            _ = eventually { isClosed(ref) }
            usleep(5_000)
            ref.waitForRelease()
        }
        expectReport(result, "RundownRef.waitForRelease()", "a second waiter while a wait on this ref is in progress")
    }

    @Test func secondWaiterCacheAwareC() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = true
            let ref = ExAllocateCacheAwareRundownProtection(NonPagedPool, PoolTag("Mis3").rawValue)!
            _ = ExAcquireRundownProtectionCacheAware(ref)
            let address = UInt(bitPattern: ref)
            SpawnedThread(name: "test waiter") {
                ExWaitForRundownProtectionReleaseCacheAware(OpaquePointer(bitPattern: address)!)
            }.detach()
            _ = eventually {
                if ExAcquireRundownProtectionCacheAware(ref) == 0 { return true }
                ExReleaseRundownProtectionCacheAware(ref)
                return false
            }
            usleep(5_000)
            ExWaitForRundownProtectionReleaseCacheAware(ref)
        }
        expectReport(result, "ExWaitForRundownProtectionReleaseCacheAware", "a second waiter")
    }

    @Test func secondWaiterCacheAwareUnchecked() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = false
            let ref = CacheAwareRundownRef(tag: "Mis4")!
            _ = ref.acquire()
            SpawnedThread(name: "test waiter") { ref.waitForRelease() }.detach()
            _ = eventually { isClosed(ref) }
            usleep(5_000)
            ref.waitForRelease()
        }
        expectReport(result, "CacheAwareRundownRef.waitForRelease()", "a second waiter")
    }

    // MARK: use after free

    @Test func acquireAfterFree() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = true
            let ref = ExAllocateCacheAwareRundownProtection(NonPagedPool, PoolTag("Mis5").rawValue)!
            ExWaitForRundownProtectionReleaseCacheAware(ref)
            ExFreeCacheAwareRundownProtection(ref)
            _ = ExAcquireRundownProtectionCacheAware(ref)
        }
        expectReport(result, "ExAcquireRundownProtectionCacheAware", "use after free")
    }

    @Test func releaseAfterFree() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = true
            let ref = ExAllocateCacheAwareRundownProtection(NonPagedPool, PoolTag("Mis6").rawValue)!
            ExFreeCacheAwareRundownProtection(ref)
            ExReleaseRundownProtectionCacheAwareEx(ref, 2)
        }
        expectReport(result, "ExReleaseRundownProtectionCacheAwareEx", "use after free")
    }

    @Test func freeTwice() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = true
            let ref = ExAllocateCacheAwareRundownProtection(NonPagedPool, PoolTag("Mis7").rawValue)!
            ExFreeCacheAwareRundownProtection(ref)
            ExFreeCacheAwareRundownProtection(ref)
        }
        expectReport(result, "ExFreeCacheAwareRundownProtection", "use after free")
    }

    // MARK: initialize on a live ref

    @Test func initializeLivePlainC() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = true
            let ref = UnsafeMutablePointer<EX_RUNDOWN_REF>.allocate(capacity: 1)
            ExInitializeRundownProtection(ref)
            _ = ExAcquireRundownProtection(ref)
            ExInitializeRundownProtection(ref)
        }
        expectReport(
            result, "ExInitializeRundownProtection", "initialize on a live ref with 1 protection(s) outstanding")
    }

    @Test func initializeLiveCacheAwareC() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = true
            let size = ExSizeOfRundownProtectionCacheAware()
            let ref = OpaquePointer(UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8))
            ExInitializeRundownProtectionCacheAware(ref, size)
            _ = ExAcquireRundownProtectionCacheAwareEx(ref, 3)
            ExInitializeRundownProtectionCacheAware(ref, size)
        }
        expectReport(
            result, "ExInitializeRundownProtectionCacheAware",
            "initialize on a live ref with 3 protection(s) outstanding")
    }

    // MARK: completed / reinitialize without a wait

    @Test func completedWithoutWaitPlain() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = false
            RundownRef().rundownCompleted()
        }
        expectReport(result, "RundownRef.rundownCompleted()", "rundown completed without a preceding wait")
    }

    @Test func completedWithoutWaitCacheAwareC() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = false
            let ref = ExAllocateCacheAwareRundownProtection(NonPagedPool, PoolTag("Mis8").rawValue)!
            ExRundownCompletedCacheAware(ref)
        }
        expectReport(result, "ExRundownCompletedCacheAware", "rundown completed without a preceding wait")
    }

    @Test func reinitializeWithoutWaitPlainC() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = false
            let ref = UnsafeMutablePointer<EX_RUNDOWN_REF>.allocate(capacity: 1)
            ExInitializeRundownProtection(ref)
            _ = ExAcquireRundownProtectionEx(ref, 2)
            ExReInitializeRundownProtection(ref)
        }
        expectReport(
            result, "ExReInitializeRundownProtection",
            "reinitialize without a preceding wait (the ref is live, 2 protection(s) outstanding)")
    }

    @Test func reinitializeWithoutWaitCacheAware() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = false
            let ref = CacheAwareRundownRef(tag: "Mis9")!
            ref.reinitialize()
        }
        expectReport(result, "CacheAwareRundownRef.reinitialize()", "reinitialize without a preceding wait")
    }

    @Test func reinitializeDuringWait() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = false
            let ref = CacheAwareRundownRef(tag: "MisA")!
            _ = ref.acquire()
            SpawnedThread(name: "test waiter") { ref.waitForRelease() }.detach()
            _ = eventually { isClosed(ref) }
            usleep(5_000)
            ref.reinitialize()
        }
        // The wait-in-progress report, not the second-waiter one (both mention the wait).
        expectReport(result, "CacheAwareRundownRef.reinitialize()", "called while a wait on this ref is in progress")
    }

    @Test func reinitializeWhileProtectedChecked() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = true
            let ref = RundownRef()
            _ = ref.acquire()
            ref.reinitialize()
        }
        expectReport(
            result, "RundownRef.reinitialize()",
            "reinitialize without a preceding wait (the ref is live, 1 protection(s) outstanding)")
    }

    // MARK: free

    @Test func freeWithProtectionsOutstanding() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = false
            let ref = ExAllocateCacheAwareRundownProtection(NonPagedPool, PoolTag("MisB").rawValue)!
            _ = ExAcquireRundownProtectionCacheAware(ref)
            ExFreeCacheAwareRundownProtection(ref)
        }
        expectReport(result, "ExFreeCacheAwareRundownProtection", "free while 1 protection(s) are outstanding")
    }

    @Test func freeCallerInitialized() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = false
            let size = ExSizeOfRundownProtectionCacheAware()
            let ref = OpaquePointer(UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8))
            ExInitializeRundownProtectionCacheAware(ref, size)
            ExFreeCacheAwareRundownProtection(ref)
        }
        expectReport(result, "ExFreeCacheAwareRundownProtection", "free of a ref initialised in caller memory")
    }

    @Test func freeNotAllocated() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = false
            let memory = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 8)
            memory.initializeMemory(as: UInt8.self, repeating: 0, count: 64)
            ExFreeCacheAwareRundownProtection(OpaquePointer(memory))
        }
        expectReport(result, "ExFreeCacheAwareRundownProtection", "did not return")
    }

    // MARK: sizes, counts, pool types (on in every build)

    @Test func initializeTooSmallC() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = false
            let size = ExSizeOfRundownProtectionCacheAware()
            let ref = OpaquePointer(UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8))
            ExInitializeRundownProtectionCacheAware(ref, size - 1)
        }
        expectReport(
            result, "ExInitializeRundownProtectionCacheAware", "is smaller than ExSizeOfRundownProtectionCacheAware()")
    }

    @Test func initializeTooSmallSwift() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = false
            let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 8)
            _ = CacheAwareRundownRef(initializingMemory: memory)
        }
        expectReport(result, "CacheAwareRundownRef.init(initializingMemory:)", "size 16 is smaller than")
    }

    @Test func zeroCountC() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = false
            let ref = UnsafeMutablePointer<EX_RUNDOWN_REF>.allocate(capacity: 1)
            ExInitializeRundownProtection(ref)
            _ = ExAcquireRundownProtectionEx(ref, 0)
        }
        expectReport(result, "ExAcquireRundownProtectionEx", "count must be at least 1")
    }

    @Test func zeroCountReleaseSwift() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = false
            let ref = CacheAwareRundownRef(tag: "MisC")!
            _ = ref.acquire()
            ref.release(count: 0)
        }
        expectReport(result, "CacheAwareRundownRef.release(count:)", "count must be at least 1")
    }

    @Test func countTooLargeSwift() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = false
            _ = RundownRef().acquire(count: Int(UInt32.max) + 1)
        }
        expectReport(result, "RundownRef.acquire(count:)", "count 4294967296 would overflow")
    }

    @Test func totalCountOverflowPlainC() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = false
            let ref = UnsafeMutablePointer<EX_RUNDOWN_REF>.allocate(capacity: 1)
            ExInitializeRundownProtection(ref)
            // As if 2^62 - 2 protections were outstanding: the next Ex(4) no longer fits.
            UnsafeMutableRawPointer(ref).assumingMemoryBound(to: Atomic<UInt>.self).pointee.store(
                RundownWordState.maxPlainWord - 4, ordering: .relaxed)
            _ = ExAcquireRundownProtectionEx(ref, 4)
        }
        expectReport(result, "ExAcquireRundownProtectionEx", "count 4 would overflow")
    }

    @Test func invalidPoolType() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            RundownChecking.isEnabled = false
            _ = ExAllocateCacheAwareRundownProtection(POOL_TYPE(rawValue: 3), PoolTag("MisD").rawValue)
        }
        expectReport(result, "ExAllocateCacheAwareRundownProtection", "pool type 3 is not a Windows POOL_TYPE")
    }
}

/// Checks that a child process stopped with a misuse report containing every fragment and the
/// ref's address.
func expectReport(_ result: ExitTest.Result?, _ fragments: String..., sourceLocation: SourceLocation = #_sourceLocation)
{
    guard let result else { return }  // #expect already recorded the failure
    let stderr = String(decoding: result.standardErrorContent, as: UTF8.self)
    #expect(stderr.contains("rundown misuse in "), "stderr: \(stderr)", sourceLocation: sourceLocation)
    #expect(stderr.contains(" on ref "), "the report names the ref; stderr: \(stderr)", sourceLocation: sourceLocation)
    for fragment in fragments {
        #expect(
            stderr.contains(fragment), "missing \"\(fragment)\" in stderr: \(stderr)", sourceLocation: sourceLocation)
    }
}
