#include "tool_fiber.h"
#include "rundown_shims.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

// AddressSanitizer must be told when the stack changes under it; these are weak so that a
// build without ASan links without them.
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom, size_t size) __attribute__((weak));
void __sanitizer_finish_switch_fiber(void *fake_stack_save, const void **bottom_old, size_t *size_old) __attribute__((weak));
void __asan_unpoison_memory_region(const volatile void *addr, size_t size) __attribute__((weak));
// ThreadSanitizer keeps a shadow stack and clock per context; without these it would mix up the
// fibers' histories.
void *__tsan_get_current_fiber(void) __attribute__((weak));
void *__tsan_create_fiber(unsigned flags) __attribute__((weak));
void __tsan_switch_to_fiber(void *fiber, unsigned flags) __attribute__((weak));
void __tsan_destroy_fiber(void *fiber) __attribute__((weak));

// ThreadSanitizer's shadow call stack, one per context (thread or fiber), is a fixed array of
// 64 Ki return addresses that every instrumented function pushes on entry and pops on return;
// the C/C++ runtime neither grows it nor checks its end (a debug-only check). A frame that is
// entered and never returned from stays on it for good, and once a context has accumulated 64 Ki
// of them the next entry writes past the array: into whatever is mapped after it, or a SEGV at
// the page-aligned address where the mapping ends. Fibers are reused for every controlled run of
// the process, so nothing may be left on their shadow stacks from run to run:
// - the two functions of the fiber's way out, which never return, are not instrumented
//   (RUNDOWN_NOT_INSTRUMENTED below): a logical thread that finishes leaves its shadow stack
//   empty;
// - a logical thread abandoned mid-frame (a failed or stopped run) leaves every frame it was in;
//   its fiber gets a new ThreadSanitizer context in rundown_fiber_prepare.
#if defined(__has_attribute)
#if __has_attribute(disable_sanitizer_instrumentation)
#define RUNDOWN_NOT_INSTRUMENTED __attribute__((disable_sanitizer_instrumentation))
#endif
#endif
#ifndef RUNDOWN_NOT_INSTRUMENTED
#define RUNDOWN_NOT_INSTRUMENTED
#endif

// The raw switch: saves callee-saved registers and the stack pointer of the current context in
// *save_sp, loads `to_sp`, restores that context's registers and returns into it.
void rundown_fiber_swap(void **save_sp, void *to_sp);

#if defined(__x86_64__)
__asm__(
    ".text\n"
    ".globl rundown_fiber_swap\n"
    ".type rundown_fiber_swap,@function\n"
    "rundown_fiber_swap:\n"
    "    pushq %rbp\n"
    "    pushq %rbx\n"
    "    pushq %r12\n"
    "    pushq %r13\n"
    "    pushq %r14\n"
    "    pushq %r15\n"
    "    movq %rsp, (%rdi)\n"
    "    movq %rsi, %rsp\n"
    "    popq %r15\n"
    "    popq %r14\n"
    "    popq %r13\n"
    "    popq %r12\n"
    "    popq %rbx\n"
    "    popq %rbp\n"
    "    ret\n"
    ".size rundown_fiber_swap, .-rundown_fiber_swap\n"
    // First entry into a fiber: r12 holds the C entry, r13 its argument.
    ".globl rundown_fiber_trampoline\n"
    ".type rundown_fiber_trampoline,@function\n"
    "rundown_fiber_trampoline:\n"
    "    movq %r13, %rdi\n"
    "    callq *%r12\n"
    "    ud2\n"
    ".size rundown_fiber_trampoline, .-rundown_fiber_trampoline\n");
#elif defined(__aarch64__)
__asm__(
    ".text\n"
    ".globl rundown_fiber_swap\n"
    ".type rundown_fiber_swap,%function\n"
    "rundown_fiber_swap:\n"
    "    sub sp, sp, #160\n"
    "    stp x19, x20, [sp, #0]\n"
    "    stp x21, x22, [sp, #16]\n"
    "    stp x23, x24, [sp, #32]\n"
    "    stp x25, x26, [sp, #48]\n"
    "    stp x27, x28, [sp, #64]\n"
    "    stp x29, x30, [sp, #80]\n"
    "    stp d8, d9, [sp, #96]\n"
    "    stp d10, d11, [sp, #112]\n"
    "    stp d12, d13, [sp, #128]\n"
    "    stp d14, d15, [sp, #144]\n"
    "    mov x9, sp\n"
    "    str x9, [x0]\n"
    "    mov sp, x1\n"
    "    ldp x19, x20, [sp, #0]\n"
    "    ldp x21, x22, [sp, #16]\n"
    "    ldp x23, x24, [sp, #32]\n"
    "    ldp x25, x26, [sp, #48]\n"
    "    ldp x27, x28, [sp, #64]\n"
    "    ldp x29, x30, [sp, #80]\n"
    "    ldp d8, d9, [sp, #96]\n"
    "    ldp d10, d11, [sp, #112]\n"
    "    ldp d12, d13, [sp, #128]\n"
    "    ldp d14, d15, [sp, #144]\n"
    "    add sp, sp, #160\n"
    "    ret\n"
    ".globl rundown_fiber_trampoline\n"
    ".type rundown_fiber_trampoline,%function\n"
    "rundown_fiber_trampoline:\n"
    "    mov x0, x20\n"
    "    blr x19\n"
    "    brk #0\n");
#else
#error "rundown fibers support x86-64 and AArch64"
#endif

void rundown_fiber_trampoline(void);

void rundown_fiber_adopt_thread(rundown_fiber *fiber) {
    pthread_attr_t attributes;
    void *bottom = NULL;
    size_t size = 0;
    // ENOMEM while reading /proc/self/maps for the main thread's stack: nothing to fall back on.
    rundown_check_error(pthread_getattr_np(pthread_self(), &attributes), "pthread_getattr_np");
    rundown_check_error(pthread_attr_getstack(&attributes, &bottom, &size), "pthread_attr_getstack");
    rundown_check_error(pthread_attr_destroy(&attributes), "pthread_attr_destroy");
    fiber->sp = NULL;
    fiber->stack_bottom = bottom;
    fiber->stack_size = size;
    fiber->fake_stack = NULL;
    fiber->tsan_fiber = __tsan_get_current_fiber ? __tsan_get_current_fiber() : NULL;
    fiber->mid_frame = 0;
}

void rundown_fiber_create(rundown_fiber *fiber, size_t size) {
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0) rundown_fatal_errno("sysconf(_SC_PAGESIZE)", errno);
    size = (size + (size_t)page - 1) & ~((size_t)page - 1);
    char *memory = mmap(NULL, size + (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) rundown_fatal_errno("mmap (a fiber stack)", errno);
    // Guard page: a stack overflow faults instead of corrupting.
    if (mprotect(memory, (size_t)page, PROT_NONE) != 0) rundown_fatal_errno("mprotect (a fiber's guard page)", errno);
    fiber->stack_bottom = memory + page;
    fiber->stack_size = size;
    fiber->sp = NULL;
    fiber->fake_stack = NULL;
    fiber->tsan_fiber = __tsan_create_fiber ? __tsan_create_fiber(0) : NULL;
    fiber->mid_frame = 0;
}

// Never returns (not instrumented: see RUNDOWN_NOT_INSTRUMENTED).
static RUNDOWN_NOT_INSTRUMENTED void rundown_fiber_begin(void *argument) {
    rundown_fiber *fiber = argument;
    if (__sanitizer_finish_switch_fiber) __sanitizer_finish_switch_fiber(NULL, NULL, NULL);
    fiber->mid_frame = 1;
    fiber->entry(fiber->argument);
    // Every Swift frame of the logical thread is gone now (nothing it retained is leaked, and
    // its shadow call stack is empty).
    fiber->mid_frame = 0;
    rundown_fiber_leave(fiber, fiber->exit_to);
}

void rundown_fiber_prepare(rundown_fiber *fiber, void (*entry)(void *), void *argument) {
    fiber->entry = entry;
    fiber->argument = argument;
    fiber->fake_stack = NULL;
    // Abandoned mid-frame by its last run: the frames it was in stay on its ThreadSanitizer
    // shadow stack for good, so it starts this run with a new ThreadSanitizer context instead
    // (never the current one: the caller runs on another context).
    if (fiber->mid_frame) {
        if (fiber->tsan_fiber && __tsan_destroy_fiber && __tsan_create_fiber) {
            __tsan_destroy_fiber(fiber->tsan_fiber);
            fiber->tsan_fiber = __tsan_create_fiber(0);
        }
        fiber->mid_frame = 0;
    }
    // A fiber abandoned mid-run leaves its frames' redzones poisoned; the next run reuses the
    // stack with other frames, so start from a clean shadow.
    if (__asan_unpoison_memory_region) __asan_unpoison_memory_region(fiber->stack_bottom, fiber->stack_size);
    uintptr_t top = ((uintptr_t)fiber->stack_bottom + fiber->stack_size) & ~(uintptr_t)15;
#if defined(__x86_64__)
    // Popped by rundown_fiber_swap: r15 r14 r13 r12 rbx rbp, then the return address. After the
    // return the stack pointer must be 16-byte aligned (the trampoline's call pushes 8).
    uintptr_t *frame = (uintptr_t *)(top - 8 * 9);
    frame[0] = 0;                                   // r15
    frame[1] = 0;                                   // r14
    frame[2] = (uintptr_t)fiber;                    // r13: argument
    frame[3] = (uintptr_t)rundown_fiber_begin;      // r12: entry
    frame[4] = 0;                                   // rbx
    frame[5] = 0;                                   // rbp
    frame[6] = (uintptr_t)rundown_fiber_trampoline; // return address
    fiber->sp = frame;
#else
    uintptr_t *frame = (uintptr_t *)(top - 160);
    for (int i = 0; i < 20; i++) frame[i] = 0;
    frame[0] = (uintptr_t)rundown_fiber_begin;      // x19: entry
    frame[1] = (uintptr_t)fiber;                    // x20: argument
    frame[11] = (uintptr_t)rundown_fiber_trampoline; // x30: return address
    fiber->sp = frame;
#endif
}

// Never returns (not instrumented: see RUNDOWN_NOT_INSTRUMENTED).
RUNDOWN_NOT_INSTRUMENTED void rundown_fiber_leave(rundown_fiber *from, rundown_fiber *to) {
    // NULL: this context is done for good, so ASan may drop its fake stack (with
    // detect_stack_use_after_return, on by default, each fiber has one; keeping dead ones
    // would grow memory by megabytes per run).
    if (__sanitizer_start_switch_fiber) __sanitizer_start_switch_fiber(NULL, to->stack_bottom, to->stack_size);
    if (__tsan_switch_to_fiber && to->tsan_fiber) __tsan_switch_to_fiber(to->tsan_fiber, 0);
    rundown_fiber_swap(&from->sp, to->sp);
    __builtin_trap();  // a context left for good is never resumed
}

void rundown_fiber_switch(rundown_fiber *from, rundown_fiber *to) {
    if (__sanitizer_start_switch_fiber) __sanitizer_start_switch_fiber(&from->fake_stack, to->stack_bottom, to->stack_size);
    if (__tsan_switch_to_fiber && to->tsan_fiber) __tsan_switch_to_fiber(to->tsan_fiber, 0);
    rundown_fiber_swap(&from->sp, to->sp);
    if (__sanitizer_finish_switch_fiber) __sanitizer_finish_switch_fiber(from->fake_stack, NULL, NULL);
}
