/// The schedule half of an input: one byte per decision, with a fixed default once they run out.
package struct ScheduleBytes: Sendable {
    package let bytes: [UInt8]
    package private(set) var position = 0

    package init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The next byte, or nil when the schedule is exhausted (callers then use their default).
    @inline(__always)
    package mutating func next() -> UInt8? {
        guard position < bytes.count else { return nil }
        defer { position += 1 }
        return bytes[position]
    }
}
