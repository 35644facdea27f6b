// The fast path's broken restartable sections, for the negative controls on real threads (the
// real-thread platform and the soak tester). Never in the library: it ships the correct one
// (rundown_rseq_slot.h in _RundownShims). Each is that production section, same addressing (the
// rseq area through %fs at glibc's __rseq_offset) and same operands, with exactly one deviation
// (rseq_controls.c marks it) and a busy loop in the window the deviation opens.
#ifndef RUNDOWN_TOOL_RSEQ_CONTROLS_H
#define RUNDOWN_TOOL_RSEQ_CONTROLS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// `commit-outside-section`: the section ends before its commit (the post-commit label before the
/// store), so a preemption, migration or barrier between the slot's load and the store no longer
/// restarts it (a lost update, or a commit after the waiter's barrier).
#define RUNDOWN_RSEQ_CONTROL_COMMIT_OUTSIDE 1
/// `restart-skips-closed-check`: the abort handler resumes after the gate check (it re-arms a
/// second section that starts there), so a restarted section adds to a closed ref.
#define RUNDOWN_RSEQ_CONTROL_RESTART_SKIPS_CHECK 2

/// rundown_rseq_slot_add with the deviation `control` (one of the constants above). The window
/// the deviation opens is stretched by `spin` iterations of a busy loop inside it, as the soak
/// tester's jitter stretches the library's windows. Only where rundown_fast_path() is 1.
uintptr_t rundown_rseq_slot_add_control(
    const uintptr_t *gate, char *slots, uint32_t stride, uint32_t count, uintptr_t delta, int control,
    uint32_t spin);

#ifdef __cplusplus
}
#endif

#endif
