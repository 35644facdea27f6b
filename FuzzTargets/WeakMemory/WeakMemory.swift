// libFuzzer entry point of the WeakMemory target (see _RundownFuzzEntry.weakMemory): the input bytes
// decide the program, the reads-from stream and the schedule (InputDecoder, format version 2). Built
// only by the fuzz package's builds (ci/fuzz build, .clusterfuzzlite/build.sh), with libFuzzer.
import _RundownFuzzEntries

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWeakMemory(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _RundownFuzzEntry.weakMemory(data, size)
}

/// Before any input: RUNDOWN_CONTROL must name a control (a typo is a usage error, not a finding).
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    _RundownFuzzEntry.initialize()
}
