import RundownHarness

/// The libFuzzer entry points of the fuzz targets: one function per target, each a plain call
/// into the testing engine (`Harness`).
///
/// Internal to the project, not API. The targets are a package of their own
/// (`FuzzTargets/Package.swift`, built only with libFuzzer, which supplies `main`), and the
/// engine's `package` access does not cross packages: these functions are the one public door
/// the fuzz package needs. Each `FuzzTargets/<Name>/<Name>.swift` exports one of them as
/// `LLVMFuzzerTestOneInput`, and ``initialize()`` as `LLVMFuzzerInitialize`.
public enum _RundownFuzzEntry {
    /// Every target's `LLVMFuzzerInitialize`: reads `RUNDOWN_CONTROL` before any input runs, so
    /// that a name that is not a negative control stops the process with a usage error (exit
    /// 64), never a finding.
    public static func initialize() -> CInt {
        Harness.initializeTarget()
    }

    /// `APISequence`: one thread calls everything, against the reference model, with
    /// allocation failures.
    public static func apiSequence(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        Harness.fuzz(data, size, mode: .apiSequence)
    }

    /// `Interleavings`: an owner and workers under the controlled scheduler.
    public static func interleavings(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        Harness.fuzz(data, size, mode: .interleavings)
    }

    /// `WeakMemory`: the Interleavings programs under the weak-memory model (format version 2).
    public static func weakMemory(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        Harness.fuzz(data, size, mode: .weakMemory)
    }

    /// `Misuse`: programs that break the contract on purpose; the checked mode must name each.
    public static func misuse(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        Harness.fuzz(data, size, mode: .misuse)
    }

    /// `Threads`: the Interleavings programs on real threads (built with ThreadSanitizer and
    /// with AddressSanitizer).
    public static func threads(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        Harness.fuzzThreads(data, size)
    }

    /// `Benchmarks`: the ported SCTBench programs on the runtime, for calibration (their bugs
    /// are on purpose).
    public static func benchmarks(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        BenchmarkProgram.fuzz(data, size)
    }

    /// The `Benchmarks` target's initialisation: the control, and `RUNDOWN_BENCHMARK` (a
    /// program to pin every input to) when set; a bad name is a usage error (exit 64).
    public static func initializeBenchmarks() -> CInt {
        BenchmarkProgram.initializeTarget()
    }
}
