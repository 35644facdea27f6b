import Rundown

/// One protection a worker holds: on which ref, how many, since when, and (checked mode) the
/// stack of the acquire that took it.
struct HolderRecord: Sendable {
    var cell: Int
    var count: Int
    var cycle: UInt64
    var sinceNs: UInt64
    var stack: StackTrace
}

/// The protections a worker holds now (checked mode only): the worker adds a record on acquire
/// and removes it on release; the watchdog reads every worker's log when a wait hangs. A record
/// that is never removed is a leaked protection, and its stack says who leaked it.
final class HolderLog: @unchecked Sendable {
    // @unchecked Sendable: the records are behind the lock (a pthread mutex: ThreadSanitizer sees its ordering, which it does not for `Synchronization.Mutex`).
    private let records = Locked<[HolderRecord]>([])

    func add(_ record: HolderRecord) { records.withLock { $0.append(record) } }

    /// Removes `count` protections on `cell` from the newest matching record (the one being released; an older one on the same ref is a leak).
    func remove(cell: Int, count: Int) {
        records.withLock { records in
            guard let index = records.lastIndex(where: { $0.cell == cell }) else { return }
            records[index].count -= count
            if records[index].count <= 0 { records.remove(at: index) }
        }
    }

    /// A copy made under the lock, in a buffer of its own. (Returning the array itself would
    /// share its buffer; the worker's next change would then copy or not depending on a
    /// reference count that ThreadSanitizer cannot see, and it would report the reader.)
    var snapshot: [HolderRecord] { records.withLock { $0.map { $0 } } }
}
