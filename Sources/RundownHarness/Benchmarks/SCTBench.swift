/// Ports of SCTBench's "CS" programs (Thomson, Donaldson and Betts, PPoPP 2014; the programs
/// come from the ESBMC suite) to the runtime. Each keeps the original's threads, shared
/// accesses (one scheduling point each, in the order C evaluates them) and assertion; C's
/// plain ints become ``SharedCell``s, pthread mutexes ``RuntimeMutex``es.
enum SCTBench {
    /// The thread counts of reorder_N: `iSet` setters and `iCheck` checkers, the defaults each
    /// program's source declares (`static int iSet = ...; static int iCheck = ...;` in
    /// `CS/reorder_N/reorder_N_bad.c` of SCTBench as the PERIOD evaluation folder carries it,
    /// which the SURW artifact builds and runs without arguments). N is not always iSet + iCheck.
    static let reorderSizes: [(name: Int, setters: Int, checkers: Int)] = [
        (3, 2, 1), (4, 3, 1), (5, 4, 1), (10, 9, 1), (20, 10, 10), (50, 40, 10), (100, 99, 1),
    ]

    /// The thread counts of twostage_N (`iTThreads` writers, `iRThreads` readers), the defaults
    /// of `CS/twostage*/twostage*_bad.c` as for ``reorderSizes``; CS/twostage is listed as 2.
    static let twostageSizes: [(name: Int, writers: Int, readers: Int)] = [
        (2, 1, 1), (20, 10, 10), (50, 40, 10), (100, 99, 1),
    ]

    /// CS/reorder_bad.c: `setters` threads write `a = 1` then `b = -1`; `checkers` threads read
    /// them and assert `(a == 0 && b == 0) || (a == 1 && b == -1)`. The bug: a checker runs
    /// between a setter's two writes (or sees `a` before and `b` after). The counts are each
    /// program's defaults (``reorderSizes``).
    static func reorder(setters: Int, checkers: Int) {
        let a = SharedCell("a")
        let b = SharedCell("b")
        let setPool = (0..<setters).map { _ in
            Runtime.spawn {
                a.store(1)
                b.store(-1)
            }
        }
        let checkPool = (0..<checkers).map { _ in
            Runtime.spawn {
                // C's short-circuit order: each comparison reads its cell again.
                let consistent =
                    (a.load() == 0 && b.load() == 0) || (a.load() == 1 && b.load() == -1)
                Runtime.check(consistent, "reorder: a and b are neither both initial nor both set")
            }
        }
        setPool.forEach(Runtime.join)
        checkPool.forEach(Runtime.join)
    }

    /// CS/twostage_bad.c: `writers` threads set `data1 = 1` under one lock, then
    /// `data2 = data1 + 1` under another; `readers` threads read `data1` (returning if 0), then
    /// `data2`, and assert `data2 == data1 + 1`. The bug: a reader between a writer's two
    /// stages. The counts are each program's defaults (``twostageSizes``). The locks are
    /// `malloc`ed and reached through global pointers (``MutexPointer``).
    static func twostage(writers: Int, readers: Int) {
        let data1 = SharedCell("data1")
        let data2 = SharedCell("data2")
        let lock1 = MutexPointer("data1Lock")
        let lock2 = MutexPointer("data2Lock")
        let writerPool = (0..<writers).map { _ in
            Runtime.spawn {
                lock1.lock()
                data1.store(1)
                lock1.unlock()
                lock2.lock()
                data2.store(data1.load() + 1)
                lock2.unlock()
            }
        }
        let readerPool = (0..<readers).map { _ in
            Runtime.spawn {
                lock1.lock()
                if data1.load() == 0 {
                    lock1.unlock()
                    return
                }
                let t1 = data1.load()
                lock1.unlock()
                lock2.lock()
                let t2 = data2.load()
                lock2.unlock()
                Runtime.check(t2 == t1 + 1, "twostage: data2 (\(t2)) is not data1 (\(t1)) + 1")
            }
        }
        writerPool.forEach(Runtime.join)
        readerPool.forEach(Runtime.join)
    }

    /// CS/account_bad.c: deposit (`balance += y`) and withdraw (`balance -= z`) under a mutex,
    /// each setting its done flag; check_result asserts, once both are done,
    /// `balance == (x - y) - z`, which is wrong (deposit adds): any run where the checker
    /// comes last fails. The threads are created checker first, as in the original, and main
    /// does not join them (the original returns; our run ends when every thread has).
    static func account() {
        let m = RuntimeMutex("m")
        let (x, y, z) = (1, 2, 4)
        let balance = SharedCell("balance", x)
        let depositDone = SharedCell("deposit_done")
        let withdrawDone = SharedCell("withdraw_done")
        Runtime.spawn {
            m.lock()
            if depositDone.load() != 0 && withdrawDone.load() != 0 {
                Runtime.check(balance.load() == (x - y) - z, "account: balance is not (x - y) - z")
            }
            m.unlock()
        }
        Runtime.spawn {
            m.lock()
            balance.store(balance.load() + y)
            depositDone.store(1)
            m.unlock()
        }
        Runtime.spawn {
            m.lock()
            balance.store(balance.load() - z)
            withdrawDone.store(1)
            m.unlock()
        }
    }

    /// CS/wronglock_bad.c: `first` threads increment `dataValue` under `dataLock` and assert it
    /// went up by exactly one; `second` threads increment it under another lock, `thisLock`.
    /// The bug: a second-kind increment between a first-kind thread's read and its check. The
    /// locks are reached through global pointers (``MutexPointer``).
    static func wronglock(first: Int, second: Int) {
        let dataValue = SharedCell("dataValue")
        let dataLock = MutexPointer("dataLock")
        let thisLock = MutexPointer("thisLock")
        let firstPool = (0..<first).map { _ in
            Runtime.spawn {
                dataLock.lock()
                let x = dataValue.load()
                dataValue.store(dataValue.load() + 1)
                Runtime.check(dataValue.load() == x + 1, "wronglock: dataValue did not go up by exactly one")
                dataLock.unlock()
            }
        }
        let secondPool = (0..<second).map { _ in
            Runtime.spawn {
                thisLock.lock()
                dataValue.store(dataValue.load() + 1)
                thisLock.unlock()
            }
        }
        firstPool.forEach(Runtime.join)
        secondPool.forEach(Runtime.join)
    }

    /// CS/stack_bad.c: t1 pushes 0..<10 under a mutex, setting `flag`; t2, ten times under the
    /// mutex, pops if `flag` is set and asserts the pop did not underflow. The bug: t2 pops
    /// more often than t1 has pushed (flag stays set once t1 pushed once).
    static func stack() {
        let size = 10
        let top = SharedCell("top")
        let flag = SharedCell("flag")
        let m = RuntimeMutex("m")
        let cells = (0..<size).map { SharedCell("arr[\($0)]") }
        let pusher = Runtime.spawn {
            for i in 0..<size {
                m.lock()
                // push: overflow check, then stack[get_top()] = x; inc_top().
                let overflowed = top.load() == size
                if !overflowed {
                    cells[top.load()].store(i)
                    top.store(top.load() + 1)
                }
                Runtime.check(!overflowed, "stack: push overflowed")
                flag.store(1)
                m.unlock()
            }
        }
        let popper = Runtime.spawn {
            for _ in 0..<size {
                m.lock()
                if flag.load() != 0 {
                    // pop: underflow check, then dec_top(); return stack[get_top()].
                    let underflowed = top.load() == 0
                    if !underflowed {
                        top.store(top.load() - 1)
                        _ = cells[top.load()].load()
                    }
                    Runtime.check(!underflowed, "stack: pop underflowed")
                }
                m.unlock()
            }
        }
        Runtime.join(pusher)
        Runtime.join(popper)
    }

    /// CS/bluetooth_driver_bad.c: main adds a device request (BCSP_PnpAdd: increment
    /// `pendingIo` unless stopping, assert not `stopped`, decrement) while a thread stops the
    /// device (BCSP_PnpStop: set `stoppingFlag`, decrement, set `stopped` if the count reached
    /// zero). ESBMC's atomic sections become a mutex. The bug: the stopper runs between the
    /// adder's flag check and its increment, so the adder works on a stopped device.
    static func bluetoothDriver() {
        let pendingIo = SharedCell("pendingIo", 1)
        let stoppingFlag = SharedCell("stoppingFlag")
        let stoppingEvent = SharedCell("stoppingEvent")
        let stopped = SharedCell("stopped")
        let atomic = RuntimeMutex("atomic section")
        func increment() -> Int {
            if stoppingFlag.load() != 0 { return -1 }
            atomic.lock()
            pendingIo.store(pendingIo.load() + 1)
            atomic.unlock()
            return 0
        }
        func decrement() {
            atomic.lock()
            pendingIo.store(pendingIo.load() - 1)
            let pending = pendingIo.load()
            atomic.unlock()
            if pending == 0 { stoppingEvent.store(1) }
        }
        let stopper = Runtime.spawn {
            stoppingFlag.store(1)
            decrement()
            if stoppingEvent.load() != 0 { stopped.store(1) }
        }
        if increment() == 0 {
            Runtime.check(stopped.load() == 0, "bluetooth_driver: the device is used after it stopped")
        }
        decrement()
        Runtime.join(stopper)
    }
}

/// A `pthread_mutex_t *` global of a C program: main stores the `malloc`ed mutex's address in
/// it, and every `pthread_mutex_lock(p)` or `unlock(p)` first reads the pointer, a shared access
/// of its own (the SURW artifact's binary instrumentation sees it as one, and it may become the
/// interesting object). The pointer is a ``SharedCell`` (main stores 1 when the program starts),
/// the mutex a ``RuntimeMutex``.
final class MutexPointer {
    let pointer: SharedCell
    let mutex: RuntimeMutex

    /// Creates the mutex and stores its address in the pointer (main's `p = malloc(...)`).
    init(_ name: String) {
        pointer = SharedCell(name)
        mutex = RuntimeMutex("*\(name)")
        pointer.store(1)
    }

    func lock() {
        _ = pointer.load()
        mutex.lock()
    }

    func unlock() {
        _ = pointer.load()
        mutex.unlock()
    }
}
