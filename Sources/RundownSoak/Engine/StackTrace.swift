import _ToolShims

/// A call stack: return addresses captured cheaply now, turned into names only when a report
/// needs them.
struct StackTrace: Sendable {
    static let capacity = 32
    var addresses: [UInt] = []

    /// The calling thread's stack, without the frames of this capture itself (this function and the C shim).
    @inline(never)
    static func capture(skipping skip: Int = 1) -> StackTrace {
        var buffer = [UnsafeMutableRawPointer?](repeating: nil, count: capacity)
        let n = Int(rundown_soak_backtrace(&buffer, Int32(capacity)))
        var trace = StackTrace()
        if n > skip {
            trace.addresses.reserveCapacity(n - skip)
            for i in skip..<n { trace.addresses.append(UInt(bitPattern: buffer[i])) }
        }
        return trace
    }

    /// One line per frame: `#n symbol+0xoffset (object)`.
    var lines: [String] {
        addresses.enumerated().map { index, address in
            var text = [CChar](repeating: 0, count: 512)
            rundown_soak_describe_pc(UnsafeRawPointer(bitPattern: address), &text, text.count)
            let bytes = text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            return "#\(index) \(String(decoding: bytes, as: UTF8.self))"
        }
    }

    /// What captures stacks in this build.
    static var unwinder: String { String(cString: rundown_soak_unwinder()) }
}
