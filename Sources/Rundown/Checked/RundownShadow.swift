import Synchronization

/// Checked mode's shadow of every tracked ref: what a single rundown word cannot tell.
///
/// Entry points call in only when ``RundownChecking/isEnabled``. Acquires are recorded after
/// they succeed and releases before they happen, so a protection handed to another thread is
/// always recorded before that thread can release it: the shadow count never goes below zero
/// unless a release really had no acquire.
@usableFromInline
enum RundownShadow {
    enum Kind { case plain, cacheAware }
    enum Origin { case allocated, callerMemory, swiftObject }
    enum Phase { case live, waiting, runDown, completed }

    struct Record {
        var kind: Kind
        var origin: Origin
        var outstanding = 0
        var phase = Phase.live
    }

    struct Table {
        var records: [UInt: Record] = [:]
        /// Recently freed refs, oldest first, so a late call is named "use after free".
        var freed: [UInt] = []
        static let freedMemory = 4096
    }

    static let table = Locked(Table())

    static func key(_ ref: UnsafeRawPointer) -> UInt { UInt(bitPattern: ref) }

    /// A ref was initialised (or allocated). Traps if it is live with protections outstanding.
    static func register(_ ref: UnsafeRawPointer, kind: Kind, origin: Origin, call: StaticString) {
        table.withLock { table in
            let key = key(ref)
            if let old = table.records[key], old.outstanding > 0 || old.phase == .waiting {
                RundownMisuse.report(.initializeLiveRef(outstanding: old.outstanding), call: call, ref: ref)
            }
            table.freed.removeAll { $0 == key }
            table.records[key] = Record(kind: kind, origin: origin)
        }
    }

    /// A Swift object that owned its ref is gone: stop tracking it.
    static func forget(_ ref: UnsafeRawPointer) {
        _ = table.withLock { $0.records.removeValue(forKey: key(ref)) }
    }

    /// Runs `body` on the ref's record; nothing if the ref is not tracked. Traps on a freed ref.
    static func update(_ ref: UnsafeRawPointer, call: StaticString, _ body: (inout Record) -> Void) {
        table.withLock { table in
            let key = key(ref)
            guard var record = table.records[key] else {
                if table.freed.contains(key) { RundownMisuse.report(.useAfterFree, call: call, ref: ref) }
                return
            }
            body(&record)
            table.records[key] = record
        }
    }

    @usableFromInline
    static func didAcquire(_ ref: UnsafeRawPointer, count: Int, call: StaticString) {
        update(ref, call: call) { $0.outstanding += count }
    }

    @usableFromInline
    static func willAcquire(_ ref: UnsafeRawPointer, call: StaticString) {
        update(ref, call: call) { _ in }
    }

    @usableFromInline
    static func willRelease(_ ref: UnsafeRawPointer, count: Int, call: StaticString) {
        update(ref, call: call) { record in
            if record.outstanding < count {
                RundownMisuse.report(
                    record.phase == .live || record.outstanding > 0
                        ? .releaseWithoutAcquire(released: count, outstanding: record.outstanding)
                        : .releaseAfterRundown(released: count),
                    call: call, ref: ref)
            }
            record.outstanding -= count
        }
    }

    static func willWait(_ ref: UnsafeRawPointer, call: StaticString) {
        update(ref, call: call) { record in
            switch record.phase {
            case .waiting: RundownMisuse.report(.secondWaiter, call: call, ref: ref)
            case .live: record.phase = .waiting
            case .runDown, .completed: break
            }
        }
    }

    static func didWait(_ ref: UnsafeRawPointer, call: StaticString) {
        update(ref, call: call) { record in
            if record.phase == .waiting { record.phase = .runDown }
        }
    }

    static func willComplete(_ ref: UnsafeRawPointer, call: StaticString) {
        update(ref, call: call) { record in
            requireRunDown(record, without: RundownMisuse.completedWithoutWait, call: call, ref: ref)
            record.phase = .completed
        }
    }

    static func willReinitialize(_ ref: UnsafeRawPointer, call: StaticString) {
        update(ref, call: call) { record in
            requireRunDown(record, without: RundownMisuse.reinitializeWithoutWait, call: call, ref: ref)
            record.phase = .live
        }
    }

    static func requireRunDown(
        _ record: Record, without misuse: (Int) -> RundownMisuse, call: StaticString, ref: UnsafeRawPointer
    ) {
        switch record.phase {
        case .live: RundownMisuse.report(misuse(record.outstanding), call: call, ref: ref)
        case .waiting: RundownMisuse.report(.waitInProgress, call: call, ref: ref)
        case .runDown, .completed: break
        }
    }

    /// An allocated cache-aware ref is being freed: it must be allocated, idle, and not freed.
    static func willFree(_ ref: UnsafeRawPointer, call: StaticString) {
        table.withLock { table in
            let key = key(ref)
            guard let record = table.records[key] else {
                if table.freed.contains(key) { RundownMisuse.report(.useAfterFree, call: call, ref: ref) }
                return
            }
            if record.origin != .allocated { RundownMisuse.report(.freeCallerInitialized, call: call, ref: ref) }
            if record.phase == .waiting { RundownMisuse.report(.waitInProgress, call: call, ref: ref) }
            if record.outstanding > 0 {
                RundownMisuse.report(.freeWithProtectionsOutstanding(outstanding: record.outstanding), call: call, ref: ref)
            }
            table.records[key] = nil
            table.freed.append(key)
            if table.freed.count > Table.freedMemory { table.freed.removeFirst() }
        }
    }
}
