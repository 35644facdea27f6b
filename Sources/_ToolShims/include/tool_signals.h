// Signals for the tools: SIGINT and SIGTERM as a request to stop, and a crash verdict with the
// faulting thread's stack.
#ifndef RUNDOWN_TOOL_SIGNALS_H
#define RUNDOWN_TOOL_SIGNALS_H

#ifdef __cplusplus
extern "C" {
#endif

/// How long after the first stop signal further SIGINTs and SIGTERMs are taken as part of the
/// same stop and ignored: 2 s. `timeout -s INT` signals the child and then its process group
/// (two signals at once), a terminal's Ctrl-C reaches every process of the job, CI runners
/// repeat themselves. A stop signal later than that kills the process at once.
#define RUNDOWN_SOAK_STOP_WINDOW_NS 2000000000ull

/// Installs SIGINT and SIGTERM handlers that only record the first stop signal and its time;
/// stop signals within RUNDOWN_SOAK_STOP_WINDOW_NS of it are ignored, and a later one kills
/// the process the default way (so a stuck run can still be stopped). Also unblocks SIGINT
/// and SIGTERM on the calling thread (call it on the main thread before starting others: a
/// blocked mask is inherited from the parent process and by new threads). The handlers are
/// async-signal-safe (clock_gettime, atomics, sigaction, raise). Returns 0, or -1 with errno
/// set when sigaction or pthread_sigmask failed.
int rundown_soak_install_stop_signals(void);

/// Installs handlers for SIGSEGV, SIGBUS, SIGILL and SIGFPE that print a crash verdict
/// ("FAILURE (crash)"), the faulting thread's name and its stack to standard error, then die of
/// the same signal (so the exit status still says which). Not installed under AddressSanitizer
/// or ThreadSanitizer, whose own reports are better. Returns 0, or -1 with errno set when
/// sigaltstack or sigaction failed.
int rundown_soak_install_crash_handlers(void);

/// The first stop signal received (SIGINT or SIGTERM), or 0.
int rundown_soak_stop_signal(void);

#ifdef __cplusplus
}
#endif

#endif
