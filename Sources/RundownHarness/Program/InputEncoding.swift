/// Writes inputs in the format ``InputDecoder`` reads (format version 1, or 2 with a reads-from
/// stream): the inverse of its header and program-byte layout, for the tests and the tools that
/// generate inputs.
package enum InputEncoding {
    /// An input: the header, `program` (one byte per operation, see ``operation(thread:kind:argument:)``)
    /// and `schedule` (one byte per scheduling decision, or a thread plan on real threads).
    ///
    /// - Parameters:
    ///   - cpus: CPU slots, 1...4.
    ///   - workers: logical threads besides the owner, 0...7 (each mode allows fewer).
    ///   - failingAllocation: the allocation that fails (apiSequence only), 0 for none, up to 31.
    ///   - readsFrom: the weak-memory target's reads-from stream (format version 2); nil writes
    ///     format version 1.
    package static func input(
        kind: Program.RefKind, cpus: Int, twoRefs: Bool = false, workers: Int, failingAllocation: Int = 0,
        program: [UInt8], readsFrom: [UInt8]? = nil, schedule: [UInt8]
    ) -> [UInt8] {
        precondition(
            (1...4).contains(cpus) && (0...7).contains(workers) && (0...31).contains(failingAllocation)
                && program.count <= 255 && (readsFrom?.count ?? 0) <= 255)
        let options = kind.rawValue | UInt8(cpus - 1) << 2 | (twoRefs ? 0x10 : 0)
        let shape = UInt8(workers) | UInt8(failingAllocation) << 3
        guard let readsFrom else {
            return [InputDecoder.formatVersion, options, shape, UInt8(program.count)] + program + schedule
        }
        return [InputDecoder.weakMemoryFormatVersion, options, shape, UInt8(program.count), UInt8(readsFrom.count)]
            + program + readsFrom + schedule
    }

    /// `input`, a version-1 input's header and program (no schedule bytes), as a version-2 input
    /// with the reads-from stream `readsFrom` (at most 255 bytes): the same program for the
    /// weak-memory target, schedule bytes to follow.
    package static func addingReadsFrom(_ readsFrom: [UInt8], to input: [UInt8]) -> [UInt8] {
        precondition(input.count >= 4 && input[0] == InputDecoder.formatVersion && readsFrom.count <= 255)
        // The length byte says what the program has (a file may claim more bytes than it holds).
        let program = input[4...]
        return [InputDecoder.weakMemoryFormatVersion, input[1], input[2], UInt8(program.count), UInt8(readsFrom.count)]
            + program + readsFrom
    }

    /// A program byte: logical thread `thread` (0...7), operation kind `kind` (0...7), argument 0...3.
    package static func operation(thread: Int, kind: Int, argument: Int = 0) -> UInt8 {
        precondition((0...7).contains(thread) && (0...7).contains(kind) && (0...3).contains(argument))
        return UInt8(thread) | UInt8(kind) << 3 | UInt8(argument) << 6
    }
}
