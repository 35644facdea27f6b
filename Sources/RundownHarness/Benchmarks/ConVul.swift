/// Ports of ConVul's CVE benchmark programs (Cai, Zhang, Cao, Wu and Li, "Detecting concurrency
/// memory corruption vulnerabilities", ESEC/FSE 2019), as the PERIOD evaluation folder carries
/// them (`evaluation/ConVul-CVE-Benchmarks/`), which the SURW artifact builds and runs. The
/// same rules as ``SCTBench``: the original's threads, its shared accesses (one scheduling
/// point each, in C's order; thread-local variables are not shared and are plain Swift) and its
/// failure, as an assertion.
enum ConVul {
    /// CVE-2016-9806 (`CVE-2016-9806/2016-9806.cpp`), Linux's `netlink_dump` double free. The
    /// original, line by line:
    ///
    /// - `main` builds `nlk_sk = new netlink_sock(5)` (the constructor stores `sk.sk_err = 5`: the
    ///   cell `nlk->sk.sk_err`), then creates t1 and t2, both running `netlink_dump(sk)`, and
    ///   joins them.
    /// - `netlink_dump`: `pthread_mutex_lock(&mutex)` (a static mutex: ``RuntimeMutex``);
    ///   `cb = &nlk->cb` is address arithmetic, no access; `skb` is a local, so `if (!skb)` always
    ///   allocates: `malloc(cnt * sizeof(struct sk_buff))` reads the global `cnt`, then
    ///   `cnt *= 4` reads and writes it; `skb->sk = sk` stores to the new block (a cell per thread,
    ///   made by main so that object ids do not depend on the interleaving; only its thread touches
    ///   it); `cb->skb = skb` stores the block into the shared `nlk->cb.skb` (the cell holds the
    ///   block's number, 1 or 2); `pthread_mutex_unlock(&mutex)`; then, outside the lock,
    ///   `free(cb->skb)` reads `nlk->cb.skb` and frees that block.
    /// - The bug: both threads publish before either frees, so both read the same block and the
    ///   second `free` is a double free (the artifact's allocator aborts). `malloc` and `free` are
    ///   not scheduling points there (its hooks allocate without a context switch), nor here:
    ///   the assertion is that the block read was not already freed.
    static func cve2016_9806() {
        let mutex = RuntimeMutex("mutex")
        let cnt = SharedCell("cnt", 1)
        let skErr = SharedCell("nlk->sk.sk_err")
        let cbSkb = SharedCell("nlk->cb.skb")
        let blocks = (1...2).map { SharedCell("skb #\($0)->sk") }
        var freed: Set<Int> = []
        skErr.store(5)
        func netlinkDump(block: Int) {
            mutex.lock()
            _ = cnt.load()  // malloc(cnt * sizeof(struct sk_buff))
            cnt.store(cnt.load() * 4)
            blocks[block - 1].store(1)  // skb->sk = sk
            cbSkb.store(block)  // cb->skb = skb
            mutex.unlock()
            let victim = cbSkb.load()  // free(cb->skb)
            Runtime.check(!freed.contains(victim), "CVE-2016-9806: skb #\(victim) freed twice")
            freed.insert(victim)
        }
        let t1 = Runtime.spawn { netlinkDump(block: 1) }
        let t2 = Runtime.spawn { netlinkDump(block: 2) }
        Runtime.join(t1)
        Runtime.join(t2)
    }
}
