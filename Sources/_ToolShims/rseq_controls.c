#include "tool_rseq_controls.h"

#include "rundown_shims.h"

#if RUNDOWN_HAVE_RSEQ_SLOT

// Each broken section below is the production section (rundown_rseq_slot_add in
// rundown_rseq_slot.h: the rseq area through %fs at glibc's __rseq_offset, `delta` an immediate
// or a register, the closed gate an `asm goto` out of the section, labels 0-4 and 6 as there)
// with exactly one deviation, marked DEVIATION, plus a busy loop of `spin` iterations (labels
// 7-8, %ecx) inside the window that deviation opens, so that preemptions and barriers land
// there as the soak's jitter stretches the library's windows. Keep them in step with the
// production section: a control that drifts from it tests something else.

/// `commit-outside-section`. DEVIATION: the post-commit label 2 comes before the commit store,
/// not after it, so the store is outside the section: a preemption, migration or barrier between
/// the slot's load and the store no longer restarts it. The spin sits between 2 and the store.
static inline uintptr_t commit_outside(
    const uintptr_t *gate, char *slots, uint32_t stride, uint32_t count, uintptr_t delta, uint32_t spin) {
    uintptr_t seen;
    __asm__ goto(
        ".pushsection __rseq_cs, \"aw\"\n\t"
        ".balign 32\n\t"
        "3:\n\t"
        ".long 0, 0\n\t"
        ".quad 1f, (2f - 1f), 4f\n\t"
        ".popsection\n\t"
        "0:\n\t"
        "leaq 3b(%%rip), %%rax\n\t"
        "movq %%rax, %%fs:8(%[area])\n\t"
        "1:\n\t"
        "movq (%[gate]), %[seen]\n\t"
        "testq %[seen], %[seen]\n\t"
        "jnz %l[closed]\n\t"
        "movl %%fs:4(%[area]), %%eax\n\t"
        "cmpl %[count], %%eax\n\t"
        "jb 6f\n\t"
        "xorl %%edx, %%edx\n\t"
        "divl %[count]\n\t"
        "movl %%edx, %%eax\n\t"
        "6:\n\t"
        "imull %[stride], %%eax\n\t"
        "addq %[slots], %%rax\n\t"
        "movq (%%rax), %%rdx\n\t"
        "addq %[delta], %%rdx\n\t"
        // DEVIATION: the section ends here, before the commit.
        "2:\n\t"
        "movl %[spin], %%ecx\n\t"
        "7:\n\t"
        "testl %%ecx, %%ecx\n\t"
        "jz 8f\n\t"
        "decl %%ecx\n\t"
        "jmp 7b\n\t"
        "8:\n\t"
        "movq %%rdx, (%%rax)\n\t"
        ".pushsection __rseq_failure, \"ax\"\n\t"
        ".byte 0x0f, 0xb9, 0x3d\n\t"
        ".long 0x53053053\n\t"
        "4:\n\t"
        "jmp 0b\n\t"
        ".popsection\n\t"
        : [seen] "=&r"(seen)
        : [area] "r"(__rseq_offset), [gate] "r"(gate), [slots] "r"(slots), [stride] "r"(stride),
          [count] "r"(count), [delta] "er"(delta), [spin] "r"(spin)
        : "rax", "rcx", "rdx", "memory", "cc"
        : closed);
    return 0;
closed:
    return seen;
}

/// `restart-skips-closed-check`. DEVIATION: the abort handler (4) does not go back to 0, which
/// re-arms the section at its start (1, the gate load); it re-arms a second descriptor (13) and
/// runs the rest of the section after the gate check (10 to 12, a copy of the production
/// section from the CPU load to the commit, in the abort handler's text section), so a
/// restarted section adds to the slot whatever the gate now says. The second section restarts
/// the same way, and goes back to the production one's end (2) once committed. A first run is
/// the production section (with the spin at the start of the window, between the gate check and
/// the CPU load, so that a barrier or a preemption lands in the section after the check).
static inline uintptr_t restart_skips_check(
    const uintptr_t *gate, char *slots, uint32_t stride, uint32_t count, uintptr_t delta, uint32_t spin) {
    uintptr_t seen;
    __asm__ goto(
        ".pushsection __rseq_cs, \"aw\"\n\t"
        ".balign 32\n\t"
        "3:\n\t"
        ".long 0, 0\n\t"
        ".quad 1f, (2f - 1f), 4f\n\t"
        // DEVIATION: the restarted section's descriptor, a section without the gate check.
        ".balign 32\n\t"
        "13:\n\t"
        ".long 0, 0\n\t"
        ".quad 10f, (12f - 10f), 4f\n\t"
        ".popsection\n\t"
        "0:\n\t"
        "leaq 3b(%%rip), %%rax\n\t"
        "movq %%rax, %%fs:8(%[area])\n\t"
        "1:\n\t"
        "movq (%[gate]), %[seen]\n\t"
        "testq %[seen], %[seen]\n\t"
        "jnz %l[closed]\n\t"
        "movl %[spin], %%ecx\n\t"
        "7:\n\t"
        "testl %%ecx, %%ecx\n\t"
        "jz 8f\n\t"
        "decl %%ecx\n\t"
        "jmp 7b\n\t"
        "8:\n\t"
        "movl %%fs:4(%[area]), %%eax\n\t"
        "cmpl %[count], %%eax\n\t"
        "jb 6f\n\t"
        "xorl %%edx, %%edx\n\t"
        "divl %[count]\n\t"
        "movl %%edx, %%eax\n\t"
        "6:\n\t"
        "imull %[stride], %%eax\n\t"
        "addq %[slots], %%rax\n\t"
        "movq (%%rax), %%rdx\n\t"
        "addq %[delta], %%rdx\n\t"
        "movq %%rdx, (%%rax)\n\t"
        "2:\n\t"
        ".pushsection __rseq_failure, \"ax\"\n\t"
        ".byte 0x0f, 0xb9, 0x3d\n\t"
        ".long 0x53053053\n\t"
        "4:\n\t"
        // DEVIATION: production has `jmp 0b` here; this re-arms the section without the check
        // (its start right after the arming store, as at 0-1) and runs it.
        "leaq 13b(%%rip), %%rax\n\t"
        "movq %%rax, %%fs:8(%[area])\n\t"
        "10:\n\t"
        "movl %%fs:4(%[area]), %%eax\n\t"
        "cmpl %[count], %%eax\n\t"
        "jb 6f\n\t"
        "xorl %%edx, %%edx\n\t"
        "divl %[count]\n\t"
        "movl %%edx, %%eax\n\t"
        "6:\n\t"
        "imull %[stride], %%eax\n\t"
        "addq %[slots], %%rax\n\t"
        "movq (%%rax), %%rdx\n\t"
        "addq %[delta], %%rdx\n\t"
        "movq %%rdx, (%%rax)\n\t"
        "12:\n\t"
        "jmp 2b\n\t"
        ".popsection\n\t"
        : [seen] "=&r"(seen)
        : [area] "r"(__rseq_offset), [gate] "r"(gate), [slots] "r"(slots), [stride] "r"(stride),
          [count] "r"(count), [delta] "er"(delta), [spin] "r"(spin)
        : "rax", "rcx", "rdx", "memory", "cc"
        : closed);
    return 0;
closed:
    return seen;
}
#endif

uintptr_t rundown_rseq_slot_add_control(
    const uintptr_t *gate, char *slots, uint32_t stride, uint32_t count, uintptr_t delta, int control,
    uint32_t spin) {
#if RUNDOWN_HAVE_RSEQ_SLOT
#if RUNDOWN_TSAN
    // The production section's annotations (rundown_rseq_slot.h), so that ThreadSanitizer judges
    // the deviation and not its own blindness to the sections.
    if ((intptr_t)delta < 0) __tsan_release((void *)gate);
#endif
    uintptr_t seen = control == RUNDOWN_RSEQ_CONTROL_COMMIT_OUTSIDE
        ? commit_outside(gate, slots, stride, count, delta, spin)
        : restart_skips_check(gate, slots, stride, count, delta, spin);
#if RUNDOWN_TSAN
    if ((intptr_t)delta >= 0 && seen == 0) __tsan_acquire((void *)gate);
#endif
    return seen;
#else
    (void)gate; (void)slots; (void)stride; (void)count; (void)delta; (void)control; (void)spin;
    __builtin_trap();
#endif
}
