// C support for the testing engine: fibers (user-space threads switched by the controlled
// scheduler) and the libFuzzer extra-counters array fed with interleaving features.
#ifndef RUNDOWN_HARNESS_SHIMS_H
#define RUNDOWN_HARNESS_SHIMS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One execution context: a stack and the stack pointer saved while it is not running.
typedef struct rundown_fiber {
    void *sp;
    void *stack_bottom;   // lowest address of the stack
    size_t stack_size;
    void *fake_stack;     // AddressSanitizer's bookkeeping across switches
    void (*entry)(void *);
    void *argument;
    struct rundown_fiber *exit_to;  // where to switch when `entry` returns
    void *tsan_fiber;     // ThreadSanitizer's handle for this context
} rundown_fiber;

/// Describes the calling thread's own stack as a fiber (the scheduler's context).
void rundown_fiber_adopt_thread(rundown_fiber *fiber);

/// Allocates a stack of `size` bytes (plus a guard page) for `fiber`. Returns 0 or an errno.
int rundown_fiber_create(rundown_fiber *fiber, size_t size);

/// Frees the stack of a fiber from rundown_fiber_create (which must not be running).
void rundown_fiber_destroy(rundown_fiber *fiber);

/// Prepares `fiber` to run `entry(argument)` from the top of its stack at the next switch to it.
/// When `entry` returns, the fiber switches to `exit_to` (set by `entry` before it returns) and
/// is never resumed again until it is prepared anew.
void rundown_fiber_prepare(rundown_fiber *fiber, void (*entry)(void *), void *argument);

/// Saves the current context into `from` and resumes `to`.
void rundown_fiber_switch(rundown_fiber *from, rundown_fiber *to);

/// Leaves `from` for good (it is never resumed until prepared anew) and resumes `to`.
void rundown_fiber_leave(rundown_fiber *from, rundown_fiber *to) __attribute__((noreturn));

/// Names the calling thread (sanitizer reports and debuggers show the name). No system call
/// when the thread already has that name from an earlier call.
void rundown_name_current_thread(const char *name);

/// The process-wide lock that makes real-thread runs go one at a time. A C mutex with a static
/// initialiser: a Swift global would be created lazily under the runtime's once-lock, which
/// ThreadSanitizer cannot see, and it would report the first use from another thread.
void rundown_thread_runs_lock(void);
void rundown_thread_runs_unlock(void);

/// Busy-waits `iterations` CPU pause instructions: a delay that no optimiser removes and no
/// sanitizer instruments (it touches no memory), so a plan's spin costs the same in every build.
void rundown_spin(uint32_t iterations);

/// Number of extra coverage counters.
#define RUNDOWN_EXTRA_COUNTERS 4096

/// Bumps extra counter `index % RUNDOWN_EXTRA_COUNTERS` (libFuzzer reads the whole array as
/// coverage features when the binary is built with -fsanitize=fuzzer; elsewhere it is inert).
void rundown_extra_counter_hit(uint32_t index);

/// Turns feeding the extra counters on or off (for measuring what they add).
void rundown_extra_counters_enable(int on);

#ifdef __cplusplus
}
#endif

#endif
