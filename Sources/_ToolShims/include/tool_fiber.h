// Fibers for the testing engine: user-space threads switched by the controlled scheduler.
#ifndef RUNDOWN_TOOL_FIBER_H
#define RUNDOWN_TOOL_FIBER_H

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
    int mid_frame;        // 1 from entering `entry` until it returns (still 1: abandoned mid-frame)
} rundown_fiber;

/// Describes the calling thread's own stack as a fiber (the scheduler's context).
void rundown_fiber_adopt_thread(rundown_fiber *fiber);

/// Allocates a stack of `size` bytes (plus a guard page) for `fiber`; stops the process when
/// the memory cannot be mapped. Fibers are pooled for the life of the process (never freed).
void rundown_fiber_create(rundown_fiber *fiber, size_t size);

/// Prepares `fiber` to run `entry(argument)` from the top of its stack at the next switch to it.
/// When `entry` returns, the fiber switches to `exit_to` (set by `entry` before it returns) and
/// is never resumed again until it is prepared anew. A fiber left mid-frame by its last run (see
/// rundown_fiber_leave) gets a fresh ThreadSanitizer context here, in a ThreadSanitizer build.
void rundown_fiber_prepare(rundown_fiber *fiber, void (*entry)(void *), void *argument);

/// Saves the current context into `from` and resumes `to`.
void rundown_fiber_switch(rundown_fiber *from, rundown_fiber *to);

/// Leaves `from` for good (it is never resumed until prepared anew) and resumes `to`.
void rundown_fiber_leave(rundown_fiber *from, rundown_fiber *to) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif

#endif
