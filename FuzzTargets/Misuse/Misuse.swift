// libFuzzer entry point: the input bytes decide the program and the schedule (see Decoder).
// Built only by ci/fuzz (RUNDOWN_FUZZ_TARGETS=1, --sanitize=fuzzer); libFuzzer supplies main.
import RundownHarness

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMisuse(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    Harness.fuzz(data, size, mode: .misuse)
}
