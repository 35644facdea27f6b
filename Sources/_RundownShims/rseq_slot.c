#include "rundown_shims.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#if RUNDOWN_HAVE_RSEQ_SLOT
#include <linux/membarrier.h>
#endif

int rundown_fast_path_flag = 0;
uintptr_t rundown_section_refusal = 1;
const uintptr_t rundown_no_refusal = 0;
const int rundown_sections_annotated = RUNDOWN_TSAN;

uintptr_t rundown_rseq_slot_add_annotated(
    const uintptr_t *gate, char *slots, uint32_t stride, uint32_t count, uintptr_t delta) {
    return rundown_rseq_slot_add(gate, slots, stride, count, delta);
}

#if RUNDOWN_HAVE_RSEQ_SLOT
/// Whether glibc registered an rseq area for the calling thread (the main thread here; glibc
/// registers every thread it creates the same way, or none when the tunable
/// glibc.pthread.rseq=0 or the kernel refused).
static int rundown_rseq_registered(void) {
    if (__rseq_size == 0) return 0;
    char *tp;
    __asm__("mov %%fs:0, %0" : "=r"(tp));
    const struct rseq *area = (const struct rseq *)(tp + __rseq_offset);
    return (int32_t)__atomic_load_n(&area->cpu_id, __ATOMIC_RELAXED) >= 0;
}

/// Registers the process for the expedited rseq barrier; 0 when this kernel or sandbox lacks it.
static int rundown_register_rseq_barrier(void) {
    long commands = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
    // ENOSYS: no membarrier at all; EPERM: a seccomp filter forbids it. Both mean "not here".
    if (commands < 0) {
        if (errno == ENOSYS || errno == EPERM) return 0;
        rundown_fatal_errno("membarrier(QUERY)", errno);
    }
    if ((commands & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ) == 0) return 0;
    if (syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ, 0, 0) != 0) {
        // EINVAL: the command is configured out; EPERM: refused by a filter.
        if (errno == EINVAL || errno == EPERM) return 0;
        rundown_fatal_errno("membarrier(REGISTER_PRIVATE_EXPEDITED_RSEQ)", errno);
    }
    return 1;
}
#endif

// Before main, so that every ref of the process, made from Swift or C, runs one path; before the
// checked-mode constructor (default priority), which derives rundown_section_refusal.
__attribute__((constructor(101))) static void rundown_choose_fast_path(void) {
#if RUNDOWN_HAVE_RSEQ_SLOT
    const char *value = getenv("RUNDOWN_FAST_PATH");
    if (value != NULL && strcmp(value, "0") == 0) return;
    if (!rundown_rseq_registered()) return;
    // Every CPU number rseq may report must have a slot of its own (the slots are sized by
    // rundown_configured_cpu_count, never below this count): unknown means no fast path.
    if (rundown_possible_cpu_count() == 0) return;
    if (!rundown_register_rseq_barrier()) return;
    rundown_fast_path_flag = 1;
#endif
}

void rundown_rseq_barrier(const uintptr_t *gate) {
#if RUNDOWN_HAVE_RSEQ_SLOT
    // Registered before main, so no error is expected: any is a broken promise of the kernel.
    if (syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ, 0, 0) != 0) {
        rundown_fatal_errno("membarrier(PRIVATE_EXPEDITED_RSEQ)", errno);
    }
#if RUNDOWN_TSAN
    __tsan_acquire((void *)gate);
#else
    (void)gate;
#endif
#else
    (void)gate;
    rundown_fatal_errno("membarrier(PRIVATE_EXPEDITED_RSEQ)", ENOSYS);
#endif
}
