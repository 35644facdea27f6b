// libFuzzer entry point: the input bytes decide the program, the reads-from stream and the schedule
// (see InputDecoder, format version 2); runs under the weak-memory model.
// Built only by ci/fuzz (RUNDOWN_FUZZ_TARGETS=1, --sanitize=fuzzer); libFuzzer supplies main.
import RundownHarness

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWeakMemory(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    Harness.fuzz(data, size, mode: .weakMemory)
}

/// Before any input: RUNDOWN_CONTROL must name a control (a typo is a usage error, not a finding).
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    Harness.initializeTarget()
}
