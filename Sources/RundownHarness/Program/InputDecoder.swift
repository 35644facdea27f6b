/// Turns fuzz input bytes into a program and a schedule, or rejects them.
///
/// Layout (format version 1):
///
///     byte 0      format version: 1, or 2 for the weak-memory target (below)
///     byte 1      options: bits 0-1 ref kind (0 plain, 1 cache-aware allocated, 2 cache-aware in
///                 caller memory; 3 is rejected), bits 2-3 CPU slots - 1, bit 4 two refs,
///                 bits 5-7 reserved (must be 0)
///     byte 2      shape: bits 0-2 workers, bits 3-7 allocation number that fails (0: none)
///     byte 3      length L of the program section
///     4 ..< 4+L   program bytes: one operation each (thread, kind, argument)
///     4+L ...     schedule bytes: one per scheduling decision; when they run out, the running
///                 thread keeps running and a CPU lookup answers thread index mod CPUs
///
/// Format version 2 (weak-memory target only) adds the reads-from stream:
///
///     byte 4      length R of the reads-from section
///     5 ..< 5+L   program bytes
///     5+L ..< 5+L+R   reads-from bytes: one per load that has a choice (byte mod choices =
///                 how many stores older than the newest it reads); when they run out, every
///                 load reads the newest store
///     5+L+R ...   schedule bytes
///
/// A version-1 input on the weak-memory target has an empty reads-from stream: every load reads
/// the newest store, the sequentially consistent behaviour, with happens-before still checked.
///
/// The program section, the reads-from stream and the schedule never share a byte, so mutating
/// one leaves the others' meaning alone. Every byte string either decodes or is rejected; nothing
/// in it can crash the decoder. Programs for the contract-obeying modes obey the contract by
/// construction.
///
/// No program can hang by itself: a wait that could close a wait cycle (see ``WaitForGraph``:
/// distinct threads, each stopped at a wait, each waiting on a ref the next one may hold there)
/// is never generated. Only a misuse worker's wait can close one (the owner never holds
/// protection, and the one thread of apiSequence waits only on refs it does not hold); such a
/// byte decodes as a release of the same ref and count instead, the rule that already applied
/// to a worker waiting on a ref it holds itself (the shortest cycle). Programs without a
/// possible cycle decode exactly as before the rule existed.
package struct InputDecoder {
    package enum Mode: String, Sendable, CaseIterable {
        /// One logical thread calling everything, differential against the reference model,
        /// with allocation failure injection.
        case apiSequence
        /// An owner and up to four workers under the controlled scheduler.
        case interleavings
        /// Programs that break the contract on purpose.
        case misuse
        /// The interleavings programs under the weak-memory model (format version 2).
        case weakMemory

        var maxWorkers: Int {
            switch self {
            case .apiSequence: return 0
            case .interleavings, .weakMemory: return 4
            case .misuse: return 2
            }
        }

        /// Whether runs in this mode explore weak memory (and read the reads-from stream).
        package var isWeakMemory: Bool { self == .weakMemory }
    }

    package static let formatVersion: UInt8 = 1
    /// The format with a reads-from stream (the weak-memory target).
    package static let weakMemoryFormatVersion: UInt8 = 2
    /// Operations per logical thread, beyond which program bytes are ignored.
    package static let maxOperationsPerThread = 12

    package enum Rejection: Error, Equatable, CustomStringConvertible {
        case tooShort
        case unknownVersion(UInt8)
        case readsFromNotAllowed
        case reservedBitsSet(byte: Int)
        case unknownRefKind
        case tooManyWorkers(Int, max: Int)
        case failureInjectionNotAllowed

        package var description: String {
            switch self {
            case .tooShort: return "fewer than 4 header bytes"
            case let .unknownVersion(v):
                return
                    "format version \(v) (expected \(InputDecoder.formatVersion), or \(InputDecoder.weakMemoryFormatVersion) for weakMemory)"
            case .readsFromNotAllowed:
                return
                    "format version \(InputDecoder.weakMemoryFormatVersion) (a reads-from stream) is for the weakMemory decoder only"
            case let .reservedBitsSet(byte): return "reserved bits set in header byte \(byte)"
            case .unknownRefKind: return "ref kind 3 is not defined"
            case let .tooManyWorkers(n, max): return "\(n) workers (this target allows \(max))"
            case .failureInjectionNotAllowed: return "allocation failure injection is for apiSequence only"
            }
        }
    }

    package let mode: Mode
    package init(mode: Mode) { self.mode = mode }

    /// An input, decoded.
    package struct Decoded: Sendable {
        package var program: Program
        /// One byte per scheduling decision.
        package var schedule: [UInt8]
        /// One byte per weak-memory load with a choice; nil outside the weak-memory mode.
        package var readsFrom: [UInt8]?
    }

    /// Decodes `bytes` into a program and its schedule bytes.
    package func decode(_ bytes: [UInt8]) throws(Rejection) -> (Program, [UInt8]) {
        let decoded = try decodeInput(bytes)
        return (decoded.program, decoded.schedule)
    }

    /// Decodes `bytes` into a program, its schedule and (weak-memory mode) its reads-from stream.
    package func decodeInput(_ bytes: [UInt8]) throws(Rejection) -> Decoded {
        guard bytes.count >= 4 else { throw .tooShort }
        let version = bytes[0]
        guard version == InputDecoder.formatVersion || version == InputDecoder.weakMemoryFormatVersion else {
            throw .unknownVersion(version)
        }
        let hasReadsFrom = version == InputDecoder.weakMemoryFormatVersion
        guard !hasReadsFrom || mode.isWeakMemory else { throw .readsFromNotAllowed }
        guard !hasReadsFrom || bytes.count >= 5 else { throw .tooShort }
        let options = bytes[1]
        guard options & 0xE0 == 0 else { throw .reservedBitsSet(byte: 1) }
        guard let kind = Program.RefKind(rawValue: options & 3) else { throw .unknownRefKind }
        let cpus = Int((options >> 2) & 3) + 1
        let refCount = options & 0x10 != 0 ? 2 : 1
        let workers = Int(bytes[2] & 7)
        guard workers <= mode.maxWorkers else { throw .tooManyWorkers(workers, max: mode.maxWorkers) }
        let failing = Int(bytes[2] >> 3)
        guard failing == 0 || mode == .apiSequence else { throw .failureInjectionNotAllowed }
        let start = hasReadsFrom ? 5 : 4
        let length = min(Int(bytes[3]), bytes.count - start)
        let programBytes = bytes[start..<start + length]
        let readsFromLength = hasReadsFrom ? min(Int(bytes[4]), bytes.count - start - length) : 0
        let readsFrom = Array(bytes[(start + length)..<(start + length + readsFromLength)])
        let schedule = Array(bytes[(start + length + readsFromLength)...])

        var builder = Builder(mode: mode, kind: kind, refCount: refCount, threads: 1 + workers)
        for byte in programBytes { builder.add(byte) }
        let program = Program(
            refKind: kind, cpus: cpus, refCount: refCount, threads: builder.finish(),
            failingAllocation: failing == 0 ? nil : failing)
        return Decoded(program: program, schedule: schedule, readsFrom: mode.isWeakMemory ? readsFrom : nil)
    }

    /// Builds each thread's operation list from program bytes, keeping the contract (or, for
    /// misuse programs, breaking it only in ways the checked mode can see).
    struct Builder {
        let mode: Mode
        let kind: Program.RefKind
        let refCount: Int
        var threads: [[Program.Operation]]
        /// Protections each thread holds per ref, as the program would have them if every
        /// acquire succeeded.
        var holds: [[Int]]
        /// Whether the owner has waited on each ref since it was (re)initialised.
        var waited: [Bool]
        /// Where the threads may be blocked so far: no new wait may close a cycle.
        var waitFor = WaitForGraph()

        init(mode: Mode, kind: Program.RefKind, refCount: Int, threads: Int) {
            self.mode = mode
            self.kind = kind
            self.refCount = refCount
            self.threads = Array(repeating: [], count: threads)
            self.holds = Array(repeating: Array(repeating: 0, count: refCount), count: threads)
            self.waited = Array(repeating: false, count: refCount)
            for ref in 0..<refCount { self.threads[0].append(.create(ref: ref)) }
        }

        mutating func add(_ byte: UInt8) {
            let thread = Int(byte & 7) % threads.count
            let kind = Int((byte >> 3) & 7)
            let argument = Int(byte >> 6)
            let ref = refCount == 2 ? argument & 1 : 0
            let count = 1 + argument
            guard threads[thread].count < InputDecoder.maxOperationsPerThread + (thread == 0 ? refCount : 0) else {
                return
            }
            switch mode {
            case .misuse: addMisuse(thread: thread, kind: kind, ref: ref, count: count, argument: argument)
            case .apiSequence: addSequential(kind: kind, ref: ref, count: count)
            case .interleavings, .weakMemory:
                if thread == 0 {
                    addOwner(kind: kind, ref: ref)
                } else {
                    addWorker(thread: thread, kind: kind, ref: ref, count: count)
                }
            }
        }

        /// A worker's step: acquire when it holds nothing, else touch or release part.
        mutating func addWorker(thread: Int, kind: Int, ref: Int, count: Int) {
            let held = holds[thread][ref]
            if held == 0 {
                threads[thread].append(.acquire(ref: ref, count: count))
                holds[thread][ref] = count
            } else if kind < 4 {
                threads[thread].append(.touch(ref: ref))
            } else {
                let part = 1 + (count - 1) % held
                threads[thread].append(.release(ref: ref, count: part))
                holds[thread][ref] -= part
            }
        }

        /// The owner's step: wait, then optionally completed, reinitialise (a new object).
        mutating func addOwner(kind: Int, ref: Int) {
            switch kind % 4 {
            case 2 where waited[ref]:
                threads[0].append(.completed(ref: ref))
            case 3 where waited[ref]:
                threads[0].append(.reinitialize(ref: ref))
                waited[ref] = false
            default:
                appendOwnerWait(ref: ref)
                waited[ref] = true
            }
        }

        /// One thread doing everything in order: a wait only when it holds nothing (it would
        /// wait for itself otherwise).
        mutating func addSequential(kind: Int, ref: Int, count: Int) {
            let held = holds[0][ref]
            switch kind {
            case 0, 1, 2, 3, 4:
                addWorker(thread: 0, kind: kind, ref: ref, count: count)
            default:
                if held > 0 {
                    threads[0].append(.release(ref: ref, count: held))
                    holds[0][ref] = 0
                } else {
                    addOwner(kind: kind - 4, ref: ref)
                }
            }
        }

        /// Misuse programs: the worker acquires, releases (too much, too late), waits (a second
        /// waiter); the owner waits, completes, reinitialises, frees and initialises again,
        /// without regard to order. No touches: once a thread may release another's protection
        /// by mistake, who may still use the object is no longer something the library sees.
        mutating func addMisuse(thread: Int, kind: Int, ref: Int, count: Int, argument: Int) {
            if thread == 0 {
                switch kind {
                case 0, 1: appendOwnerWait(ref: ref)
                case 2: threads[0].append(.completed(ref: ref))
                case 3: threads[0].append(.reinitialize(ref: ref))
                case 4: threads[0].append(.destroy(ref: ref))
                case 5 where self.kind != .cacheAwareAllocated:
                    threads[0].append(.initializeAgain(ref: ref, tooSmall: argument >= 2 && self.kind != .plain))
                default: appendOwnerWait(ref: ref)
                }
            } else {
                switch kind {
                case 0, 1, 2: threads[thread].append(.acquire(ref: ref, count: count))
                case 3:
                    // A worker waits only when the wait closes no wait cycle (waiting on a ref
                    // it holds itself is the shortest): a hang, not a misuse.
                    if !appendWait(thread: thread, ref: ref) {
                        threads[thread].append(.release(ref: ref, count: count))
                    }
                default: threads[thread].append(.release(ref: ref, count: count))
                }
                if case let .acquire(r, n)? = threads[thread].last { holds[thread][r] += n }
                if case let .release(r, n)? = threads[thread].last { holds[thread][r] = max(0, holds[thread][r] - n) }
            }
        }

        /// Closes the program: workers give back what they hold, the owner waits if it has not
        /// since the last reinitialise, then tears each ref down.
        mutating func finish() -> [[Program.Operation]] {
            for thread in threads.indices where mode != .misuse || thread > 0 {
                for ref in 0..<refCount where holds[thread][ref] > 0 {
                    threads[thread].append(.release(ref: ref, count: holds[thread][ref]))
                    holds[thread][ref] = 0
                }
            }
            for ref in 0..<refCount {
                if mode != .misuse && !waited[ref] { appendOwnerWait(ref: ref) }
                if mode != .misuse {
                    // The teardown joins every worker first (see Runner.destroy).
                    recordOwnerJoin()
                    threads[0].append(.destroy(ref: ref))
                } else if !threads[0].contains(.destroy(ref: ref)) {
                    threads[0].append(.destroy(ref: ref))
                }
            }
            return threads
        }

        /// Appends `wait ref` to `thread` unless the wait could close a wait cycle; returns
        /// whether it did.
        mutating func appendWait(thread: Int, ref: Int) -> Bool {
            let held = WaitForGraph.heldRefs(holds[thread])
            if waitFor.closesCycle(thread: thread, waitsOn: ref, held: held) { return false }
            waitFor.add(thread: thread, waitsOn: ref, held: held)
            threads[thread].append(.wait(ref: ref))
            return true
        }

        /// The owner's wait: it never closes a cycle (nothing ever waits for the owner: it holds
        /// no protection while other threads exist), but it is a point where others may wait.
        mutating func appendOwnerWait(ref: Int) {
            let added = appendWait(thread: 0, ref: ref)
            assert(added, "the owner's wait r\(ref) would close a wait cycle")
        }

        /// Records the owner's join (it waits for every worker) as a point where it may stop.
        mutating func recordOwnerJoin() {
            let held = WaitForGraph.heldRefs(holds[0])
            assert(
                !waitFor.closesCycle(thread: 0, waitsOn: nil, held: held), "the owner's join would close a wait cycle")
            waitFor.add(thread: 0, waitsOn: nil, held: held)
        }
    }
}
