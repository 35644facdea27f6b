// libFuzzer entry point of the Benchmarks target (see _RundownFuzzEntry.benchmarks): the first byte
// picks a ported SCTBench program, the rest is its schedule. A calibration target: its programs have
// bugs on purpose. Built only by the fuzz package's builds (ci/fuzz build), with libFuzzer.
import _RundownFuzzEntries

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBenchmarks(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _RundownFuzzEntry.benchmarks(data, size)
}

/// Before any input: RUNDOWN_CONTROL must name a control and RUNDOWN_BENCHMARK, when set, a program
/// (a typo is a usage error, not a finding).
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    _RundownFuzzEntry.initializeBenchmarks()
}
