import Rundown
import RundownHarness
import Testing

@Test func smoke() {
    // cache-aware allocated, 2 CPUs, 2 workers, program: T1 acquire, T2 acquire, T0 wait, T1 touch, T1 release...
    let program: [UInt8] = [0b00_000_001, 0b00_000_010, 0b00_000_000, 0b00_100_001, 0b00_100_010]
    let bytes: [UInt8] = [1, 0b0000_0101, 2, UInt8(program.count)] + program + [0, 1, 2, 0, 1, 2, 1, 1, 0, 2]
    let outcome = Harness.run(bytes, mode: .interleavings)
    print(Harness.report(outcome, mode: .interleavings, fault: .none))
    #expect(outcome.failure == nil)
}
