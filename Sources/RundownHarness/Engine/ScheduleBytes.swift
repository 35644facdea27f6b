/// The schedule half of an input: one byte per decision, with a fixed default once they run out.
public struct ScheduleBytes: Sendable {
    public let bytes: [UInt8]
    public private(set) var position = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The next byte, or nil when the schedule is exhausted (callers then use their default).
    @inline(__always)
    public mutating func next() -> UInt8? {
        guard position < bytes.count else { return nil }
        defer { position += 1 }
        return bytes[position]
    }
}
