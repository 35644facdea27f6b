#include "tool_rseq_controls.h"

#include "rundown_shims.h"

#if RUNDOWN_HAVE_RSEQ_SLOT

/// The commit after the post-commit label: the store is outside the section.
static uintptr_t commit_outside(
    const uintptr_t *gate, char *slots, uint32_t stride, uint32_t count, uintptr_t delta, uint32_t spin) {
    char *tp;
    __asm__("mov %%fs:0, %0" : "=r"(tp));
    char *area = tp + __rseq_offset;
    uintptr_t seen;
    __asm__ __volatile__(
        ".pushsection __rseq_cs, \"aw\"\n\t"
        ".balign 32\n\t"
        "3:\n\t"
        ".long 0, 0\n\t"
        ".quad 1f, (2f - 1f), 4f\n\t"
        ".popsection\n\t"
        "0:\n\t"
        "leaq 3b(%%rip), %%rax\n\t"
        "movq %%rax, 8(%[area])\n\t"
        "1:\n\t"
        "movq (%[gate]), %[seen]\n\t"
        "testq %[seen], %[seen]\n\t"
        "jnz 5f\n\t"
        "movl 4(%[area]), %%eax\n\t"
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
        "5:\n\t"
        : [seen] "=&r"(seen)
        : [area] "r"(area), [gate] "r"(gate), [slots] "r"(slots), [stride] "r"(stride), [count] "r"(count),
          [delta] "r"(delta), [spin] "r"(spin)
        : "rax", "rcx", "rdx", "memory", "cc");
    return seen;
}

/// The abort handler resumes at a second section that starts after the gate check.
static uintptr_t restart_skips_check(
    const uintptr_t *gate, char *slots, uint32_t stride, uint32_t count, uintptr_t delta, uint32_t spin) {
    char *tp;
    __asm__("mov %%fs:0, %0" : "=r"(tp));
    char *area = tp + __rseq_offset;
    uintptr_t seen;
    __asm__ __volatile__(
        ".pushsection __rseq_cs, \"aw\"\n\t"
        ".balign 32\n\t"
        "3:\n\t"
        ".long 0, 0\n\t"
        ".quad 1f, (2f - 1f), 4f\n\t"
        ".balign 32\n\t"
        "13:\n\t"
        ".long 0, 0\n\t"
        ".quad 10f, (2f - 10f), 4f\n\t"
        ".popsection\n\t"
        "0:\n\t"
        "leaq 3b(%%rip), %%rax\n\t"
        "movq %%rax, 8(%[area])\n\t"
        "1:\n\t"
        "movq (%[gate]), %[seen]\n\t"
        "testq %[seen], %[seen]\n\t"
        "jnz 5f\n\t"
        "9:\n\t"
        "leaq 13b(%%rip), %%rax\n\t"
        "movq %%rax, 8(%[area])\n\t"
        "10:\n\t"
        "xorl %k[seen], %k[seen]\n\t"
        "movl %[spin], %%ecx\n\t"
        "7:\n\t"
        "testl %%ecx, %%ecx\n\t"
        "jz 8f\n\t"
        "decl %%ecx\n\t"
        "jmp 7b\n\t"
        "8:\n\t"
        "movl 4(%[area]), %%eax\n\t"
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
        "jmp 9b\n\t"
        ".popsection\n\t"
        "5:\n\t"
        : [seen] "=&r"(seen)
        : [area] "r"(area), [gate] "r"(gate), [slots] "r"(slots), [stride] "r"(stride), [count] "r"(count),
          [delta] "r"(delta), [spin] "r"(spin)
        : "rax", "rcx", "rdx", "memory", "cc");
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
