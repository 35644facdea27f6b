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

    /// CVE-2013-1792 (`CVE-2013-1792/2013-1792.cpp`), Linux's `install_user_keyrings` race (a
    /// NULL dereference). The original, line by line:
    ///
    /// - `main` stores `cred_test.user = &user_test` (the cell `cred_test.user`), fills t1's
    ///   argument block on its own stack (`arg_one.id`, `.lflags`, `.perm`: cells, since t1 reads
    ///   them), then creates t1 (`thread_one`) and t2 (`thread_two`) and joins them.
    /// - `thread_one` reads its three arguments and calls `lookup_user_key(-5, 4, 1)`:
    ///   `get_current_cred()` is `&cred_test` (no access); for `KEY_SPEC_USER_SESSION_KEYRING`,
    ///   `if (!cred->user->session_keyring)` reads `cred_test.user` then
    ///   `user_test.session_keyring`, and if it is NULL calls `install_user_keyrings(1)`; then
    ///   `key = cred->user->session_keyring` reads both again and `atomic_inc(&key->usage)` reads
    ///   and writes `key->usage`; `lflags & KEY_LOOKUP_FOR_UNLINK` then ends the lookup (the
    ///   rest of the function is not reached).
    /// - `thread_two` calls `install_user_keyrings(2)`.
    /// - `install_user_keyrings`: `user = cred->user` reads `cred_test.user`;
    ///   `if (user->uid_keyring) return 0` reads `user_test.uid_keyring`; then, under
    ///   `key_user_keyring_mutex`, if `user->uid_keyring` (read again) is NULL it allocates two
    ///   keys and stores `user->uid_keyring` and then `user->session_keyring`.
    /// - The bug: t2 has stored `uid_keyring` but not yet `session_keyring` when t1 finds
    ///   `session_keyring` NULL, calls `install_user_keyrings`, sees `uid_keyring` set and
    ///   returns, and reads `session_keyring` again: still NULL, so `atomic_inc` dereferences
    ///   NULL (a crash in the original; an assertion here). Pointers are numbers in the cells: 0
    ///   is NULL, a session key is its installing thread's index (1 or 2), a uid key that plus 10;
    ///   each possible session key's `usage` is a cell made by main (ids do not depend on the
    ///   interleaving).
    static func cve2013_1792() {
        let mutex = RuntimeMutex("key_user_keyring_mutex")
        let credUser = SharedCell("cred_test.user")
        let uidKeyring = SharedCell("user_test.uid_keyring")
        let sessionKeyring = SharedCell("user_test.session_keyring")
        let argID = SharedCell("arg_one.id")
        let argFlags = SharedCell("arg_one.lflags")
        let argPerm = SharedCell("arg_one.perm")
        let usage = (1...2).map { SharedCell("session key of T\($0)->usage") }
        credUser.store(1)  // cred_test.user = &user_test
        argID.store(-5)  // KEY_SPEC_USER_SESSION_KEYRING
        argFlags.store(4)  // KEY_LOOKUP_FOR_UNLINK
        argPerm.store(1)
        func installUserKeyrings() {
            _ = credUser.load()  // user = cred->user
            if uidKeyring.load() != 0 { return }
            mutex.lock()
            if uidKeyring.load() == 0 {
                let me = Runtime.currentThread
                uidKeyring.store(me + 10)
                sessionKeyring.store(me)
            }
            mutex.unlock()
        }
        let t1 = Runtime.spawn {
            let id = argID.load()
            let flags = argFlags.load()
            _ = argPerm.load()
            guard id == -5 else { return }
            _ = credUser.load()
            if sessionKeyring.load() == 0 { installUserKeyrings() }
            _ = credUser.load()
            let key = sessionKeyring.load()
            Runtime.check(key != 0, "CVE-2013-1792: lookup_user_key read a NULL session_keyring")
            usage[key - 1].store(usage[key - 1].load() + 1)  // atomic_inc(&key->usage)
            _ = flags  // lflags & KEY_LOOKUP_FOR_UNLINK: the lookup ends here
        }
        let t2 = Runtime.spawn { installUserKeyrings() }
        Runtime.join(t1)
        Runtime.join(t2)
    }
}
