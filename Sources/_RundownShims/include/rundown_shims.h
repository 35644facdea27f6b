// The thin C layer under the Rundown library: what Swift cannot reach directly on Linux.
//
// - futex wait/wake on a 32-bit word (the kernel sleep behind waitForRelease),
// - the current CPU, read from the rseq area glibc registers for every thread
//   (about as cheap as a plain load; sched_getcpu() is the fallback),
// - the fast path's restartable per-CPU add (an rseq critical section) and its process-wide
//   barrier (membarrier), with the once-per-process choice between the fast path and the
//   compare-exchange fallback (rundown_rseq_slot.h),
// - the process-wide checked-mode switch, read on every Rundown entry point,
// - the stop for a system call that failed in a way nobody can handle (the tool shims use it
//   too, so every such message reads the same).
// Only what the library itself uses: it ships in every program that links libRundownShared.
#ifndef RUNDOWN_SHIMS_H
#define RUNDOWN_SHIMS_H

#include <stdint.h>
#include <stddef.h>

#if defined(__linux__) && __has_include(<sys/rseq.h>)
#include <sys/rseq.h>
#define RUNDOWN_HAVE_RSEQ 1
#else
#define RUNDOWN_HAVE_RSEQ 0
#endif

#ifdef __cplusplus
extern "C" {
#endif

/// Stops the process after a system call failed in a way its caller cannot handle: writes
/// "rundown: CALL failed: ENAME (description)" to standard error and aborts. Async-signal-safe
/// (write() and glibc's static errno tables only), so signal handlers may use it too.
void rundown_fatal_errno(const char *call, int error) __attribute__((noreturn, cold));

/// For calls that return an error number instead of setting errno (pthreads): stops the
/// process through rundown_fatal_errno unless `error` is 0.
static inline void rundown_check_error(int error, const char *call) {
    if (__builtin_expect(error != 0, 0)) rundown_fatal_errno(call, error);
}

/// Sleeps while `*word == expected`. Returns 0 when woken (or on a spurious wake-up),
/// EAGAIN when the word already differed, EINTR when a signal interrupted the sleep.
/// Callers re-check their condition in a loop, so every return value is safe. Any other
/// failure (EFAULT, EINVAL, ENOSYS) would make that loop spin forever: it stops the process.
int rundown_futex_wait(uint32_t *word, uint32_t expected);

/// Wakes every thread sleeping on `word`. The kernel resolves a private futex by
/// address only and never reads the word, so calling this on memory that its owner
/// has just released is at worst a spurious wake-up for an unrelated sleeper. A failure
/// (misaligned word, no futexes) stops the process.
void rundown_futex_wake_all(uint32_t *word);

/// The current CPU from sched_getcpu() (which fails only on kernels without getcpu: then it
/// stops the process).
uint32_t rundown_current_cpu_slow(void);

/// The CPU the calling thread runs on now (it may move at any time after).
static inline uint32_t rundown_current_cpu(void) {
#if RUNDOWN_HAVE_RSEQ && (defined(__x86_64__) || defined(__aarch64__))
    // glibc reserves the rseq area in every thread's control block even when it could not (or
    // was told not to) register it, and then leaves cpu_id negative: no need to test
    // __rseq_size first.
    char *tp;
#if defined(__x86_64__)
    __asm__("mov %%fs:0, %0" : "=r"(tp));
#else
    tp = (char *)__builtin_thread_pointer();
#endif
    const struct rseq *area = (const struct rseq *)(tp + __rseq_offset);
    int32_t cpu = (int32_t)__atomic_load_n(&area->cpu_id, __ATOMIC_RELAXED);
    if (__builtin_expect(cpu >= 0, 1)) return (uint32_t)cpu;
#endif
    return rundown_current_cpu_slow();
}

/// Number of CPUs configured in the system (at least 1).
uint32_t rundown_configured_cpu_count(void);

/// One more than the highest CPU number the kernel may report (/sys/devices/system/cpu/possible),
/// or 0 when that cannot be read.
uint32_t rundown_possible_cpu_count(void);

/// The checked-mode switch: 1 on, 0 off. Initialised before main from the environment
/// variable RUNDOWN_CHECKED ("1" or "0") or, when unset, from the build's default
/// (on in debug builds, off in release builds).
extern int rundown_checked_mode_flag;

static inline int rundown_checked_mode(void) {
    // Relaxed: the switch is a configuration value; no data is published through it.
    return __atomic_load_n(&rundown_checked_mode_flag, __ATOMIC_RELAXED);
}

extern int rundown_fast_path_flag;
extern uintptr_t rundown_section_refusal;
extern const int rundown_sections_annotated;

static inline void rundown_set_checked_mode(int on) {
    __atomic_store_n(&rundown_checked_mode_flag, on ? 1 : 0, __ATOMIC_RELAXED);
    // The common-case section's refusal follows (see rundown_section_refusal in rundown_rseq_slot.h).
    // Relaxed: a configuration value, as the switch itself.
    __atomic_store_n(
        &rundown_section_refusal, (uintptr_t)!(!on && rundown_fast_path_flag && !rundown_sections_annotated),
        __ATOMIC_RELAXED);
}

#ifdef __cplusplus
}
#endif

#include "rundown_rseq_slot.h"

#endif
