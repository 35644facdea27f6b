import Rundown

/// The wait-block lifetime oracle: a seam operation on another logical thread's stack is legal
/// only inside the wait block that thread published, and only until its wait returns.
///
/// A wait block lives on the waiter's stack (here: its fiber's stack) for one wait. Without this
/// check a releaser that writes into a block after the wait returned corrupts whatever frame
/// lives there by then, and the run fails far from the cause (a lost wake-up that looks like a
/// deadlock, or AddressSanitizer's stack-buffer-overflow in an unrelated frame). Publication is
/// the waiter's compare-exchange that stores a marker (odd and not exactly 1, see
/// `RundownWordState`); the end is the return of the runner's wait call. A thread's accesses to
/// its own stack are never judged (the waiter prepares its block before publishing it).
struct WaitBlockLifetime {
    /// The addresses `low ..< low + size`.
    struct Span {
        var low: UInt = 0
        var size: UInt = 0

        @inline(__always)
        func contains(_ address: UInt) -> Bool { address &- low < size }
    }

    /// A wait that has returned: its block, the call, and the trace step of its return.
    struct EndedWait {
        let block: Span
        let call: Program.Operation
        let step: Int
    }

    /// The bytes of a wait block (its count and event words).
    static let blockSize = UInt(2 * MemoryLayout<UInt>.stride)

    /// Each logical thread's fiber stack.
    private(set) var stacks: [Span] = []
    /// The call each thread is in (nil between calls).
    var calls: [Program.Operation?] = []
    /// The block each thread published in the wait it is in (empty when none).
    private(set) var published: [Span] = []
    /// The last wait each thread finished that had published a block.
    private(set) var ended: [EndedWait?] = []

    /// Starts a run whose logical threads run on `stacks`.
    mutating func reset(stacks: [Span]) {
        self.stacks = stacks
        calls = Array(repeating: nil, count: stacks.count)
        published = Array(repeating: Span(), count: stacks.count)
        ended = Array(repeating: nil, count: stacks.count)
    }

    /// `thread` stored `marker` into a rundown word: if the block lies on its own stack, it is
    /// published until the thread's wait returns.
    mutating func stored(marker: UInt, by thread: Int) {
        let low = marker & ~RundownWordState.active
        // The waiter's own block: on its fiber stack, or, under AddressSanitizer with
        // use-after-return detection, in the fake stack it keeps for the thread (so the block
        // is known by its address, not only by the stack it lies on). Only a thread inside a
        // wait publishes; a broken release that computes an odd word does not.
        guard case .wait? = calls[thread] else { return }
        published[thread] = Span(low: low, size: Self.blockSize)
    }

    /// The thread whose live (published) wait block holds `address`, if any.
    @inline(__always)
    func publishedOwner(of address: UInt) -> Int? {
        for owner in published.indices where published[owner].contains(address) { return owner }
        return nil
    }

    /// `thread`'s wait call returned at trace step `step`: its block is dead from now on.
    mutating func waitReturned(by thread: Int, step: Int) {
        if published[thread].size != 0, let call = calls[thread] {
            ended[thread] = EndedWait(block: published[thread], call: call, step: step)
        }
        published[thread] = Span()
    }

    /// The thread whose stack `thread` must not access at `address` now, or nil when the
    /// access is legal. A few range compares: it runs at every seam operation.
    @inline(__always)
    func illegalOwner(of address: UInt, accessedBy thread: Int) -> Int? {
        // A live block or the accessor's own stack first: under AddressSanitizer's fake stacks
        // a block may lie where another thread's ended block once was.
        if stacks[thread].contains(address) { return nil }
        for owner in stacks.indices where published[owner].contains(address) { return nil }
        for owner in stacks.indices where owner != thread {
            if stacks[owner].contains(address) || ended[owner]?.block.contains(address) == true { return owner }
        }
        return nil
    }

    /// Whether `thread`'s `kind` access at `address` is a release's wait-block operation on no
    /// live block. A thread outside a wait touches a wait block only to drain the one whose
    /// marker it read, which a wait in progress published; an address outside every published
    /// block was never one (a control that adds to a run-down word, 1, makes it 1 + 2n, which
    /// reads as a block at address 2n). Without this check the access faults the process. Waits
    /// are not judged: a waiter prepares its own block before publishing it, and under
    /// AddressSanitizer that block is in no fiber stack.
    @inline(__always)
    func isStrayBlockAccess(_ kind: PointKind, at address: UInt, by thread: Int) -> Bool {
        guard kind == .add || kind == .resetEvent || kind == .signalEvent || kind == .waitEvent else { return false }
        guard let call = calls[thread] else { return false }
        if case .wait = call { return false }
        return publishedOwner(of: address) == nil
    }

    /// The finding for `thread`'s `kind` access at `address`, a wait block no wait published
    /// (``isStrayBlockAccess(_:at:by:)``).
    func strayBlockFailure(address: UInt, accessedBy thread: Int, kind: PointKind) -> Failure {
        let reads = kind == .load || kind == .waitEvent
        let accessor = "T\(thread)" + (calls[thread].map { " (\($0))" } ?? "") + (reads ? " read" : " wrote into")
        return .waitBlockLifetime(
            thread: thread, owner: nil,
            what: "\(accessor) a wait block at 0x\(String(address, radix: 16)) that no wait in progress published"
                + " (\(kind)): the rundown word it read held no live block's marker")
    }

    /// The finding for `thread`'s `kind` access at `address` on `owner`'s stack.
    func failure(address: UInt, accessedBy thread: Int, kind: PointKind, owner: Int) -> Failure {
        let reads = kind == .load || kind == .waitEvent
        let accessor = "T\(thread)" + (calls[thread].map { " (\($0))" } ?? "") + (reads ? " read" : " wrote into")
        let what: String
        if let ended = ended[owner], ended.block.contains(address) {
            let field = address - ended.block.low < UInt(MemoryLayout<UInt>.stride) ? "count" : "event"
            what =
                "\(accessor) T\(owner)'s wait block (\(ended.call)) after that wait returned at step \(ended.step)"
                + " (\(kind) on its \(field))"
        } else {
            let offset = address - stacks[owner].low
            let state: String
            switch calls[owner] {
            case let call? where published[owner].size != 0: state = "outside the wait block of its \(call)"
            case let .wait(ref)?: state = "while its wait r\(ref) has published no wait block"
            case let call?: state = "while T\(owner) is in \(call), no wait"
            case nil: state = "while T\(owner) is between calls"
            }
            what = "\(accessor) T\(owner)'s stack \(state) (\(kind) at offset \(offset) of the stack)"
        }
        return .waitBlockLifetime(thread: thread, owner: owner, what: what)
    }
}
