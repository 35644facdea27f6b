import Glibc
import _RundownShims
import _ToolShims

/// Where a run's text goes: statistics lines and banners, and (on a terminal) a progress line
/// that the next line overwrites.
package struct SoakOutput: Sendable {
    /// Prints one line (statistics, banners, verdict).
    package var line: @Sendable (String) -> Void
    /// Replaces the progress line (nil: no progress line, e.g. not a terminal).
    package var progress: (@Sendable (String) -> Void)?

    package init(line: @escaping @Sendable (String) -> Void, progress: (@Sendable (String) -> Void)? = nil) {
        self.line = line
        self.progress = progress
    }
}

extension SoakOutput {
    /// Lines to standard output; when standard error is a terminal, a progress line there that
    /// each new line first clears.
    package static func standard() -> SoakOutput {
        let terminal = rundown_soak_is_terminal(2) != 0
        let line: @Sendable (String) -> Void = { text in
            if terminal { SoakConsole.error("\r\u{1B}[K") }
            SoakConsole.out(text + "\n")
        }
        let progress: @Sendable (String) -> Void = { text in SoakConsole.error("\r\u{1B}[K" + text) }
        return SoakOutput(line: line, progress: terminal ? progress : nil)
    }
}

/// Unbuffered writes to the standard streams (so that lines appear at once, even in a pipe).
package enum SoakConsole {
    /// Writes `text` to standard output as it is (add the newline yourself).
    package static func out(_ text: String) { write(1, text) }
    /// Writes `text` to standard error as it is.
    package static func error(_ text: String) { write(2, text) }

    static func write(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n: Int = bytes.withUnsafeBytes { buffer in
                Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if n <= 0 { return }
            offset += n
        }
    }

    /// The CPUs this process may run on.
    package static var cpus: Int { Int(rundown_allowed_cpu_count()) }

    /// Seconds after the first stop signal during which further SIGINTs and SIGTERMs are part
    /// of the same stop (ignored); a later one kills at once.
    package static let stopWindowSeconds = Double(RUNDOWN_SOAK_STOP_WINDOW_NS) / 1e9

    /// The first stop signal received since ``installSignalHandlers()`` (SIGINT or SIGTERM), or 0.
    package static var stopSignal: Int32 { rundown_soak_stop_signal() }

    /// Makes SIGINT and SIGTERM end a run cleanly (final summary, exit status 128 + signal; more
    /// of them within ``stopWindowSeconds`` change nothing, a later one kills at once), and a
    /// crash print a FAILURE line with the faulting thread's stack before the process dies.
    /// Returns nil, or one line saying what could not be installed.
    package static func installSignalHandlers() -> String? {
        if rundown_soak_install_stop_signals() != 0 {
            return "cannot install the SIGINT and SIGTERM handlers: \(String(cString: strerror(errno)))"
        }
        if rundown_soak_install_crash_handlers() != 0 {
            return "cannot install the crash handlers: \(String(cString: strerror(errno)))"
        }
        return nil
    }
}
