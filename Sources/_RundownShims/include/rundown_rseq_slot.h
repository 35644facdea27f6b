// The cache-aware ref's fast path: a restartable sequence (rseq) that adds to the current CPU's
// slot with plain loads and stores, and the process-wide barrier the waiter runs after closing
// the ref. Linux x86-64 only; everywhere else rundown_fast_path() answers 0 and the library
// takes its compare-exchange path.
//
// Facts from the kernel's rseq ABI (include/uapi/linux/rseq.h) used here:
// - struct rseq_cs {u32 version, u32 flags, u64 start_ip, u64 post_commit_offset, u64 abort_ip},
//   32-byte aligned; a thread points its rseq area's rseq_cs field at it to enter the section.
// - If the thread is preempted, migrated or signalled while its instruction pointer is in
//   [start_ip, start_ip + post_commit_offset), the kernel moves it to abort_ip on return to
//   user space, after checking that the 4 bytes before abort_ip hold the signature the area was
//   registered with (glibc registers with 0x53053053 on x86-64).
// - membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ) restarts the section of every thread of
//   the process that runs one at that moment, and is a full memory barrier on every CPU that
//   runs a thread of the process (the process must register for it once).
#ifndef RUNDOWN_RSEQ_SLOT_H
#define RUNDOWN_RSEQ_SLOT_H

#include <stdint.h>

// Self-contained (the module map may compile this header on its own).
#if defined(__linux__) && defined(__x86_64__) && __has_include(<sys/rseq.h>)
#include <sys/rseq.h>
#define RUNDOWN_HAVE_RSEQ_SLOT 1
#else
#define RUNDOWN_HAVE_RSEQ_SLOT 0
#endif

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when this process runs the fast path, 0 when it runs the compare-exchange path. Decided
/// once, before main: 1 only on x86-64 with an rseq area registered by glibc for the main
/// thread, the membarrier rseq command registered for the process, and the environment variable
/// RUNDOWN_FAST_PATH not "0". Never changes afterwards (a ref never sees both paths).
extern int rundown_fast_path_flag;

static inline int rundown_fast_path(void) {
    // Relaxed: written once before main (a constructor), read-only afterwards.
    return __atomic_load_n(&rundown_fast_path_flag, __ATOMIC_RELAXED);
}

/// 0 when the fast path runs, checked mode is off and the sections need no annotations (the
/// entry points' common case); 1 otherwise. A word, not a flag, so that the common-case section
/// (rundown_rseq_common_case_add) ors it into the gate it reads: one instruction decides both
/// "common case?" and "gate open?". Kept equal to !(rundown_fast_path() && !rundown_checked_mode()
/// && !rundown_sections_annotated) by the constructors and rundown_set_checked_mode; 1 before
/// they run.
extern uintptr_t rundown_section_refusal;

/// A word that is always 0: what the general path's sections or into the gate (no refusal).
extern const uintptr_t rundown_no_refusal;

/// The process-wide barrier: on return, every rseq critical section that was in progress on any
/// thread of the process has either committed (its stores visible to the caller) or will restart
/// (and its reads come after the caller's earlier stores). Only when rundown_fast_path() is 1;
/// any failure stops the process. `gate`: the ref the caller is about to read the slots of; in a
/// ThreadSanitizer build the barrier is recorded there as an acquire of every section's release
/// (ThreadSanitizer sees neither the kernel's barrier nor the sections' assembly).
void rundown_rseq_barrier(const uintptr_t *gate);

#if defined(__SANITIZE_THREAD__)
#define RUNDOWN_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RUNDOWN_TSAN 1
#endif
#endif
#ifndef RUNDOWN_TSAN
#define RUNDOWN_TSAN 0
#endif

#if RUNDOWN_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#endif

/// 1 when the shim was built with ThreadSanitizer. Swift code cannot tell at compile time, and
/// compiles rundown_rseq_slot_add below without the annotations: where this is 1 it calls
/// rundown_rseq_slot_add_annotated instead (and rundown_section_refusal is 1, so the entry
/// points' common-case section, inline and unannotated, never writes).
extern const int rundown_sections_annotated;

/// rundown_rseq_slot_add as compiled in the shim's own object, with the ThreadSanitizer
/// annotations when the shim has them.
uintptr_t rundown_rseq_slot_add_annotated(
    const uintptr_t *gate, char *slots, uint32_t stride, uint32_t count, uintptr_t delta);

static inline uintptr_t rundown_rseq_section(
    const uintptr_t *gate, const uintptr_t *refusal, char *slots, uint32_t stride, uint32_t count,
    uintptr_t delta);

/// The restartable per-CPU add (rundown_rseq_section, no refusal): see there.
static inline uintptr_t rundown_rseq_slot_add(
    const uintptr_t *gate, char *slots, uint32_t stride, uint32_t count, uintptr_t delta) {
    return rundown_rseq_section(gate, &rundown_no_refusal, slots, stride, count, delta);
}

/// The entry points' common case: rundown_rseq_slot_add where rundown_section_refusal is 0;
/// elsewhere it answers non-zero and writes nothing, and the caller takes its general path (the
/// compare-exchange path, checked mode, the annotated section). Where the fast path is not
/// compiled in, a constant 1. The section still arms on a process whose rseq area glibc did not
/// register: the area is in every thread's control block all the same (glibc sets
/// __rseq_offset either way), nobody aborts the section, and it leaves before reading the CPU.
static inline uintptr_t rundown_rseq_common_case_add(
    const uintptr_t *gate, char *slots, uint32_t stride, uint32_t count, uintptr_t delta) {
#if RUNDOWN_HAVE_RSEQ_SLOT
    return rundown_rseq_section(gate, &rundown_section_refusal, slots, stride, count, delta);
#else
    (void)gate; (void)slots; (void)stride; (void)count; (void)delta;
    return 1;
#endif
}

/// The restartable per-CPU add. As one critical section on the current CPU: reads `*gate` and
/// ors `*refusal` into it; if that is not 0 returns it and changes nothing; otherwise adds `delta` (wrapping) to the slot
/// `slots + (cpu mod count) * stride` with a plain load and a plain store (the commit) and
/// returns 0. Only when rundown_fast_path() is 1. No locked instruction: preemption, migration,
/// a signal or the barrier restart the section before its commit, so no other thread's section
/// on this slot interleaves with it.
///
/// Orderings (x86-64 is TSO): the gate load is an acquiring load, the commit a releasing store;
/// what TSO does not order, a store followed by a load, the waiter gets from the barrier. The
/// asm's `memory` clobber keeps the compiler from moving the caller's accesses across either.
///
/// Written for the hot loop (docs/benchmarks.md): inline, so that the caller compiles to one
/// call-free sequence; the rseq area addressed through %fs (no thread-pointer load, no area
/// register: glibc's __rseq_offset is a constant the compiler keeps in a register); `delta` an
/// immediate where the caller's is a constant; and the closed gate an `asm goto` to the caller's
/// branch, so the gate is tested once, inside the section, and a granted section's answer is a
/// constant 0 the caller's test folds away. The value returned on the closed branch is the one
/// the section read (clang gives an asm goto's outputs on every branch).
static inline uintptr_t rundown_rseq_section(
    const uintptr_t *gate, const uintptr_t *refusal, char *slots, uint32_t stride, uint32_t count,
    uintptr_t delta) {
#if RUNDOWN_HAVE_RSEQ_SLOT
#if RUNDOWN_TSAN
    // A release (negative delta) publishes what its thread did before it to the waiter's barrier.
    if ((intptr_t)delta < 0) __tsan_release((void *)gate);
#endif
    uintptr_t seen;
    // The thread's rseq area is %fs:__rseq_offset; its cpu_id is at 4, its rseq_cs at 8.
    // 0: (re)arm the section: rseq_cs = &descriptor; 1: start_ip, right after the arming store,
    // so that the store and the start cannot be separated by a preemption that goes unnoticed;
    // 2: post-commit, right after the commit (the section's last instruction); 4: abort handler
    // (after the signature, in a section of its own) goes back to 0, since the kernel clears
    // rseq_cs on abort. The closed gate leaves the section (before any store) for `closed`.
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
        "orq (%[refusal]), %[seen]\n\t"
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
        "movq %%rdx, (%%rax)\n\t"
        "2:\n\t"
        ".pushsection __rseq_failure, \"ax\"\n\t"
        ".byte 0x0f, 0xb9, 0x3d\n\t"
        ".long 0x53053053\n\t"
        "4:\n\t"
        "jmp 0b\n\t"
        ".popsection\n\t"
        : [seen] "=&r"(seen)
        : [area] "r"(__rseq_offset), [gate] "r"(gate), [refusal] "r"(refusal), [slots] "r"(slots),
          [stride] "r"(stride), [count] "r"(count), [delta] "er"(delta)
        : "rax", "rdx", "memory", "cc"
        : closed);
#if RUNDOWN_TSAN
    // A granted acquire has read the gate that initialize or reinitialize released.
    if ((intptr_t)delta >= 0) __tsan_acquire((void *)gate);
#endif
    return 0;
closed:
    // The section jumps here only on a gate that is not 0: telling the compiler lets the
    // caller's test of the answer fold away on this branch too.
    if (seen == 0) __builtin_unreachable();
    return seen;
#else
    (void)gate; (void)refusal; (void)slots; (void)stride; (void)count; (void)delta;
    __builtin_trap();
#endif
}

/// The floor the fast path is measured against (the benchmark's "rseq per-CPU add" rows): the
/// same critical section without the gate (same area addressing, same operands), adding `delta`
/// to the current CPU's slot.
static inline void rundown_rseq_plain_add(char *slots, uint32_t stride, uint32_t count, uintptr_t delta) {
#if RUNDOWN_HAVE_RSEQ_SLOT
    __asm__ __volatile__(
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
        "jmp 0b\n\t"
        ".popsection\n\t"
        :
        : [area] "r"(__rseq_offset), [slots] "r"(slots), [stride] "r"(stride), [count] "r"(count),
          [delta] "er"(delta)
        : "rax", "rdx", "memory", "cc");
#else
    (void)slots; (void)stride; (void)count; (void)delta;
    __builtin_trap();
#endif
}

#ifdef __cplusplus
}
#endif

#endif
