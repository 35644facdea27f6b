// Threads for the tools: name, take turns, place on CPUs, delay. Every system call behind
// these is checked; a failure nobody can handle stops the process with a message naming the
// call (rundown_fatal_errno).
#ifndef RUNDOWN_TOOL_THREADS_H
#define RUNDOWN_TOOL_THREADS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Names the calling thread (the kernel keeps 15 characters; sanitizer reports and debuggers
/// show the name). No system call when the thread already has that name from an earlier call.
void rundown_name_current_thread(const char *name);

/// The process-wide lock that makes real-thread runs go one at a time. A C mutex with a static
/// initialiser: a Swift global would be created lazily under the runtime's once-lock, which
/// ThreadSanitizer cannot see, and it would report the first use from another thread.
void rundown_thread_runs_lock(void);
void rundown_thread_runs_unlock(void);

/// Number of CPUs the calling thread may run on (at least 1).
uint32_t rundown_allowed_cpu_count(void);

/// Pins the calling thread to `cpu` (modulo the CPUs the process was allowed on when it
/// started). No system call when this function already pinned the thread to that CPU (and it
/// was not unpinned since). Returns 0, or EINVAL when that CPU is no longer available to the
/// process (taken offline, or the cpuset shrank): the thread then stays where it was.
int rundown_pin_current_thread(uint32_t cpu);

/// Lets the calling thread run on every CPU the process started with again. Returns 0, or
/// EINVAL when none of them is available any longer.
int rundown_unpin_current_thread(void);

/// Busy-waits `iterations` CPU pause instructions: a delay that no optimiser removes and no
/// sanitizer instruments (it touches no memory), so a plan's spin costs the same in every build.
void rundown_spin(uint32_t iterations);

/// Gives the CPU to another runnable thread (sched_yield).
void rundown_yield(void);

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
