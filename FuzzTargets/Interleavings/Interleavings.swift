// libFuzzer entry point of the Interleavings target (see _RundownFuzzEntry.interleavings). Built only by the fuzz
// package's builds (ci/fuzz build, .clusterfuzzlite/build.sh), with libFuzzer, which supplies main.
import _RundownFuzzEntries

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInterleavings(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _RundownFuzzEntry.interleavings(data, size)
}

/// Before any input: RUNDOWN_CONTROL must name a control (a typo is a usage error, not a finding).
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    _RundownFuzzEntry.initialize()
}
