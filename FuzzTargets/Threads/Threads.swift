// libFuzzer entry point: the input bytes decide the program and, on real threads, the CPU
// placements, spins, yields and moves (see ThreadPlan). Built twice by ci/fuzz: with
// ThreadSanitizer and with AddressSanitizer; libFuzzer supplies main.
import RundownHarness

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzThreads(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    Harness.fuzzThreads(data, size)
}

/// Before any input: RUNDOWN_CONTROL must name a control (a typo is a usage error, not a finding).
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    Harness.initializeTarget()
}
