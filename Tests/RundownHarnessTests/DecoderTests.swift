import Rundown
import RundownHarness
import RundownTestKit
import Testing

@Suite("decoder")
struct DecoderTests {
    @Test("malformed headers are rejected with the reason")
    func rejections() {
        let decoder = InputDecoder(mode: .interleavings)
        func rejection(_ bytes: [UInt8]) -> InputDecoder.Rejection? {
            do { _ = try decoder.decode(bytes); return nil } catch { return error }
        }
        #expect(rejection([]) == .tooShort)
        #expect(rejection([1, 0, 1]) == .tooShort)
        #expect(rejection([2, 0, 1, 0, 0]) == .readsFromNotAllowed)
        #expect(rejection([3, 0, 1, 0]) == .unknownVersion(3))
        #expect(rejection([1, 0x20, 1, 0]) == .reservedBitsSet(byte: 1))
        #expect(rejection([1, 0x80, 1, 0]) == .reservedBitsSet(byte: 1))
        #expect(rejection([1, 3, 1, 0]) == .unknownRefKind)
        #expect(rejection([1, 0, 5, 0]) == .tooManyWorkers(5, max: 4))
        #expect(rejection([1, 0, 1 | 1 << 3, 0]) == .failureInjectionNotAllowed)
        #expect(rejection([1, 0, 1, 0]) == nil)
        #expect((try? InputDecoder(mode: .apiSequence).decode([1, 0, 1, 0])) == nil, "apiSequence has no workers")
    }

    @Test(
        "every byte string decodes or is rejected; decoded programs keep the contract",
        arguments: InputDecoder.Mode.allCases)
    func randomBytes(mode: InputDecoder.Mode) throws {
        var random = SplitMix64(seed: 7)
        var decoded = 0
        for _ in 0..<5_000 {
            let length = Int.random(in: 0...64, using: &random)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            if bytes.count >= 3, Bool.random(using: &random) {
                bytes[0] = 1
                bytes[1] &= 0x1F
                bytes[2] &= mode == .apiSequence ? 0xF8 : 0x03
                if bytes[1] & 3 == 3 { bytes[1] &= ~1 }
            }
            guard let (program, _) = try? InputDecoder(mode: mode).decode(bytes) else { continue }
            decoded += 1
            #expect(program.threads.count >= 1 && program.threads.count <= 5)
            if mode != .misuse { try expectContract(program) }
        }
        #expect(decoded > 500, "the generator must reach the decoder's success path")
    }

    /// Workers release no more than they acquired and give everything back; the owner waits
    /// (after its last reinitialise) before it destroys a ref.
    func expectContract(_ program: Program) throws {
        for (index, ops) in program.threads.enumerated() {
            var held = Array(repeating: 0, count: program.refCount)
            var waited = Array(repeating: false, count: program.refCount)
            for operation in ops {
                switch operation {
                case let .acquire(ref, count):
                    #expect(held[ref] == 0, "T\(index) acquires while holding")
                    held[ref] += count
                case let .release(ref, count):
                    held[ref] -= count
                    #expect(held[ref] >= 0, "T\(index) releases more than it holds: \(program.listing)")
                case let .touch(ref): #expect(held[ref] > 0, "T\(index) touches without protection")
                case let .wait(ref):
                    #expect(held[ref] == 0, "a thread never waits for itself")
                    waited[ref] = true
                case let .completed(ref): #expect(waited[ref])
                case let .reinitialize(ref):
                    #expect(waited[ref])
                    waited[ref] = false
                case let .destroy(ref): #expect(waited[ref], "destroy without a wait: \(program.listing)")
                case .create, .initializeAgain: break
                }
            }
            #expect(held.allSatisfy { $0 == 0 }, "T\(index) ends holding protection: \(program.listing)")
        }
    }

    @Test("program bytes and schedule bytes are kept apart")
    func sectionsApart() throws {
        let program = [op(1, 0), op(2, 0, 1), op(0, 0), op(1, 5)]
        let a = input(workers: 2, program: program, schedule: [0, 1, 2, 3])
        let b = input(workers: 2, program: program, schedule: [9, 9, 9, 9, 9, 9])
        let (programA, scheduleA) = try InputDecoder(mode: .interleavings).decode(a)
        let (programB, scheduleB) = try InputDecoder(mode: .interleavings).decode(b)
        #expect(programA == programB)
        #expect(scheduleA == [0, 1, 2, 3])
        #expect(scheduleB == [9, 9, 9, 9, 9, 9])
    }

    @Test("a program length beyond the input takes what is there and leaves no schedule")
    func shortProgram() throws {
        let (program, schedule) = try InputDecoder(mode: .interleavings).decode([1, 1, 1, 200, op(1, 0)])
        #expect(schedule.isEmpty)
        #expect(program.threads[1].first == .acquire(ref: 0, count: 1))
    }
}
