#include "tool_signals.h"
#include "tool_stack.h"
#include "stack_symbols.h"
#include "rundown_shims.h"

#include <errno.h>
#include <execinfo.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/// Restores the default action for `signal_number` and raises it: the process dies of it.
/// Async-signal-safe (sigaction, raise; a failure of either stops the process through
/// rundown_fatal_errno, which only writes).
static void rundown_soak_die_of(int signal_number) {
    struct sigaction fallback;
    memset(&fallback, 0, sizeof fallback);
    fallback.sa_handler = SIG_DFL;
    if (sigaction(signal_number, &fallback, NULL) != 0) rundown_fatal_errno("sigaction(SIG_DFL)", errno);
    if (raise(signal_number) != 0) rundown_fatal_errno("raise", errno);
}

// Written by a signal handler on any thread, read by the main thread: relaxed atomics (lock-free,
// so safe in a handler). The first stop signal and when it came (CLOCK_MONOTONIC; 0 until the
// handler that won the first signal has stored it).
static int rundown_soak_signal = 0;
static uint64_t rundown_soak_signal_ns = 0;

// Async-signal-safe: clock_gettime (POSIX lists it), atomics, sigaction, raise; errno is kept.
static void rundown_soak_on_stop_signal(int signal_number) {
    int saved_errno = errno;
    struct timespec now;
    int have_clock = clock_gettime(CLOCK_MONOTONIC, &now) == 0;
    uint64_t now_ns = have_clock ? (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec : 0;
    int none = 0;
    if (__atomic_compare_exchange_n(&rundown_soak_signal, &none, signal_number, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
        // The first: the run stops cleanly. Without a clock, any later signal kills (time 1 is
        // long before any window).
        __atomic_store_n(&rundown_soak_signal_ns, have_clock && now_ns > 0 ? now_ns : 1, __ATOMIC_RELAXED);
        errno = saved_errno;
        return;
    }
    uint64_t first_ns = __atomic_load_n(&rundown_soak_signal_ns, __ATOMIC_RELAXED);
    // 0: the first signal's handler is still running on another thread, so this one is part
    // of the same burst (timeout(1) signals the child and then its process group).
    if (first_ns == 0 || (have_clock && now_ns - first_ns < RUNDOWN_SOAK_STOP_WINDOW_NS)) {
        errno = saved_errno;
        return;
    }
    // A deliberate later signal: the run did not stop in time; die the default way (the
    // signal is blocked here, so the process dies as this handler returns).
    rundown_soak_die_of(signal_number);
    errno = saved_errno;
}

int rundown_soak_install_stop_signals(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = rundown_soak_on_stop_signal;
    sigemptyset(&action.sa_mask);
    // Both stop signals blocked while either handler runs on a thread: a burst is handled one at a time there.
    sigaddset(&action.sa_mask, SIGINT);
    sigaddset(&action.sa_mask, SIGTERM);
    action.sa_flags = SA_RESTART;
    if (sigaction(SIGINT, &action, NULL) != 0 || sigaction(SIGTERM, &action, NULL) != 0) return -1;
    // A process inherits its parent's blocked signals (test runners and some CI runners block
    // SIGINT): unblock them here, on the main thread, before the run's threads inherit its mask.
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    int error = pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
    if (error != 0) {
        errno = error;
        return -1;
    }
    return 0;
}

int rundown_soak_stop_signal(void) { return __atomic_load_n(&rundown_soak_signal, __ATOMIC_RELAXED); }

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define RUNDOWN_SOAK_SANITIZED 1
#endif
#endif

static void rundown_soak_write(const char *text) {
    size_t length = strlen(text);
    while (length > 0) {
        ssize_t n = write(2, text, length);
        if (n <= 0) return;  // standard error is gone: there is nowhere else to write
        text += n;
        length -= (size_t)n;
    }
}

static void rundown_soak_on_crash(int signal_number, siginfo_t *info, void *context) {
    (void)context;
    // The verdict first, with nothing but write(): the process may be corrupted enough that
    // anything fancier faults again (and a second fault kills it at once: SA_RESETHAND).
    const char *name = signal_number == SIGSEGV ? "SIGSEGV" : signal_number == SIGBUS ? "SIGBUS"
                     : signal_number == SIGILL ? "SIGILL" : "SIGFPE";
    rundown_soak_write("\nrundown-soak: FAILURE (crash): ");
    rundown_soak_write(name);
    rundown_soak_write("\n");
    char line[256];
    char thread[16];
    // Fails only with a buffer under 16 bytes; a crash report then still names no thread.
    if (pthread_getname_np(pthread_self(), thread, sizeof thread) != 0) snprintf(thread, sizeof thread, "?");
    snprintf(line, sizeof line, "at address %p in thread '%s'; its stack:\n", info ? info->si_addr : NULL, thread);
    rundown_soak_write(line);
    // If what follows hangs (a crash inside malloc holds its lock, and symbolising allocates),
    // the alarm ends the process: the verdict is already out.
    alarm(5);
    // glibc's unwinder here (primed at install: its first call loads libgcc_s): it steps
    // through the signal frame into the faulting code. Raw addresses first, names after.
    void *pcs[48];
    int n = backtrace(pcs, 48);
    backtrace_symbols_fd(pcs, n, 2);
    rundown_soak_write("symbolised:\n");
    for (int i = 0; i < n; i++) {
        char frame[512];
        rundown_soak_describe_pc(pcs[i], frame, sizeof frame);
        snprintf(line, sizeof line, "  #%d ", i);
        rundown_soak_write(line);
        rundown_soak_write(frame);
        rundown_soak_write("\n");
    }
    rundown_soak_die_of(signal_number);
}

int rundown_soak_install_crash_handlers(void) {
#ifndef RUNDOWN_SOAK_SANITIZED
    rundown_soak_load_exe_symbols();  // not in the handler: it allocates
    void *prime[1];
    backtrace(prime, 1);  // the first call loads libgcc_s (dlopen, malloc): not in the handler
    static char alternate_stack[64 * 1024];  // a stack overflow still gets its verdict
    stack_t stack = { .ss_sp = alternate_stack, .ss_size = sizeof alternate_stack, .ss_flags = 0 };
    if (sigaltstack(&stack, NULL) != 0) return -1;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = rundown_soak_on_crash;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_ONSTACK;
    if (sigaction(SIGSEGV, &action, NULL) != 0 || sigaction(SIGBUS, &action, NULL) != 0
        || sigaction(SIGILL, &action, NULL) != 0 || sigaction(SIGFPE, &action, NULL) != 0) return -1;
#endif
    return 0;
}
