/// The decoder's guard against programs that hang by themselves: every point where a thread of
/// the program being built may be blocked, with what it waits for and what it may hold there.
///
/// A thread blocked in `wait(r)` waits for every thread that may hold `r` at the point where
/// that thread is stopped; the owner blocked in the teardown's join waits for every other
/// thread. (The workers' start gate never takes part in a cycle: the owner opens it before its
/// first call that is not a create, and a create never blocks.) A wait cycle is a set of
/// distinct threads, each stopped at one of its points, each waiting for the next. Points are
/// only ever appended at the end of a thread's list, so a new point can close a cycle only
/// through itself: that is the one question ``closesCycle(thread:waitsOn:held:)`` answers.
struct WaitForGraph {
    /// One place where a thread may be blocked.
    struct StopPoint {
        let thread: Int
        /// The ref it waits on, or nil for the owner's join (it waits for every other thread).
        let waitsOn: Int?
        /// Bit r set: the thread may hold protection on ref r here (as if every acquire succeeded).
        let held: UInt8
    }

    private(set) var points: [StopPoint] = []

    /// The refs `holds` (protections per ref) may hold, as a bit set.
    static func heldRefs(_ holds: [Int]) -> UInt8 {
        var bits: UInt8 = 0
        for (ref, count) in holds.enumerated() where count > 0 { bits |= 1 << ref }
        return bits
    }

    /// Whether `thread`, stopped at a new point where it waits on `waitsOn` (nil: joins every
    /// other thread) holding the refs in `held`, could be part of a wait cycle.
    func closesCycle(thread: Int, waitsOn: Int?, held: UInt8) -> Bool {
        let start = StopPoint(thread: thread, waitsOn: waitsOn, held: held)
        if let waitsOn, held & (1 << waitsOn) != 0 { return true }  // waits for itself
        return reachesBack(from: start, to: start, visited: 1 << thread)
    }

    /// Whether a chain of points of distinct threads (none in `visited`) leads from `point` to
    /// a point that waits for `start`'s thread.
    private func reachesBack(from point: StopPoint, to start: StopPoint, visited: UInt8) -> Bool {
        for next in points where visited & (1 << next.thread) == 0 && Self.waits(point, for: next) {
            if Self.waits(next, for: start) { return true }
            if reachesBack(from: next, to: start, visited: visited | 1 << next.thread) { return true }
        }
        return false
    }

    /// Whether a thread stopped at `waiter` waits for the thread stopped at `other`.
    private static func waits(_ waiter: StopPoint, for other: StopPoint) -> Bool {
        guard waiter.thread != other.thread else { return false }
        guard let ref = waiter.waitsOn else { return true }  // the join waits for everyone
        return other.held & (1 << ref) != 0
    }

    /// Records a point that ``closesCycle(thread:waitsOn:held:)`` accepted.
    mutating func add(thread: Int, waitsOn: Int?, held: UInt8) {
        points.append(StopPoint(thread: thread, waitsOn: waitsOn, held: held))
    }
}
