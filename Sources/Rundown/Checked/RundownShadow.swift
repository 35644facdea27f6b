/// Where a ref's memory came from: decides whether it may be freed.
package enum RundownOrigin: Sendable {
    /// From Allocate (the pool): only such a ref may be freed.
    case allocated
    /// Initialised in caller memory through the C names: never freed by the library.
    case callerMemory
    /// Owned by a Swift object, which frees or forgets it when it goes away.
    case swiftObject
}

/// Checked mode's shadow of every tracked ref: what a single rundown word cannot tell.
///
/// Entry points call in only when ``RundownChecking/isEnabled``. Acquires are recorded after
/// they succeed and releases before they happen, so a protection handed to another thread is
/// always recorded before that thread can release it: the shadow count never goes below zero
/// unless a release really had no acquire.
///
/// A misuse is reported after the table's lock is released, so that a testing engine that
/// intercepts reports (``RundownMisuse/interceptor``) never leaves the lock held.
@usableFromInline
enum RundownShadow {
    enum Phase { case live, waiting, runDown, completed }

    struct Record {
        var origin: RundownOrigin
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

    /// Runs `body` on the table and reports the misuse it returns, if any, after unlocking.
    static func check(_ ref: UnsafeRawPointer, call: StaticString, _ body: (inout Table, UInt) -> RundownMisuse?) {
        if let misuse = table.withLock({ body(&$0, key(ref)) }) {
            RundownMisuse.report(misuse, call: call, ref: ref)
        }
    }

    /// A ref was initialised (or allocated). Misuse if it is live with protections outstanding.
    static func register(_ ref: UnsafeRawPointer, origin: RundownOrigin, call: StaticString) {
        check(ref, call: call) { table, key in
            if let old = table.records[key], old.outstanding > 0 || old.phase == .waiting {
                return .initializeLiveRef(outstanding: old.outstanding)
            }
            table.freed.removeAll { $0 == key }
            table.records[key] = Record(origin: origin)
            return nil
        }
    }

    /// A Swift object that owned its ref is gone (or a testing engine abandoned it): stop
    /// tracking it.
    static func forget(_ ref: UnsafeRawPointer) {
        table.withLock { table in
            let key = key(ref)
            table.records[key] = nil
            table.freed.removeAll { $0 == key }
        }
    }

    /// Runs `body` on the ref's record; nothing if the ref is not tracked; use after free if it
    /// was freed.
    static func update(_ ref: UnsafeRawPointer, call: StaticString, _ body: @escaping (inout Record) -> RundownMisuse?)
    {
        check(ref, call: call) { table, key in
            guard var record = table.records[key] else {
                return table.freed.contains(key) ? .useAfterFree : nil
            }
            let misuse = body(&record)
            if misuse == nil { table.records[key] = record }
            return misuse
        }
    }

    @usableFromInline
    static func didAcquire(_ ref: UnsafeRawPointer, count: Int, call: StaticString) {
        update(ref, call: call) { record in
            record.outstanding += count
            return nil
        }
    }

    @usableFromInline
    static func willAcquire(_ ref: UnsafeRawPointer, call: StaticString) {
        update(ref, call: call) { _ in nil }
    }

    @usableFromInline
    static func willRelease(_ ref: UnsafeRawPointer, count: Int, call: StaticString) {
        update(ref, call: call) { record in
            if record.outstanding < count {
                return record.phase == .live || record.outstanding > 0
                    ? .releaseWithoutAcquire(released: count, outstanding: record.outstanding)
                    : .releaseAfterRundown(released: count)
            }
            record.outstanding -= count
            return nil
        }
    }

    static func willWait(_ ref: UnsafeRawPointer, call: StaticString) {
        update(ref, call: call) { record in
            switch record.phase {
            case .waiting: return .secondWaiter
            case .live: record.phase = .waiting
            case .runDown, .completed: break
            }
            return nil
        }
    }

    static func didWait(_ ref: UnsafeRawPointer, call: StaticString) {
        update(ref, call: call) { record in
            if record.phase == .waiting { record.phase = .runDown }
            return nil
        }
    }

    static func willComplete(_ ref: UnsafeRawPointer, call: StaticString) {
        update(ref, call: call) { record in
            if let misuse = notRunDown(record, without: RundownMisuse.completedWithoutWait) { return misuse }
            record.phase = .completed
            return nil
        }
    }

    static func willReinitialize(_ ref: UnsafeRawPointer, call: StaticString) {
        update(ref, call: call) { record in
            if let misuse = notRunDown(record, without: RundownMisuse.reinitializeWithoutWait) { return misuse }
            record.phase = .live
            return nil
        }
    }

    /// The misuse of an operation that needs a finished wait, if the record has none.
    static func notRunDown(_ record: Record, without misuse: (Int) -> RundownMisuse) -> RundownMisuse? {
        switch record.phase {
        case .live: return misuse(record.outstanding)
        case .waiting: return .waitInProgress
        case .runDown, .completed: return nil
        }
    }

    /// An allocated cache-aware ref is being freed: it must be allocated, idle, and not freed.
    static func willFree(_ ref: UnsafeRawPointer, call: StaticString) {
        check(ref, call: call) { table, key in
            guard let record = table.records[key] else {
                return table.freed.contains(key) ? .useAfterFree : nil
            }
            if record.origin != .allocated { return .freeCallerInitialized }
            if record.phase == .waiting { return .waitInProgress }
            if record.outstanding > 0 { return .freeWithProtectionsOutstanding(outstanding: record.outstanding) }
            table.records[key] = nil
            table.freed.append(key)
            if table.freed.count > Table.freedMemory { table.freed.removeFirst() }
            return nil
        }
    }
}
