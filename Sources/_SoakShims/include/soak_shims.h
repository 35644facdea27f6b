// The soak tester's thin C layer: call stacks, symbol names, the stop signals, clocks and
// process facts that Swift cannot reach directly on Linux.
#ifndef RUNDOWN_SOAK_SHIMS_H
#define RUNDOWN_SOAK_SHIMS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Writes up to `capacity` return addresses of the calling thread's stack into `pcs`, the
/// caller's frame first; returns how many. libunwind when the build found it, glibc's
/// backtrace() otherwise.
int rundown_soak_backtrace(void **pcs, int capacity);

/// "libunwind" or "glibc backtrace()": what rundown_soak_backtrace uses in this build.
const char *rundown_soak_unwinder(void);

/// Describes `pc` as "symbol+0xoffset (object)" into `out` (demangled when it is a Swift
/// symbol); falls back to "object+0xoffset" when no symbol covers it. Always NUL-terminates.
void rundown_soak_describe_pc(const void *pc, char *out, size_t capacity);

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
/// set when sigaction failed.
int rundown_soak_install_stop_signals(void);

/// Installs handlers for SIGSEGV, SIGBUS, SIGILL and SIGFPE that print a crash verdict
/// ("FAILURE (crash)"), the faulting thread's name and its stack to standard error, then die of
/// the same signal (so the exit status still says which). Not installed under AddressSanitizer
/// or ThreadSanitizer, whose own reports are better. Returns 0, or -1 with errno set when
/// sigaltstack or sigaction failed.
int rundown_soak_install_crash_handlers(void);

/// The first stop signal received (SIGINT or SIGTERM), or 0.
int rundown_soak_stop_signal(void);

/// CLOCK_MONOTONIC in nanoseconds.
uint64_t rundown_soak_now_ns(void);

/// Sleeps for `ns` nanoseconds (restarts after signals until the time has passed).
void rundown_soak_sleep_ns(uint64_t ns);

/// Resident set size of this process in bytes (from /proc/self/statm); 0 if unknown.
uint64_t rundown_soak_resident_bytes(void);

/// 1 when file descriptor `fd` is a terminal.
int rundown_soak_is_terminal(int fd);

/// Names the calling thread (at most 15 characters are kept), for debuggers and sanitizer reports.
void rundown_soak_name_thread(const char *name);

/// Starts a joinable thread running `body(context)`; returns 0 or an errno.
int rundown_soak_spawn(void *(*body)(void *), void *context, uint64_t *handle);

/// Joins a thread from rundown_soak_spawn.
void rundown_soak_join(uint64_t handle);

/// Detaches a thread from rundown_soak_spawn (it will never be joined).
void rundown_soak_detach(uint64_t handle);

#ifdef __cplusplus
}
#endif

#ifdef __cplusplus
extern "C" {
#endif

/// Jitter: with probability 1 in 2^`shift` per call, spins for a random 0 to 2047 iterations
/// (about a microsecond at most), and in 1 of 64 such cases yields the CPU instead. Each thread
/// has its own generator, so jitter adds no shared state (and no ordering) between threads.
void rundown_soak_jitter(unsigned shift);

/// Seeds the calling thread's jitter generator.
void rundown_soak_jitter_seed(uint64_t seed);

#ifdef __cplusplus
}
#endif

#endif
