#if canImport(Glibc)
    import Glibc
#endif
import _RundownShims
import _ToolShims

/// SIGINT and SIGTERM as a request to stop: the tool finishes what it must (the running child
/// ends, the recap is printed) instead of dying mid-way. Signals that arrive together (a
/// terminal or `timeout` signals the whole process group; a CI runner may send two) count as
/// one request; a deliberate later one kills the tool the default way.
package struct StopSignal: Sendable {
    /// Installs the handlers (once per process). sigaction and pthread_sigmask fail only on
    /// invalid arguments, so a failure stops the process with a message naming them.
    package static func install() -> StopSignal {
        if rundown_soak_install_stop_signals() != 0 {
            rundown_fatal_errno("sigaction or pthread_sigmask (the stop signals)", errno)
        }
        return StopSignal()
    }

    /// The process's stop state, without installing anything (for reporting after a stop).
    package static var current: StopSignal { StopSignal() }

    /// Whether a stop was requested.
    package var isRequested: Bool { rundown_soak_stop_signal() != 0 }

    /// The signal that asked (SIGINT or SIGTERM), or 0.
    package var number: Int32 { rundown_soak_stop_signal() }

    /// The exit status that reports the stop as shells do: 128 + the signal.
    package var exitStatus: Int32 { 128 + number }
}
